import { BYBIT_RISK_LIMITS, deductions, type NotionalTier } from '../../accounts/tier-tables.ts';
import type { SimPosition } from '../../accounts/sim-position.ts';
import { crossPool, pnl, positivePrice, priceAtItsTier, rho, sign, type VenueFormulas } from '../../accounts/venue-figures.ts';

/**
 * Bybit v5 linear (USDT perpetual, Unified Trading Account) figures, written from Bybit's documents,
 * not from the engine (read through shared/design/margin-math.md §3.1, 2026-11-24).
 *
 * - Risk limit (`/v5/market/risk-limit`): a position of value up to `riskLimitValue` sits in that tier;
 *   help "Maintenance Margin (USDT Contract)": MM = position value x MMR - mmDeduction. Value at mark
 *   (the `...ByMp` figures).
 * - "Trading Terms and Formulas in UTA": Account MM Rate = total maintenance margin / margin balance,
 *   margin balance = wallet + perp unrealised PnL; "liquidation is triggered when MMR reaches 100 %".
 * - Cross liquidation price: Bybit publishes none for UTA; solving Account MM Rate = 1 with the other
 *   positions frozen gives Binance's one-way form
 *     LP = (WB - MM_others + UPL_others + ded - side x S x EP) / (S x MMR - side x S)
 *   (DERIVED in margin-math.md §3.1; estimated fee to close left out, as there).
 * - Isolated (help "Liquidation Price Calculation under Isolated Mode (Unified Trading Account)",
 *   updated 2026-05-27, USDT section):
 *     Long  LP = [EP x S - EP x S / Lev - Extra / (1 - fee) - ded] / [S - S x MMR]
 *     Short LP = [EP x S + EP x S / Lev + Extra / (1 + fee) + ded] / [S + S x MMR]
 *   with the tier at the liquidation price; Extra = added margin = isolated margin - EP x S / Lev.
 *   The same equation read at the mark gives the position's rho: MM / (IM + Extra / (1 -/+ fee) + uPnL).
 */

/** Bybit's VIP 0 taker rate for USDT perpetuals (0.055 %), the `fee` of the isolated formula. */
export const BYBIT_TAKER_FEE = 0.00055;

const tierOf = (tiers: readonly NotionalTier[], value: number): number => {
  const i = tiers.findIndex((t) => value <= t.cap);
  return i === -1 ? tiers.length - 1 : i;
};

function maintenance(p: SimPosition, mark: number): number {
  const tiers = BYBIT_RISK_LIMITS[p.coin];
  const i = tierOf(tiers, p.qty * mark);
  return p.qty * mark * (tiers[i]?.mmr ?? 0) - (deductions(tiers)[i] ?? 0);
}

/** The UTA article's isolated liquidation price for one tier (USDT, base units). */
export interface UtaIsolatedInputs {
  readonly side: 1 | -1;
  readonly size: number;
  readonly ep: number;
  readonly leverage: number;
  /** Added margin beyond the initial margin EP x S / Lev (negative once funding ate into it). */
  readonly extra: number;
  readonly mmr: number;
  readonly ded: number;
  readonly fee: number;
}

export function utaIsolatedLiquidationPrice({ side, size: s, ep, leverage, extra, mmr, ded, fee }: UtaIsolatedInputs): number {
  return side === 1
    ? (ep * s - (ep * s) / leverage - extra / (1 - fee) - ded) / (s - s * mmr)
    : (ep * s + (ep * s) / leverage + extra / (1 + fee) + ded) / (s + s * mmr);
}

const addedMargin = (p: SimPosition): number => p.isolatedMargin - (p.qty * p.entryPrice) / p.leverage;

function isolatedLiquidationPrice(p: SimPosition, mark: number): number | null {
  const tiers = BYBIT_RISK_LIMITS[p.coin];
  const deds = deductions(tiers);
  const s = p.qty;
  const base = { side: sign(p), size: s, ep: p.entryPrice, leverage: p.leverage, extra: addedMargin(p), fee: BYBIT_TAKER_FEE };
  const withTier = (i: number): number => utaIsolatedLiquidationPrice({ ...base, mmr: tiers[i]?.mmr ?? 0, ded: deds[i] ?? 0 });
  return positivePrice(priceAtItsTier(tierOf(tiers, s * mark), withTier, (price) => tierOf(tiers, s * price), tiers.length));
}

function crossLiquidationPrice(p: SimPosition, mark: number, wb: number, mmOthers: number, uplOthers: number): number | null {
  const tiers = BYBIT_RISK_LIMITS[p.coin];
  const deds = deductions(tiers);
  const s = p.qty;
  const side = sign(p);
  const withTier = (i: number): number =>
    (wb - mmOthers + uplOthers + (deds[i] ?? 0) - side * s * p.entryPrice) / (s * (tiers[i]?.mmr ?? 0) - side * s);
  return positivePrice(priceAtItsTier(tierOf(tiers, s * mark), withTier, (price) => tierOf(tiers, s * price), tiers.length));
}

export const bybitFigures: VenueFormulas = (account) => {
  const { crossWallet, positions } = account;
  const isCross = (i: number): boolean => positions[i]?.position.marginMode === 'cross';
  const mm = positions.map((h) => maintenance(h.position, h.mark));
  const pool = crossPool(account, mm);
  const { crossRiskRatio } = pool;
  return {
    ...pool,
    positions: positions.map(({ position: p, mark }, i) => {
      const own = mm[i] ?? 0;
      if (p.marginMode === 'isolated') {
        const im = (p.qty * p.entryPrice) / p.leverage;
        const equity = im + addedMargin(p) / (1 - sign(p) * BYBIT_TAKER_FEE) + pnl(p, mark);
        return { maintenanceMargin: own, requirement: own, riskRatio: rho(own, equity), liquidationPrice: isolatedLiquidationPrice(p, mark) };
      }
      let mmOthers = 0;
      let uplOthers = 0;
      positions.forEach((o, j) => {
        if (j === i || !isCross(j)) return;
        mmOthers += mm[j] ?? 0;
        uplOthers += pnl(o.position, o.mark);
      });
      return {
        maintenanceMargin: own,
        requirement: own,
        riskRatio: crossRiskRatio,
        liquidationPrice: crossLiquidationPrice(p, mark, crossWallet, mmOthers, uplOthers),
      };
    }),
  };
};
