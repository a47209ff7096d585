import type { MarginModel } from '../../engine/margin/margin-model.ts';
import { marginPlusPnl, qtyTierBoundaries } from '../../engine/margin/continuous-tier-margin.ts';
import { tierRate } from '../../engine/margin/maintenance-tiers.ts';
import type { Position } from '../../engine/positions/account.ts';

/**
 * OKX v5 SWAP (USDT-margined, linear) margin rules.
 *
 * Sources (read 2026-11-24; derivation in docs/margin-math.md §4):
 * - OKX help "Tiered maintenance margin ratio rules" (2025-05-16): liquidation "when your margin ratio
 *   falls to 100 %, meaning your account equity is equal to or less than the required maintenance
 *   margin plus any applicable liquidation fees".
 * - API v5 `GET /api/v5/public/position-tiers` (tier bounds `minSz`/`maxSz` count contracts).
 *
 * OKX states risk the other way round: mgnRatio = equity / (MM + liquidation fee), liquidation at
 * mgnRatio <= 1, so rho = 1 / mgnRatio. The tier's mmr applies to the whole position (no deduction,
 * so MM jumps at tier bounds), and the liquidation fee is the taker rate x position value. Hence the
 * requirement here is notional x (mmr(tier) + taker fee), and the isolated liquidation price
 *   Long  LP = (EP - margin / q) / (1 - (mmr + fee)),  Short LP = (EP + margin / q) / (1 + mmr + fee)
 * (freqtrade's generic formula) is what the engine's solver returns. Proven only algebraically: vectors
 * #17-#22 (synthetic, freqtrade); OKX publishes no numeric USDT-swap example.
 *
 * Tiers fetched from OKX have basis `qty` (contracts x ctVal, in base units); a table given by
 * notional is honoured too, with jumps at its bounds.
 */
const requirementRate = (p: Position, notional: number): number =>
  tierRate(p.tiers, notional, p.qty) + p.takerFeeRate;

export const okxMargin: MarginModel = {
  venue: 'okx',
  requirement: (p, mark) => p.qty * mark * requirementRate(p, p.qty * mark),
  isolatedEquity: marginPlusPnl,
  isolatedTopUpGain: () => 1,
  priceBreakpoints: (p) =>
    p.tiers.basis === 'qty' || p.qty <= 0 ? [] : p.tiers.tiers.filter((t) => t.floor > 0).map((t) => t.floor / p.qty),
  qtyBreakpoints: qtyTierBoundaries,
  venueRatio: (rho) => ({ name: 'mgnRatio', value: rho > 0 && Number.isFinite(rho) ? 1 / rho : null }),
};
