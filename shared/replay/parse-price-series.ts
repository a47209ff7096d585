import { readFields, refuse, type FieldError } from '../units/field-error.ts';
import { arr, epochOf, item, obj, priceOf } from '../units/field-readers.ts';
import type { EpochMs, Price } from '../units/units.ts';

/** Mark prices at one instant: `[timeMs, { "BTCUSDT": 58000, ... }]` in the replay document. */
export interface PriceTick {
  readonly t: EpochMs;
  readonly marks: ReadonlyMap<string, Price>;
}

/**
 * Walks a price series inside a parser's `readFields`: an array of `[timeMs, {symbol: price}]` in time
 * order (equal times allowed, going back refused), every symbol one the account knows, every price
 * finite, > 0 and within the readers' bounds. The first bad entry is named, e.g. `ticks[12][1].BTCUSDT`.
 */
export function priceSeriesAt(raw: unknown, path: string, knownSymbols: ReadonlySet<string>): PriceTick[] {
  const out: PriceTick[] = [];
  let last = -Infinity;
  arr(raw, path).forEach((entry, i) => {
    const at = item(path, i);
    if (!Array.isArray(entry) || entry.length !== 2) refuse(at, 'expected [timeMs, {symbol: price}]');
    const t = epochOf(entry[0], item(at, 0));
    if (t < last) refuse(item(at, 0), `ticks out of order: ${t} comes after ${last}`);
    last = t;
    const marks = new Map<string, Price>();
    for (const [symbol, value] of Object.entries(obj(entry[1], item(at, 1)))) {
      const f = `${item(at, 1)}.${symbol}`;
      if (!knownSymbols.has(symbol)) refuse(f, `unknown symbol: the account has ${[...knownSymbols].join(', ')}`);
      marks.set(symbol, priceOf(value, f));
    }
    out.push({ t, marks });
  });
  return out;
}

/** A price series on its own (see `priceSeriesAt`), or the first bad field. */
export const parsePriceSeries = (raw: unknown, path: string, knownSymbols: ReadonlySet<string>): PriceTick[] | FieldError =>
  readFields(() => priceSeriesAt(raw, path, knownSymbols));
