import type { MarginModel } from '../../engine/margin/margin-model.ts';
import {
  maintenanceAtMark,
  marginPlusPnl,
  markTierBoundaries,
  qtyTierBoundaries,
} from '../../engine/margin/continuous-tier-margin.ts';
import { continuousMaintenance } from '../../engine/margin/maintenance-tiers.ts';
import { sideSign, unrealisedPnl, type Position } from '../../engine/positions/account.ts';

/**
 * Bybit v5 linear (USDT perpetual) margin rules.
 *
 * Sources (read 2026-11-24; derivation in docs/margin-math.md §3):
 * - "Liquidation Price Calculation under Isolated Mode (Unified Trading Account)", updated 2026-05-27,
 *   https://www.bybit.com/en/help-center/article/Liquidation-Price-Calculation-under-Isolated-Mode-Unified-Trading-Account
 * - "Liquidation Price (USDT Contract)" (classic accounts),
 *   https://www.bybit.com/en/help-center/article/Liquidation-Price-USDT-Contract
 * - "Trading Terms and Formulas in UTA": Account MM Rate = total MM / margin balance, liquidation at 100 %.
 *
 * Maintenance = position value x maintenanceMargin(risk-limit tier) - mmDeduction.
 *
 * UTA isolated (the default: Bybit moved accounts to UTA). The article's
 *   Long  LP = [EP x S - EP x S / Lev - Extra / (1 - fee) - ded] / [S - S x MMR]
 *   Short LP = [EP x S + EP x S / Lev + Extra / (1 + fee) + ded] / [S + S x MMR]
 * is "initial margin + Extra / (1 -/+ fee) + uPnL = maintenance at the liquidation price": the fee to
 * close sits in both IM and MM and cancels, and added margin counts scaled by 1 / (1 -/+ fee). So the
 * position's equity here is IM + Extra / (1 -/+ fee) + uPnL, with IM = S x EP / leverage and
 * Extra = isolated margin - IM. Official example: long 1 BTC @ 40,000, 50x, 3,000 added, MMR 0.5 %,
 * taker 0.055 % liquidates at 36,380.25 (vector #52).
 *
 * Classic isolated (only for a position marked accountType "classic"): maintenance at the entry value,
 * LP = EP - side x (IM - MM) / S - side x Extra / S. Example 1: long 1 BTC @ 20,000, 50x -> 19,700
 * (vectors #23-#31, #55-#58; #59 shows the two forms side by side).
 *
 * Cross: no published UTA liquidation-price formula; the engine solves account MM rate = 1 with the
 * other positions frozen (DERIVED, docs/margin-math.md §3.1), fee-to-close left out on both sides.
 */
const isClassic = (p: Position): boolean => p.accountType === 'classic';

/** Initial margin at entry; without a leverage all margin is taken as initial (no scaled extra). */
const initialMargin = (p: Position): number =>
  p.leverage !== undefined && p.leverage > 0 ? (p.qty * p.entryPrice) / p.leverage : (p.isolatedMargin ?? 0);

const addedMarginScale = (p: Position): number => 1 / (1 - sideSign(p.side) * p.takerFeeRate);

export const bybitMargin: MarginModel = {
  venue: 'bybit',
  requirement: (p, mark) =>
    isClassic(p) && p.marginMode === 'isolated'
      ? continuousMaintenance(p.tiers, p.qty * p.entryPrice, p.qty)
      : maintenanceAtMark(p, mark),
  isolatedEquity: (p, mark) => {
    if (isClassic(p)) return marginPlusPnl(p, mark);
    const im = initialMargin(p);
    const extra = (p.isolatedMargin ?? 0) - im;
    return im + extra * addedMarginScale(p) + unrealisedPnl(p, mark);
  },
  isolatedTopUpGain: (p) => (isClassic(p) ? 1 : addedMarginScale(p)),
  priceBreakpoints: (p) => (isClassic(p) && p.marginMode === 'isolated' ? [] : markTierBoundaries(p)),
  qtyBreakpoints: (p, mark) => qtyTierBoundaries(p, isClassic(p) && p.marginMode === 'isolated' ? p.entryPrice : mark),
  venueRatio: (rho) => ({ name: 'accountMMRate', value: Number.isFinite(rho) ? rho : null }),
};

/**
 * Isolated bankruptcy price: EP x (1 -/+ 1 / leverage). Bybit help "Bankruptcy Price (USDT Contract)":
 * long @ 60,000, 50x -> 58,800 (vector #54).
 */
export function bybitBankruptcyPrice(p: Position): number {
  const lev = p.leverage ?? 1;
  return p.entryPrice * (1 - sideSign(p.side) / lev);
}

/**
 * UTA "estimated fee to close" = size x bankruptcy price x taker fee: 1 BTC @ 40,000, 50x, 0.055 % ->
 * 21.56 USDT (vector #53). Bybit adds it to both IM and MM; it cancels in the liquidation price, and
 * the engine shows it only beside Bybit's own `positionMM`.
 */
export const bybitEstimatedFeeToClose = (p: Position): number => p.qty * bybitBankruptcyPrice(p) * p.takerFeeRate;
