import type { Brand } from './brand.ts';

/**
 * Numbers in Margin Sentry are IEEE-754 doubles (decided once, here).
 *
 * Why not a decimal library: every venue formula we implement is a handful of multiplications and
 * one division, so a double keeps 15+ significant digits, far tighter than the tolerances the
 * exchanges publish (the tightest vector we check is 1e-9 relative). Decimal strings from the wire
 * become numbers exactly once, in the parsers, through the checked readers of field-readers.ts. Rounding to
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
