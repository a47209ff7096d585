import type { Account, Position, Side, VenueId } from '../positions/account.ts';
import { unrealisedPnl } from '../positions/account.ts';
import type { MarginModel } from './margin-model.ts';
import { crossParts, isolatedParts, riskRatio } from './risk-parts.ts';
import { reduction, topUpAmount, type Reduction } from './suggested-actions.ts';
import { tierPrices as tierPricesOf } from './tier-price.ts';

/** The default call ladder in rho (Watch, Margin call, Critical); liquidation (1) is always added. */
export const DEFAULT_CALL_LEVELS: readonly number[] = [0.5, 0.8, 0.9];

export interface EvaluateOptions {
  /** Call levels in rho, each in (0, 1); 1 is added. */
  readonly callLevels?: readonly number[];
  /** rho the suggested top-up and reduction aim for; defaults to the lowest call level. */
  readonly target?: number;
}

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
  readonly liquidationPrice: number | null;
  /** Mark price at which rho reaches each level, keyed by the level as written ("0.8", "1"). */
  readonly tierPrices: Readonly<Record<string, number | null>>;
  /** (tier price - mark) / mark for each level: negative means the price must fall to reach it. */
  readonly tierDistances: Readonly<Record<string, number | null>>;
  /** USDT to add (to the wallet if cross, to the position if isolated) to bring rho to the target. */
  readonly topUp: number;
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

/** Every figure the product shows for one account at its current marks. Pure; no clock needed. */
export function evaluateAccount(account: Account, model: MarginModel, options: EvaluateOptions = {}): AccountRisk {
  const callLevels = options.callLevels ?? DEFAULT_CALL_LEVELS;
  const levels = [...new Set([...callLevels, 1])].sort((a, b) => a - b);
  const target = options.target ?? Math.min(...callLevels, 1);
  const pool = crossParts(account, model);
  const poolRho = riskRatio(pool);
  const positions = account.positions.map((p): PositionRisk => {
    const isolated = p.marginMode === 'isolated';
    const parts = isolated ? isolatedParts(p, model) : pool;
    const tierPrices: Record<string, number | null> = {};
    const tierDistances: Record<string, number | null> = {};
    const prices = tierPricesOf(account, model, p, levels);
    levels.forEach((level, i) => {
      const price = prices[i] ?? null;
      tierPrices[String(level)] = price;
      tierDistances[String(level)] = price === null ? null : (price - p.markPrice) / p.markPrice;
    });
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
      liquidationPrice: tierPrices['1'] ?? null,
      tierPrices,
      tierDistances,
      topUp: topUpAmount(parts, target, isolated ? model.isolatedTopUpGain(p) : 1),
      reduction: reduction(account, model, p, target),
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
