import { epochMs, price, qty, ratio, usdt, type EpochMs, type Price, type Qty, type Ratio, type Usdt } from '../units/units.ts';

/**
 * The one place where engine numbers become protocol numbers. An engine figure that may be Infinity
 * (or, by a bug, NaN) becomes the finite number or null, and every caller writes beside the field what
 * null means there, so a null in the protocol is never a silent JSON.stringify(Infinity). And -0 becomes
 * 0: JSON reads it back as 0, so a value with -0 in it would not equal itself after the relay.
 */
export const finiteOrNull = (n: number | null | undefined): number | null =>
  typeof n === 'number' && Number.isFinite(n) ? (n === 0 ? 0 : n) : null;

/** A figure the engine computes finite from finite inputs; -0 read as 0. */
const plain = (n: number): number => (n === 0 ? 0 : n);

export const usdtOf = (n: number): Usdt => usdt(plain(n));
export const priceOf = (n: number): Price => price(plain(n));
export const qtyOf = (n: number): Qty => qty(plain(n));
export const ratioOf = (n: number): Ratio => ratio(plain(n));
export const timeOf = (n: number): EpochMs => epochMs(plain(n));
