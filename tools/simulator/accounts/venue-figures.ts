import type { SimPosition } from './sim-position.ts';

/**
 * The shapes every venue's `figures.ts` fills in. The simulator computes its venues' margin figures
 * with its own plain formulas, written from each venue's documents (docs/simulator.md, "Independent
 * formulas"), and never with the engine (shared/engine/margin, shared/exchanges/<venue>/margin.ts):
 * the end-to-end tests then compare two implementations, not the engine with itself.
 */

/** A position and its symbol's mark at the instant asked about. */
export interface HeldPosition {
  readonly position: SimPosition;
  readonly mark: number;
}

/** One account at one instant: the cross wallet (unrealised PnL excluded) and every open position. */
export interface AccountAt {
  readonly crossWallet: number;
  readonly positions: readonly HeldPosition[];
}

/** One position's margin figures, USDT and prices; rho = requirement / equity, liquidation at 1. */
export interface MarginFigures {
  /** The venue's own maintenance-margin figure (Binance maintMargin, Bybit positionMM, OKX mmr, HL). */
  readonly maintenanceMargin: number;
  /** What the venue holds equity against at liquidation: the maintenance margin, plus OKX's liquidation fee. */
  readonly requirement: number;
  /** Isolated: the position's own rho; cross: the cross pool's. Infinity past liquidation. */
  readonly riskRatio: number;
  /** The venue's liquidation price, other symbols at their marks; null when no positive price reaches it. */
  readonly liquidationPrice: number | null;
}

export interface VenueFigures {
  /** One per position, in the order given. */
  readonly positions: readonly MarginFigures[];
  /** Cross pool: wallet plus cross unrealised PnL (USDT). */
  readonly crossEquity: number;
  /** Cross pool requirement (USDT). */
  readonly crossRequirement: number;
  /** Cross pool rho; 0 without cross positions. */
  readonly crossRiskRatio: number;
}

/** Every venue's formulas have this one entry point. */
export type VenueFormulas = (account: AccountAt) => VenueFigures;

/** rho from its parts: 0 with nothing required, Infinity once equity is gone, never NaN. */
export function rho(requirement: number, equity: number): number {
  if (!(requirement > 0)) return 0;
  return equity > 0 ? requirement / equity : Number.POSITIVE_INFINITY;
}

/** +1 long, -1 short. */
export const sign = (p: SimPosition): 1 | -1 => (p.side === 'long' ? 1 : -1);

/** Unrealised PnL at `mark`: signed size x (mark - entry). */
export const pnl = (p: SimPosition, mark: number): number => sign(p) * p.qty * (mark - p.entryPrice);

/** A liquidation price only if it is a positive, finite price (Binance shows "--" below 0). */
/** The cross pool the venues share in shape: wallet plus the cross positions' uPnL against the sum of their requirements. */
export function crossPool(account: AccountAt, requirement: readonly number[]): { crossEquity: number; crossRequirement: number; crossRiskRatio: number } {
  let crossEquity = account.crossWallet;
  let crossRequirement = 0;
  account.positions.forEach((h, i) => {
    if (h.position.marginMode !== 'cross') return;
    crossEquity += pnl(h.position, h.mark);
    crossRequirement += requirement[i] ?? 0;
  });
  return { crossEquity, crossRequirement, crossRiskRatio: rho(crossRequirement, crossEquity) };
}

export const positivePrice = (price: number): number | null => (Number.isFinite(price) && price > 0 ? price : null);

/**
 * Binance: "if the notional at the liquidation price falls into a different bracket than assumed,
 * recompute with that bracket"; Hyperliquid: "maintenance leverage depends on the margin tier
 * corresponding to the position value at the liquidation price" (margin-math.md §1). Start at the
 * mark's tier and recompute with the tier of each answer until it stays. Each tier's line lies under
 * the (convex) maintenance curve, so the answers move one way toward the true price and this ends
 * within one pass over the tiers.
 */
export function priceAtItsTier(
  markTier: number,
  priceWith: (tier: number) => number,
  tierAtPrice: (price: number) => number,
  tierCount: number,
): number {
  let tier = markTier;
  let price = priceWith(tier);
  for (let step = 0; step < tierCount; step += 1) {
    const next = tierAtPrice(price);
    if (next === tier) break;
    tier = next;
    price = priceWith(tier);
  }
  return price;
}
