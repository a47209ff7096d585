import type { Account, Position, Side, VenueId } from '../positions/account.ts';
import { unrealisedPnl } from '../positions/account.ts';
import type { MarginModel } from './margin-model.ts';
import { crossParts, isolatedParts, riskRatio, type RiskParts } from './risk-parts.ts';
import { reduction, topUpAmount, type Reduction } from './suggested-actions.ts';
import { tierPriceSolver } from './tier-price.ts';

/** The default call ladder in rho (Watch, Margin call, Critical); liquidation (1) is always added. */
export const DEFAULT_CALL_LEVELS: readonly number[] = [0.5, 0.8, 0.9];

export interface EvaluateOptions {
  /** Call levels in rho, each in (0, 1); 1 is added. */
  readonly callLevels?: readonly number[];
  /** rho the suggested top-up and reduction aim for; defaults to the lowest call level. */
  readonly target?: number;
}

/** The figures of one position that every evaluation computes: plain data. */
export interface PositionRisk {
  readonly symbol: string;
  readonly side: Side;
  readonly marginMode: Position['marginMode'];
  readonly qty: number;
  readonly markPrice: number;
  /** USDT, at mark. */
  readonly notional: number;
  readonly unrealisedPnl: number;
  /** This position's own requirement at mark (USDT). */
  readonly maintenanceMargin: number;
  /** Isolated: the position's own rho; cross: the cross pool's rho. Infinity past liquidation. */
  readonly riskRatio: number;
  /** USDT to add (to the wallet if cross, to the position if isolated) to bring rho to the target. */
  readonly topUp: number;
}

/** A position's every figure, searches included (`evaluateAccount`, `positionFigures`): plain data. */
export interface PositionFigures extends PositionRisk {
  readonly liquidationPrice: number | null;
  /** Mark price at which rho reaches each level, keyed by the level as written ("0.8", "1"). */
  readonly tierPrices: Readonly<Record<string, number | null>>;
  /** (tier price - mark) / mark for each level: negative means the price must fall to reach it. */
  readonly tierDistances: Readonly<Record<string, number | null>>;
  readonly reduction: Reduction;
}

export interface AccountRisk {
  readonly exchange: VenueId;
  /** Cross pool: wallet balance plus cross unrealised PnL (USDT). */
  readonly equity: number;
  /** Cross pool requirement (USDT). */
  readonly maintenanceMargin: number;
  /** Cross pool rho; 0 without cross positions. */
  readonly riskRatio: number;
  /** The worst rho of the cross pool and every isolated position: what the badge shows. */
  readonly worstRiskRatio: number;
  readonly venueRatio: { readonly name: string; readonly value: number | null };
  readonly target: number;
  readonly levels: readonly number[];
  readonly positions: readonly PositionRisk[];
}

/** An account's every figure, each position's searches included: what a screen, the CLI or a test reads. Plain data. */
export interface AccountFigures extends Omit<AccountRisk, 'positions'> {
  readonly positions: readonly PositionFigures[];
}

/**
 * The figures of one account at its current marks that every evaluation computes: rho, requirement,
 * equity, top-up. The searches (tier prices, reductions) are not in it: ask for them with
 * `tierPriceOf`, `reductionOf` or `positionFigures` on the evaluation's `RiskSearches`, or take
 * `evaluateAccount` for every figure at once. Pure; no clock needed.
 */
export function accountRisk(account: Account, model: MarginModel, options: EvaluateOptions = {}): AccountRisk {
  const callLevels = options.callLevels ?? DEFAULT_CALL_LEVELS;
  const levels = [...new Set([...callLevels, 1])].sort((a, b) => a - b);
  const target = options.target ?? Math.min(...callLevels, 1);
  const pool = crossParts(account, model);
  const poolRho = riskRatio(pool);
  const positions = account.positions.map((p): PositionRisk => {
    const isolated = p.marginMode === 'isolated';
    const parts = isolated ? isolatedParts(p, model) : pool;
    return {
      symbol: p.symbol,
      side: p.side,
      marginMode: p.marginMode,
      qty: p.qty,
      markPrice: p.markPrice,
      notional: p.qty * p.markPrice,
      unrealisedPnl: unrealisedPnl(p, p.markPrice),
      maintenanceMargin: model.requirement(p, p.markPrice),
      riskRatio: isolated ? riskRatio(parts) : poolRho,
      topUp: topUpAmount(parts, target, isolated ? model.isolatedTopUpGain(p) : 1),
    };
  });
  const worstRiskRatio = Math.max(poolRho, ...positions.map((p) => p.riskRatio));
  return {
    exchange: account.exchange,
    equity: pool.equity,
    maintenanceMargin: pool.requirement,
    riskRatio: poolRho,
    worstRiskRatio,
    venueRatio: model.venueRatio(poolRho),
    target,
    levels,
    positions,
  };
}

