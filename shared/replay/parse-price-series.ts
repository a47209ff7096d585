import { isUnitError, parseEpochMs, parsePrice, type EpochMs, type Price } from '../units/units.ts';

/** Mark prices at one instant: `[timeMs, { "BTCUSDT": 58000, ... }]` in the replay document. */
export interface PriceTick {
  readonly t: EpochMs;
  readonly marks: ReadonlyMap<string, Price>;
}

export interface SeriesError {
  readonly kind: 'series-error';
  readonly field: string;
  readonly message: string;
}

const refuse = (field: string, message: string): SeriesError => ({ kind: 'series-error', field, message });

export const isSeriesError = (v: unknown): v is SeriesError =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'series-error';

/**
 * Reads a price series: an array of `[timeMs, {symbol: price}]` in time order (equal times allowed,
 * going back refused), every symbol one the account knows, every price finite and > 0. Untrusted input:
 * the first bad entry is named, e.g. `ticks[12][1].BTCUSDT`.
 */
export function parsePriceSeries(raw: unknown, field: string, knownSymbols: ReadonlySet<string>): PriceTick[] | SeriesError {
  if (!Array.isArray(raw)) return refuse(field, 'expected an array of [timeMs, {symbol: price}]');
  const out: PriceTick[] = [];
  let last = -Infinity;
  for (let i = 0; i < raw.length; i++) {
    const entry: unknown = raw[i];
    const at = `${field}[${i}]`;
    if (!Array.isArray(entry) || entry.length !== 2) return refuse(at, 'expected [timeMs, {symbol: price}]');
    const t = parseEpochMs(entry[0]);
    if (isUnitError(t)) return refuse(`${at}[0]`, t.message);
    if (t < last) return refuse(`${at}[0]`, `ticks out of order: ${t} comes after ${last}`);
    last = t;
    const prices: unknown = entry[1];
    if (typeof prices !== 'object' || prices === null || Array.isArray(prices)) return refuse(`${at}[1]`, 'expected an object of symbol: price');
    const marks = new Map<string, Price>();
    for (const [symbol, value] of Object.entries(prices)) {
      if (!knownSymbols.has(symbol)) return refuse(`${at}[1].${symbol}`, `unknown symbol: the account has ${[...knownSymbols].join(', ')}`);
      const p = parsePrice(value);
      if (isUnitError(p)) return refuse(`${at}[1].${symbol}`, p.message);
      marks.set(symbol, p);
    }
    out.push({ t, marks });
  }
  return out;
}
