import type { Brand } from './brand.ts';

/**
 * Numbers in Margin Sentry are IEEE-754 doubles (decided once, here).
 *
 * Why not a decimal library: every venue formula we implement is a handful of multiplications and
 * one division, so a double keeps 15+ significant digits, far tighter than the tolerances the
 * exchanges publish (the tightest vector we check is 1e-9 relative). Decimal strings from the wire
 * become numbers exactly once, in the venue parsers, through the constructors below. Rounding to
 * tick or lot size happens only for display and for suggested quantities (rounded up to the lot).
 */

/** A mark, entry or liquidation price in quote currency per base unit. Always > 0. */
export type Price = Brand<'price'>;
/** A position size in base units (BTC, ETH, ...), unsigned. Always >= 0. */
export type Qty = Brand<'qty'>;
/** An amount of quote-currency collateral (USDT or USDC), may be negative (PnL). */
export type Usdt = Brand<'usdt'>;
/** A dimensionless fraction: 0.005 means 0.5 %. */
export type Ratio = Brand<'ratio'>;
/** Milliseconds since the Unix epoch. */
export type EpochMs = Brand<'epoch-ms'>;

/** Brands a value the engine computed from already-validated inputs. */
export const price = (n: number): Price => n as Price;
export const qty = (n: number): Qty => n as Qty;
export const usdt = (n: number): Usdt => n as Usdt;
export const ratio = (n: number): Ratio => n as Ratio;
export const epochMs = (n: number): EpochMs => n as EpochMs;

/** Why an untrusted value was refused; `field` is filled in by the caller that knows the path. */
export interface UnitError {
  readonly kind: 'unit-error';
  readonly message: string;
}

const refuse = (message: string): UnitError => ({ kind: 'unit-error', message });

export const isUnitError = (v: unknown): v is UnitError =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'unit-error';

/**
 * Reads a JSON number or a decimal string (the wire sends both) into a finite number.
 * Refuses NaN, Infinity, empty strings, hex, and anything that is not a plain decimal.
 */
export function parseFiniteNumber(raw: unknown): number | UnitError {
  if (typeof raw === 'number') {
    return Number.isFinite(raw) ? raw : refuse(`expected a finite number, got ${String(raw)}`);
  }
  if (typeof raw === 'string') {
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw.trim())) {
      return refuse(`expected a decimal number, got ${JSON.stringify(raw.slice(0, 40))}`);
    }
    const n = Number(raw);
    return Number.isFinite(n) ? n : refuse(`number out of range: ${raw.slice(0, 40)}`);
  }
  return refuse(`expected a number, got ${raw === null ? 'null' : typeof raw}`);
}

function parseWith<T>(raw: unknown, ok: (n: number) => boolean, rule: string, brand: (n: number) => T): T | UnitError {
  const n = parseFiniteNumber(raw);
  if (isUnitError(n)) return n;
  return ok(n) ? brand(n) : refuse(`expected ${rule}, got ${n}`);
}

export const parsePrice = (raw: unknown): Price | UnitError => parseWith(raw, (n) => n > 0, 'a price > 0', price);
export const parseQty = (raw: unknown): Qty | UnitError => parseWith(raw, (n) => n >= 0, 'a quantity >= 0', qty);
export const parseUsdt = (raw: unknown): Usdt | UnitError => parseWith(raw, () => true, 'an amount', usdt);
/** A fraction in [0, 1): maintenance rates, fee rates. */
export const parseRate = (raw: unknown): Ratio | UnitError =>
  parseWith(raw, (n) => n >= 0 && n < 1, 'a rate in [0, 1)', ratio);
export const parsePositiveRatio = (raw: unknown): Ratio | UnitError =>
  parseWith(raw, (n) => n > 0, 'a ratio > 0', ratio);
export const parseEpochMs = (raw: unknown): EpochMs | UnitError =>
  parseWith(raw, (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer time in ms', epochMs);
