import type { VenueId } from '../../../shared/engine/positions/account.ts';
import { COIN_LISTINGS, type CoinListing } from '../market/coins.ts';
import { binanceFigures } from '../venues/binance/figures.ts';
import { bybitFigures } from '../venues/bybit/figures.ts';
import { hyperliquidFigures } from '../venues/hyperliquid/figures.ts';
import { okxFigures } from '../venues/okx/figures.ts';
import type { SimPosition } from './sim-position.ts';
import { pnl, type AccountAt, type VenueFormulas } from './venue-figures.ts';

/** Each venue's own formulas (venues/<venue>/figures.ts): what the simulator serves and liquidates by. */
export const VENUE_FORMULAS: Readonly<Record<VenueId, VenueFormulas>> = {
  binance: binanceFigures,
  bybit: bybitFigures,
  okx: okxFigures,
  hyperliquid: hyperliquidFigures,
};

/**
 * The numbers every venue's REST rows and pushes are made of, for one account at one sim time. The
 * margin figures (maintenance, liquidation price, rho) come from the venue's own formulas, so what the
 * simulator serves is exactly what it liquidates by. Money in USDT; quantities in base units,
 * unsigned unless named signed.
 */
export interface PositionFigures {
  readonly position: SimPosition;
  readonly listing: CoinListing;
  readonly mark: number;
  /** + for long, - for short. */
  readonly signedQty: number;
  readonly unrealisedPnl: number;
  /** |qty| x mark. */
  readonly notional: number;
  /** Initial margin at mark: notional / leverage. */
  readonly initialMargin: number;
  /** The venue's maintenance-margin figure (OKX: without the liquidation fee). */
  readonly maintenanceMargin: number;
  /** What equity is held against at liquidation: maintenance, plus OKX's liquidation fee. */
  readonly requirement: number;
  /** The venue's liquidation price, null when there is none. */
  readonly liquidationPrice: number | null;
  /** Isolated: the position's own rho; cross: the cross pool's. */
  readonly riskRatio: number;
  /** Isolated: margin + unrealised PnL; cross: 0. */
  readonly isolatedEquity: number;
}

export interface AccountFigures {
  readonly positions: readonly PositionFigures[];
  readonly crossWallet: number;
  /** Σ isolated margins (unrealised PnL excluded). */
  readonly isolatedWallet: number;
  /** Cross wallet + isolated margins: what venues call the total wallet balance. */
  readonly totalWallet: number;
  readonly crossUnrealisedPnl: number;
  readonly totalUnrealisedPnl: number;
  readonly crossMaintenance: number;
  readonly totalMaintenance: number;
  readonly crossInitial: number;
  readonly totalInitial: number;
  /** Cross wallet + cross unrealised PnL. */
  readonly crossEquity: number;
  /** Cross pool requirement (maintenance, plus OKX's liquidation fee). */
  readonly crossRequirement: number;
  readonly crossRiskRatio: number;
  /** The worst rho of the cross pool and every isolated position. */
  readonly worstRiskRatio: number;
}

export function accountFigures(venue: VenueId, account: AccountAt): AccountFigures {
  const margin = VENUE_FORMULAS[venue](account);
  const positions = account.positions.map(({ position: p, mark }, i): PositionFigures => {
    const m = margin.positions[i];
    const unrealisedPnl = pnl(p, mark);
    return {
      position: p,
      listing: COIN_LISTINGS[p.coin],
      mark,
      signedQty: p.side === 'long' ? p.qty : -p.qty,
      unrealisedPnl,
      notional: p.qty * mark,
      initialMargin: (p.qty * mark) / p.leverage,
      maintenanceMargin: m?.maintenanceMargin ?? 0,
      requirement: m?.requirement ?? 0,
      liquidationPrice: m?.liquidationPrice ?? null,
      riskRatio: m?.riskRatio ?? 0,
      isolatedEquity: p.marginMode === 'isolated' ? p.isolatedMargin + unrealisedPnl : 0,
    };
  });
  const sum = (pick: (f: PositionFigures) => number, only?: 'cross' | 'isolated'): number =>
    positions.filter((f) => only === undefined || f.position.marginMode === only).reduce((a, f) => a + pick(f), 0);
  const isolatedWallet = sum((f) => f.position.isolatedMargin, 'isolated');
  const crossUnrealisedPnl = sum((f) => f.unrealisedPnl, 'cross');
  return {
    positions,
    crossWallet: account.crossWallet,
    isolatedWallet,
    totalWallet: account.crossWallet + isolatedWallet,
    crossUnrealisedPnl,
    totalUnrealisedPnl: sum((f) => f.unrealisedPnl),
    crossMaintenance: sum((f) => f.maintenanceMargin, 'cross'),
    totalMaintenance: sum((f) => f.maintenanceMargin),
    crossInitial: sum((f) => f.initialMargin, 'cross'),
    totalInitial: sum((f) => f.initialMargin),
    crossEquity: margin.crossEquity,
    crossRequirement: margin.crossRequirement,
    crossRiskRatio: margin.crossRiskRatio,
    worstRiskRatio: Math.max(margin.crossRiskRatio, ...positions.filter((f) => f.position.marginMode === 'isolated').map((f) => f.riskRatio)),
  };
}
