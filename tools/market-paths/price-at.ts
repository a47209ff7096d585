import type { Price } from '../../shared/units/units.ts';
import type { PricePoint } from './price-path.ts';

/**
 * The price in force at time t on a path: the last point at or before t (a mark holds until the
 * next one is published). Before the first point, the first price; the path must not be empty.
 */
export function priceAt(path: readonly PricePoint[], t: number): Price {
  const first = path[0];
  if (first === undefined) throw new RangeError('priceAt: empty path');
  let lo = 0;
  let hi = path.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    const point = path[mid];
    if (point !== undefined && point.t <= t) lo = mid;
    else hi = mid - 1;
  }
  return (path[lo] ?? first).price;
}
