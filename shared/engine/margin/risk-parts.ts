import type { Account, Position } from '../positions/account.ts';
import { unrealisedPnl } from '../positions/account.ts';
import type { MarginModel } from './margin-model.ts';

/** A requirement and the equity it is held against, both USDT, at one set of marks. */
export interface RiskParts {
  readonly requirement: number;
  readonly equity: number;
}

/**
 * rho = requirement / equity, the one risk ratio for every venue: 1 means liquidation.
 * No requirement is no risk (0), whatever the equity; equity at or below zero with a requirement is
 * past liquidation (Infinity), never a negative or NaN ratio.
 */
export function riskRatio({ requirement, equity }: RiskParts): number {
  if (!(requirement > 0)) return 0;
  return equity > 0 ? requirement / equity : Number.POSITIVE_INFINITY;
}

/** What if this symbol's mark were `price`: the price the position is valued at. */
export interface MovedMark {
  readonly symbol: string;
  readonly price: number;
}

const markOf = (p: Position, moved?: MovedMark): number =>
  moved !== undefined && moved.symbol === p.symbol ? moved.price : p.markPrice;

/** The cross-margin pool: wallet balance plus every cross position's PnL, against their requirements. */
export function crossParts(account: Account, model: MarginModel, moved?: MovedMark): RiskParts {
  let requirement = 0;
  let equity = account.walletBalance as number;
  for (const p of account.positions) {
    if (p.marginMode !== 'cross') continue;
    const mark = markOf(p, moved);
    requirement += model.requirement(p, mark);
    equity += unrealisedPnl(p, mark);
  }
  return { requirement, equity };
}

/** One isolated position against its own margin. */
export function isolatedParts(p: Position, model: MarginModel, mark: number = p.markPrice): RiskParts {
  return { requirement: model.requirement(p, mark), equity: model.isolatedEquity(p, mark) };
}

/** The parts a position's risk is judged by: its own if isolated, the cross pool's otherwise. */
export function partsFor(account: Account, model: MarginModel, p: Position, moved?: MovedMark): RiskParts {
  return p.marginMode === 'isolated' ? isolatedParts(p, model, markOf(p, moved)) : crossParts(account, model, moved);
}
