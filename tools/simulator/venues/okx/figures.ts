import { COIN_LISTINGS } from '../../market/coins.ts';
import { OKX_POSITION_TIERS, type ContractTier } from '../../accounts/tier-tables.ts';
import type { SimPosition } from '../../accounts/sim-position.ts';
import { crossPool, pnl, positivePrice, rho, sign, type VenueFormulas } from '../../accounts/venue-figures.ts';

/**
 * OKX v5 USDT-margined swap figures (single-currency margin, net mode), written from OKX's documents,
 * not from the engine (read through shared/design/margin-math.md §4.1, 2026-11-24).
 *
 * - `GET /api/v5/public/position-tiers`: bounds count contracts; a position of |pos| contracts sits in
 *   the first tier with |pos| <= maxSz. The tier's `mmr` applies to the whole position, no deduction:
 *   MM = |pos| x ctVal x mark x mmr (the positions channel's `mmr` field).
 * - Help "Tiered maintenance margin ratio rules" (2025-05-16): liquidation "when your margin ratio falls
 *   to 100 %, meaning your account equity is equal to or less than the required maintenance margin plus
 *   any applicable liquidation fees"; the liquidation fee is the taker rate x position value. So
 *   mgnRatio = equity / (MM + fee) and rho = 1 / mgnRatio. Cross equity = cash balance + cross uPnL;
 *   isolated equity = the position's margin + its uPnL.
 * - Isolated liquidation price (mgnRatio = 1 solved for the mark; freqtrade's generic formula):
 *     Long  LP = (EP - margin / q) / (1 - (mmr + fee)),  Short LP = (EP + margin / q) / (1 + mmr + fee)
 *   with q = |pos| x ctVal. Cross: the same equation with the other cross positions frozen,
 *     LP = (cashBal + uPnL_others - (MM + fee)_others - side x q x EP) / (q x (mmr + fee) - side x q).
 *   Tiers count contracts, so the tier does not move with the price: no recomputation.
 */

/** OKX's Lv1 taker rate for USDT-margined swaps (0.05 %), also the liquidation fee rate. */
export const OKX_TAKER_FEE = 0.0005;

/** Contracts, rounded off the binary noise of qty / ctVal (OKX lots are at most 8 decimals). */
export const contractsOf = (p: SimPosition): number => Math.round((p.qty / COIN_LISTINGS[p.coin].okxCtVal) * 1e8) / 1e8;

export function tierOf(p: SimPosition): ContractTier {
  const tiers = OKX_POSITION_TIERS[p.coin];
  const contracts = contractsOf(p);
  const tier = tiers.find((t) => contracts <= t.maxSz) ?? tiers.at(-1);
  if (tier === undefined) throw new Error(`no OKX position tiers for ${p.coin}`);
  return tier;
}

/** The isolated liquidation price: q in base units (|pos| x ctVal), margin USDT, rates fractions. */
export interface IsolatedInputs {
  readonly side: 1 | -1;
  readonly q: number;
  readonly ep: number;
  readonly margin: number;
  readonly mmr: number;
  readonly fee: number;
}

export const isolatedLiquidationPrice = ({ side, q, ep, margin, mmr, fee }: IsolatedInputs): number =>
  side === 1 ? (ep - margin / q) / (1 - (mmr + fee)) : (ep + margin / q) / (1 + mmr + fee);

const maintenance = (p: SimPosition, mark: number): number => p.qty * mark * tierOf(p).mmr;
const liquidationFee = (p: SimPosition, mark: number): number => p.qty * mark * OKX_TAKER_FEE;

export const okxFigures: VenueFormulas = (account) => {
  const { crossWallet, positions } = account;
  const isCross = (i: number): boolean => positions[i]?.position.marginMode === 'cross';
  const mm = positions.map((h) => maintenance(h.position, h.mark));
  const req = positions.map((h, i) => (mm[i] ?? 0) + liquidationFee(h.position, h.mark));
  const pool = crossPool(account, req);
  const { crossRiskRatio } = pool;
  return {
    ...pool,
    positions: positions.map(({ position: p, mark }, i) => {
      const rate = tierOf(p).mmr + OKX_TAKER_FEE;
      const q = p.qty;
      const requirement = req[i] ?? 0;
      const maintenanceMargin = mm[i] ?? 0;
      if (p.marginMode === 'isolated') {
        const lp = isolatedLiquidationPrice({ side: sign(p), q, ep: p.entryPrice, margin: p.isolatedMargin, mmr: tierOf(p).mmr, fee: OKX_TAKER_FEE });
        return { maintenanceMargin, requirement, riskRatio: rho(requirement, p.isolatedMargin + pnl(p, mark)), liquidationPrice: positivePrice(lp) };
      }
      let reqOthers = 0;
      let uplOthers = 0;
      positions.forEach((o, j) => {
        if (j === i || !isCross(j)) return;
        reqOthers += req[j] ?? 0;
        uplOthers += pnl(o.position, o.mark);
      });
      const side = sign(p);
      const lp = (crossWallet + uplOthers - reqOthers - side * q * p.entryPrice) / (q * rate - side * q);
      return { maintenanceMargin, requirement, riskRatio: crossRiskRatio, liquidationPrice: positivePrice(lp) };
    }),
  };
};
