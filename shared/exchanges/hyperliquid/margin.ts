import type { MarginModel } from '../../engine/margin/margin-model.ts';
import {
  maintenanceAtMark,
  marginPlusPnl,
  markTierBoundaries,
  qtyTierBoundaries,
} from '../../engine/margin/continuous-tier-margin.ts';
import { buildTierTable, type TierInput } from '../../engine/margin/maintenance-tiers.ts';
import type { TierTable } from '../../engine/positions/account.ts';

/**
 * Hyperliquid perps margin rules.
 *
 * Sources (read 2026-11-24; derivation in docs/margin-math.md §5):
 * - Margining and Margin tiers: https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers
 * - Liquidations: https://hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations
 *
 * Maintenance margin = half the initial margin at the tier's max leverage: rate 1 / (2 x maxLeverage),
 * with the same deduction recursion as Binance across margin tiers. Liquidation when account value
 * (cross) or isolated margin (isolated, uPnL included) falls below maintenance margin, so
 * rho = maintenance / account value. The docs' liquidation price
 *   liq = price - side x margin_available / size / (1 - l x side),  l = 1 / (2 x maxLeverage)
 * is that same equation solved for the price (the engine solves it per tier; "maintenance leverage
 * depends on the margin tier at the liquidation price" falls out of that).
 *
 * Proven by vectors #35 (docs clearinghouseState example), #36-#43 (live exchange liquidationPx),
 * #46 (live crossMaintenanceMarginUsed), #47 (tier deduction) and #61 (cross, others frozen).
 * No clearance fee; the taker fee is only the cost of a suggested reduction.
 */
export const hyperliquidMargin: MarginModel = {
  venue: 'hyperliquid',
  requirement: maintenanceAtMark,
  isolatedEquity: marginPlusPnl,
  isolatedTopUpGain: () => 1,
  priceBreakpoints: markTierBoundaries,
  qtyBreakpoints: qtyTierBoundaries,
  venueRatio: (rho) => ({ name: 'maintenance/accountValue', value: Number.isFinite(rho) ? rho : null }),
};

/** A margin table row as `meta.marginTables` sends it: tiers by notional lower bound and max leverage. */
export interface MarginTier {
  readonly lowerBound: number;
  readonly maxLeverage: number;
}

/** Maintenance tier rows of a margin table: mmr = 1 / (2 x max leverage) on each notional lower bound. */
export const hyperliquidTierRows = (marginTiers: readonly MarginTier[]): TierInput[] =>
  marginTiers.map((t) => ({ floor: t.lowerBound, mmr: 1 / (2 * t.maxLeverage) }));

/** Maintenance tiers from a margin table; "IDs below 50 are a single tier at max leverage = ID". */
export function hyperliquidTierTable(marginTiers: readonly MarginTier[]): TierTable {
  return buildTierTable(hyperliquidTierRows(marginTiers));
}
