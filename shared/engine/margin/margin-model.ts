import type { Position, VenueId } from '../positions/account.ts';

/**
 * What a venue's `margin.ts` supplies to the venue-neutral engine. Every function is pure and takes
 * the mark price the question is asked at, so the engine can ask "what if BTC were at 52,000?".
 *
 * Contract, relied on by the tier-price and reduction solvers: between two consecutive breakpoints,
 * `requirement` and `isolatedEquity` are linear in the mark price (and `requirement` is linear in the
 * quantity between two qty breakpoints). Every venue formula we implement is piecewise linear.
 */
export interface MarginModel {
  readonly venue: VenueId;
  /**
   * The maintenance requirement (USDT) of one position at `mark`, as the venue compares it with equity:
   * Binance MM, Bybit MM, OKX MM plus liquidation fee, Hyperliquid maintenance margin.
   */
  requirement(p: Position, mark: number): number;
  /** Equity (USDT) backing an isolated position at `mark`: its margin plus unrealised PnL, as the venue counts it. */
  isolatedEquity(p: Position, mark: number): number;
  /** Equity gained per USDT of margin added to an isolated position (Bybit UTA scales it by 1 / (1 -/+ fee)). */
  isolatedTopUpGain(p: Position): number;
  /** Mark prices at which `requirement` changes slope or jumps (tier boundaries). */
  priceBreakpoints(p: Position): number[];
  /** Quantities at which `requirement` at `mark` changes tier. */
  qtyBreakpoints(p: Position, mark: number): number[];
  /** The venue's own name and value for a risk ratio rho = requirement / equity. */
  venueRatio(rho: number): { readonly name: string; readonly value: number | null };
}