/**
 * One evaluation's searches, each run on the first ask and kept: the monitor evaluates every tick but its
 * policy reads the tier price of an isolated position at one or two levels and the reduction of one or two
 * positions; a screen reads them all. Engine-internal working memory (it holds the solvers), never data to
 * keep or send: what leaves the engine is `positionFigures`' plain answer.
 */
export interface RiskSearches {
  readonly account: Account;
  readonly model: MarginModel;
  readonly risk: AccountRisk;
  readonly pool: RiskParts;
  /** Per position: its tier-price solver, and the tier price of each level by index in `risk.levels`. */
  readonly solvers: (((level: number) => number | null) | undefined)[];
  readonly solved: ((number | null | undefined)[] | undefined)[];
  readonly reductions: (Reduction | undefined)[];
}

/** The searches of `risk`, the evaluation of `account` with `model` (`accountRisk`); nothing is run yet. */
export function riskSearches(account: Account, model: MarginModel, risk: AccountRisk): RiskSearches {
  // The cross pool's sums as accountRisk took them (crossParts), for the cross reductions.
  return { account, model, risk, pool: { requirement: risk.maintenanceMargin, equity: risk.equity }, solvers: [], solved: [], reductions: [] };
}

/** Position i's tier price at `level` (one of `risk.levels`; null for any other), solved alone and kept. */
export function tierPriceOf(searches: RiskSearches, i: number, level: number): number | null {
  const k = searches.risk.levels.indexOf(level);
  const p = searches.account.positions[i];
  if (k < 0 || p === undefined) return null;
  const solved = (searches.solved[i] ??= []);
  let price = solved[k];
  if (price === undefined) {
    const solve = (searches.solvers[i] ??= tierPriceSolver(searches.account, searches.model, p));
    price = solve(level);
    solved[k] = price;
  }
  return price;
}

/** Position i's reduction back to the evaluation's target rho, searched once and kept. */
export function reductionOf(searches: RiskSearches, i: number): Reduction {
  const p = searches.account.positions[i];
  if (p === undefined) return { kind: 'none-needed' };
  searches.reductions[i] ??= reduction(searches.account, searches.model, p, searches.risk.target, searches.pool);
  return searches.reductions[i];
}

/** Position i's every figure, searches included, as plain data (what a screen shows). */
export function positionFigures(searches: RiskSearches, i: number): PositionFigures {
  const r = searches.risk.positions[i];
  if (r === undefined) throw new RangeError(`positionFigures: no position ${i}`);
  const tierPrices: Record<string, number | null> = {};
  const tierDistances: Record<string, number | null> = {};
  for (const level of searches.risk.levels) {
    const price = tierPriceOf(searches, i, level);
    tierPrices[String(level)] = price;
    tierDistances[String(level)] = price === null ? null : (price - r.markPrice) / r.markPrice;
  }
  return {
    symbol: r.symbol,
    side: r.side,
    marginMode: r.marginMode,
    qty: r.qty,
    markPrice: r.markPrice,
    notional: r.notional,
    unrealisedPnl: r.unrealisedPnl,
    maintenanceMargin: r.maintenanceMargin,
    riskRatio: r.riskRatio,
    liquidationPrice: tierPrices['1'] ?? null,
    tierPrices,
    tierDistances,
    topUp: r.topUp,
    reduction: reductionOf(searches, i),
  };
}

/** Every figure the product shows for one account at its current marks, as plain data. Pure; no clock needed. */
export function evaluateAccount(account: Account, model: MarginModel, options: EvaluateOptions = {}): AccountFigures {
  const risk = accountRisk(account, model, options);
  const searches = riskSearches(account, model, risk);
  return { ...risk, positions: risk.positions.map((_, i) => positionFigures(searches, i)) };
}
