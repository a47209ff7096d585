import { BINANCE_BRACKETS, deductions, type NotionalTier } from '../../accounts/tier-tables.ts';
import type { SimPosition } from '../../accounts/sim-position.ts';
import { crossPool, pnl, positivePrice, priceAtItsTier, rho, sign, type VenueFormulas } from '../../accounts/venue-figures.ts';

/**
 * Binance USDⓈ-M figures, one-way mode, written from Binance's documents, not from the engine.
 *
 * - FAQ "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts"
 *   (https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93; read through
 *   shared/design/margin-math.md §2.1-2.2, 2026-11-24):
 *   Maintenance Margin = notional at mark x maintMarginRatio(bracket) - cum(bracket), bracket by
 *   notionalFloor <= notional < notionalCap; Margin Ratio = Maintenance Margin / Margin Balance,
 *   liquidation at 100 %.
 * - One-way liquidation price, the FAQ's formula as freqtrade transcribes it:
 *     LP = (WB - TMM1 + UPNL1 + cum - side x q x EP) / (q x MMR - side x q)
 *   cross: WB = cross wallet, TMM1 / UPNL1 = maintenance / PnL of the other cross positions;
 *   isolated: WB = the isolated wallet, TMM1 = UPNL1 = 0. "If the notional at the liquidation price
 *   falls in another bracket, recompute with that bracket's MMR and cum." Below 0 the UI shows "--".
 */
const bracketOf = (brackets: readonly NotionalTier[], notional: number): number => {
  const i = brackets.findIndex((b) => notional < b.cap);
  return i === -1 ? brackets.length - 1 : i;
};

function maintenance(p: SimPosition, mark: number): number {
  const brackets = BINANCE_BRACKETS[p.coin];
  const i = bracketOf(brackets, p.qty * mark);
  return p.qty * mark * (brackets[i]?.mmr ?? 0) - (deductions(brackets)[i] ?? 0);
}

/** The FAQ's one-way liquidation price for one bracket (USDT, base units; side +1 long, -1 short). */
export interface OneWayInputs {
  readonly wb: number;
  readonly tmm1: number;
  readonly upnl1: number;
  readonly cum: number;
  readonly side: 1 | -1;
  readonly q: number;
  readonly ep: number;
  readonly mmr: number;
}

export const oneWayLiquidationPrice = ({ wb, tmm1, upnl1, cum, side, q, ep, mmr }: OneWayInputs): number =>
  (wb - tmm1 + upnl1 + cum - side * q * ep) / (q * mmr - side * q);

/** The FAQ's one-way formula, with the bracket re-picked at the answer. */
function liquidationPrice(p: SimPosition, mark: number, wb: number, tmm1: number, upnl1: number): number | null {
  const brackets = BINANCE_BRACKETS[p.coin];
  const cums = deductions(brackets);
  const q = p.qty;
  const side = sign(p);
  const withBracket = (i: number): number =>
    oneWayLiquidationPrice({ wb, tmm1, upnl1, cum: cums[i] ?? 0, side, q, ep: p.entryPrice, mmr: brackets[i]?.mmr ?? 0 });
  const lp = priceAtItsTier(bracketOf(brackets, q * mark), withBracket, (price) => bracketOf(brackets, q * price), brackets.length);
  return positivePrice(lp);
}

export const binanceFigures: VenueFormulas = (account) => {
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
        return {
          maintenanceMargin: own,
          requirement: own,
          riskRatio: rho(own, p.isolatedMargin + pnl(p, mark)),
          liquidationPrice: liquidationPrice(p, mark, p.isolatedMargin, 0, 0),
        };
      }
      let tmm1 = 0;
      let upnl1 = 0;
      positions.forEach((o, j) => {
        if (j === i || !isCross(j)) return;
        tmm1 += mm[j] ?? 0;
        upnl1 += pnl(o.position, o.mark);
      });
      return { maintenanceMargin: own, requirement: own, riskRatio: crossRiskRatio, liquidationPrice: liquidationPrice(p, mark, crossWallet, tmm1, upnl1) };
    }),
  };
};
