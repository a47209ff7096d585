import type { Position, Side } from '../positions/account.ts';

/**
 * Known events are not random: the next funding payment of each symbol, as the venue announces it
 * (Binance markPrice `r` and `T`, Bybit ticker `fundingRate` and `nextFundingTime`, OKX `funding-rate`,
 * Hyperliquid every hour). At `timeMs` every open position of the symbol pays or receives
 * rate x notional at mark (Binance, Bybit and OKX value it at the mark; Hyperliquid at the oracle price,
 * which the mark tracks to a few basis points): a long pays when the rate is positive, a short when it
 * is negative. The margin moves by that much, with certainty, so the projection takes it as a step of
 * the tier barrier rather than as risk.
 */

/** The next funding payment of one symbol: plain data, as the monitor keeps it. */
export interface FundingNotice {
  /** The rate of the coming payment, a signed fraction (0.0001 = 0.01 %). */
  readonly rate: number;
  /** When it is paid, ms. */
  readonly timeMs: number;
}

/** USDT a position pays at the payment (negative: it receives): rate x qty x mark, long pays a positive rate. */
export const fundingPaid = (side: Side, qty: number, mark: number, rate: number): number => (side === 'long' ? 1 : -1) * rate * qty * mark;

/** The same for an engine position. */
export const positionFundingPaid = (p: Position, notice: FundingNotice): number => fundingPaid(p.side, p.qty, p.markPrice, notice.rate);

/**
 * The barrier step a payment makes on one position's price axis: from `atSec` on, the tier is nearer by
 * `closerBy` (log price). Paying rate x notional moves equity as a price move of rate (in log terms, to
 * first order) would, so closerBy = the rate the position pays. A payment received is not counted: a
 * known gain never makes a position look safer than the walk says (and it is small).
 */
export interface FundingStep {
  readonly atSec: number;
  readonly closerBy: number;
}

export function fundingStepOf(side: Side, notice: FundingNotice | undefined, nowMs: number): FundingStep | null {
  if (notice === undefined || !(notice.timeMs > nowMs) || !Number.isFinite(notice.rate)) return null;
  const closerBy = side === 'long' ? notice.rate : -notice.rate;
  return closerBy > 0 ? { atSec: (notice.timeMs - nowMs) / 1000, closerBy } : null;
}
