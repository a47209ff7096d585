import { COIN_LISTINGS, type CoinListing } from '../market/coins.ts';
import type { AccountBook, SimPosition } from './account-book.ts';

/**
 * The numbers every venue's REST rows and pushes are made of, for one account at one sim time,
 * taken from the engine (maintenance, liquidation price, rho) so that what the simulator serves is
 * exactly what it liquidates by. Money in USDT; quantities in base units, unsigned unless named signed.
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
  readonly maintenanceMargin: number;
  /** The engine's liquidation price (rho = 1), null when there is none. */
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
  readonly crossRiskRatio: number;
}

export function accountFigures(book: AccountBook, t: number): AccountFigures {
  const risk = book.risk(t);
  const positions = book.positions.map((p, i): PositionFigures => {
    const r = risk.positions[i];
    const mark = book.mark(p.coin, t);
    const signedQty = p.side === 'long' ? p.qty : -p.qty;
    const unrealisedPnl = signedQty * (mark - p.entryPrice);
    return {
      position: p,
      listing: COIN_LISTINGS[p.coin],
      mark,
      signedQty,
      unrealisedPnl,
      notional: p.qty * mark,
      initialMargin: (p.qty * mark) / p.leverage,
      maintenanceMargin: r?.maintenanceMargin ?? 0,
      liquidationPrice: r?.liquidationPrice ?? null,
      riskRatio: r?.riskRatio ?? 0,
      isolatedEquity: p.marginMode === 'isolated' ? p.isolatedMargin + unrealisedPnl : 0,
    };
  });
  const sum = (pick: (f: PositionFigures) => number, only?: 'cross' | 'isolated'): number =>
    positions.filter((f) => only === undefined || f.position.marginMode === only).reduce((a, f) => a + pick(f), 0);
  const isolatedWallet = book.positions.reduce((a, p) => a + (p.marginMode === 'isolated' ? p.isolatedMargin : 0), 0);
  const crossUnrealisedPnl = sum((f) => f.unrealisedPnl, 'cross');
  return {
    positions,
    crossWallet: book.walletBalance,
    isolatedWallet,
    totalWallet: book.walletBalance + isolatedWallet,
    crossUnrealisedPnl,
    totalUnrealisedPnl: sum((f) => f.unrealisedPnl),
    crossMaintenance: sum((f) => f.maintenanceMargin, 'cross'),
    totalMaintenance: sum((f) => f.maintenanceMargin),
    crossInitial: sum((f) => f.initialMargin, 'cross'),
    totalInitial: sum((f) => f.initialMargin),
    crossEquity: book.walletBalance + crossUnrealisedPnl,
    crossRiskRatio: risk.riskRatio,
  };
}
