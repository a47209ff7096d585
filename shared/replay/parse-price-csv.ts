import { readFields, refuse, type FieldError } from '../units/field-error.ts';
import { epochOf, priceOf } from '../units/field-readers.ts';
import type { EpochMs, Price } from '../units/units.ts';
import type { PriceTick } from './parse-price-series.ts';

/**
 * A price history as CSV, `time,symbol,price` one mark a line (what a spreadsheet or an exchange's
 * export gives), into the replay's ticks: marks at the same time become one tick. `time` is epoch
 * milliseconds or an ISO-8601 UTC time (`2026-11-26T14:00:00Z`). A header line naming the columns is
 * allowed; blank lines are skipped. Lines must not go back in time.
 *
 * Untrusted (pasted or uploaded): the first bad cell is refused with its line and column, e.g.
 * `line 4, column 3 (price): expected a price > 0, got "-1"`, through the same readers as the JSON
 * series, so the runner never sees NaN or a tick out of order.
 */
export const MAX_CSV_LINES = 200_000;
const COLUMNS = ['time', 'symbol', 'price'] as const;

const cellField = (line: number, column: number): string => `line ${line}, column ${column + 1} (${COLUMNS[column]})`;

function timeOf(text: string, field: string): EpochMs {
  if (/^\d+$/.test(text)) return epochOf(Number(text), field);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const t = Date.parse(text);
    if (Number.isFinite(t)) return epochOf(t, field);
  }
  return refuse(field, `expected epoch milliseconds or an ISO time like 2026-11-26T14:00:00Z, got "${text.slice(0, 40)}"`);
}

function csvAt(text: string, knownSymbols: ReadonlySet<string> | null): PriceTick[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_CSV_LINES) refuse('input', `at most ${MAX_CSV_LINES} lines, got ${lines.length}`);
  const ticks: { t: EpochMs; marks: Map<string, Price> }[] = [];
  lines.forEach((raw, i) => {
    const line = i + 1;
    const cells = raw.split(',').map((c) => c.trim());
    if (raw.trim() === '') return;
    if (line === 1 && cells.join(',').toLowerCase() === COLUMNS.join(',')) return;
    if (cells.length !== 3) refuse(`line ${line}`, `expected 3 columns time,symbol,price, got ${cells.length}`);
    const [timeText, symbol, priceText] = cells as [string, string, string];
    const t = timeOf(timeText, cellField(line, 0));
    if (symbol === '' || symbol.length > 64) refuse(cellField(line, 1), 'expected a symbol of 1..64 characters');
    if (knownSymbols !== null && !knownSymbols.has(symbol)) refuse(cellField(line, 1), `unknown symbol "${symbol}": the account has ${[...knownSymbols].join(', ')}`);
    const price = priceOf(priceText, cellField(line, 2));
    const last = ticks[ticks.length - 1];
    if (last !== undefined && t < last.t) refuse(cellField(line, 0), `lines out of order: ${new Date(t).toISOString()} comes after ${new Date(last.t).toISOString()}`);
    if (last !== undefined && last.t === t) last.marks.set(symbol, price);
    else ticks.push({ t, marks: new Map([[symbol, price]]) });
  });
  if (ticks.length === 0) refuse('input', 'no price lines: expected time,symbol,price');
  return ticks;
}

/** The ticks of a CSV price history, or the first bad cell; `knownSymbols` null accepts any symbol. */
export const parsePriceCsv = (text: string, knownSymbols: ReadonlySet<string> | null = null): PriceTick[] | FieldError =>
  readFields(() => csvAt(text, knownSymbols));
