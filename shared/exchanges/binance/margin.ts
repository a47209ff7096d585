import type { MarginModel } from '../../engine/margin/margin-model.ts';
import {
  maintenanceAtMark,
  marginPlusPnl,
  markTierBoundaries,
  qtyTierBoundaries,
} from '../../engine/margin/continuous-tier-margin.ts';

/**
 * Binance USDⓈ-M futures margin rules.
 *
 * Sources (read 2026-11-24; derivation in docs/margin-math.md §2):
 * - FAQ "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts"
 *   https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93
 * - FAQ "Liquidation Protocols" https://www.binance.com/en/support/faq/360033525271
 *
 * Maintenance margin = notional at mark x maintMarginRatio(bracket) - cum(bracket).
 * Margin ratio = maintenance margin / margin balance; liquidation at 100 %. That is already our rho.
 * Cross: margin balance = cross wallet balance + unrealised PnL of every cross position.
 * Isolated: the position's isolated wallet + its unrealised PnL.
 *
 * The FAQ's liquidation price
 *   LP = (WB - TMM1 + UPNL1 + cum - side x q x EP) / (q x MMR - side x q)
 * is exactly "margin balance = maintenance margin" with the other positions frozen; the engine solves
 * that equation per bracket (tier-price.ts), which also covers the FAQ's "if the notional at the
 * liquidation price falls in another bracket, recompute with that bracket" and hedge mode, where both
 * legs of a symbol share the mark and so share one cross liquidation price.
 *
 * Proven by vectors #1, #3, #4, #5, #6, #7-#14 (FAQ 2-position account via freqtrade, and synthetic
 * isolated rows), #60 (hedge mode), and the MARGIN_CALL fixture (mm 1.614445 at mark 187.17127).
 * Fees are not in the formula; the taker fee is used only for the cost of a suggested reduction.
 */
export const binanceMargin: MarginModel = {
  venue: 'binance',
  requirement: maintenanceAtMark,
  isolatedEquity: marginPlusPnl,
  isolatedTopUpGain: () => 1,
  priceBreakpoints: markTierBoundaries,
  qtyBreakpoints: qtyTierBoundaries,
  venueRatio: (rho) => ({ name: 'marginRatio', value: Number.isFinite(rho) ? rho : null }),
};
