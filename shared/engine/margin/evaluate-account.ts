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

type EagerFigures = Omit<PositionRisk, 'liquidationPrice' | 'tierPrices' | 'tierDistances' | 'reduction'>;

/**
 * A PositionRisk whose searches (tier prices, reduction) run on first read and are kept. The monitor
 * evaluates every tick but its policy reads the tier prices of isolated positions and the reduction of
 * one or two; a screen reads them all. Prototype getters rather than per-object defineProperty: the
 * lazy part costs four fields, not four closures. Not a plain object: do not spread it; JSON.stringify
 * sees every figure through toJSON.
 */
class LazyPositionRisk implements PositionRisk {
  readonly symbol: string;
  readonly side: Side;
  readonly marginMode: Position['marginMode'];
  readonly qty: number;
  readonly markPrice: number;
  readonly notional: number;
  readonly unrealisedPnl: number;
  readonly maintenanceMargin: number;
  readonly riskRatio: number;
  readonly topUp: number;
  // The inputs of the deferred searches (the account and model are already the evaluation's).
  readonly #account: Account;
  readonly #model: MarginModel;
  readonly #position: Position;
  readonly #levels: readonly number[];
  readonly #target: number;
  readonly #pool: RiskParts;
  #tierPrices: Record<string, number | null> | undefined;
  #tierDistances: Record<string, number | null> | undefined;
  #reduction: Reduction | undefined;
  #solve: ((level: number) => number | null) | undefined;
  // Tier prices solved one level at a time (`tierPriceOf`), by index in #levels.
  #solved: (number | null | undefined)[] | undefined;

  constructor(account: Account, model: MarginModel, p: Position, levels: readonly number[], target: number, pool: RiskParts, eager: EagerFigures) {
    this.symbol = eager.symbol;
    this.side = eager.side;
    this.marginMode = eager.marginMode;
    this.qty = eager.qty;
    this.markPrice = eager.markPrice;
    this.notional = eager.notional;
    this.unrealisedPnl = eager.unrealisedPnl;
    this.maintenanceMargin = eager.maintenanceMargin;
    this.riskRatio = eager.riskRatio;
    this.topUp = eager.topUp;
    this.#account = account;
    this.#model = model;
    this.#position = p;
    this.#levels = levels;
    this.#target = target;
    this.#pool = pool;
  }

  /** The tier price of one of the levels (index k), solved alone and kept. */
  tierPriceAt(k: number): number | null {
    this.#solved ??= [];
    let price = this.#solved[k];
    if (price === undefined) {
      const level = this.#levels[k];
      this.#solve ??= tierPriceSolver(this.#account, this.#model, this.#position);
      price = level === undefined ? null : this.#solve(level);
      this.#solved[k] = price;
    }
    return price;
  }

  get tierPrices(): Readonly<Record<string, number | null>> {
    if (this.#tierPrices === undefined) {
      const p = this.#position;
      const tierPrices: Record<string, number | null> = {};
      const tierDistances: Record<string, number | null> = {};
      this.#levels.forEach((level, k) => {
        const price = this.tierPriceAt(k);
        tierPrices[String(level)] = price;
        tierDistances[String(level)] = price === null ? null : (price - p.markPrice) / p.markPrice;
      });
      this.#tierPrices = tierPrices;
      this.#tierDistances = tierDistances;
    }
    return this.#tierPrices;
  }

  get tierDistances(): Readonly<Record<string, number | null>> {
    if (this.#tierDistances === undefined) void this.tierPrices;
    return this.#tierDistances as Readonly<Record<string, number | null>>;
  }

  get liquidationPrice(): number | null {
    return this.tierPrices['1'] ?? null;
  }

  get reduction(): Reduction {
    this.#reduction ??= reduction(this.#account, this.#model, this.#position, this.#target, this.#pool);
    return this.#reduction;
  }

  /** Every figure, in the interface's order, as a plain object. */
  toJSON(): PositionRisk {
    return {
      symbol: this.symbol,
      side: this.side,
      marginMode: this.marginMode,
      qty: this.qty,
      markPrice: this.markPrice,
      notional: this.notional,
      unrealisedPnl: this.unrealisedPnl,
      maintenanceMargin: this.maintenanceMargin,
      riskRatio: this.riskRatio,
      liquidationPrice: this.liquidationPrice,
      tierPrices: this.tierPrices,
      tierDistances: this.tierDistances,
      topUp: this.topUp,
      reduction: this.reduction,
    };
  }
}

/**
 * The tier price of `risk` at `level` (one of its account's `levels`): `risk.tierPrices[String(level)]`,
 * but from an evaluation's own figures it solves that level alone (the alert policy reads one or two
 * levels of an isolated position per tick, a screen all of them).
 */
export function tierPriceOf(risk: PositionRisk, levels: readonly number[], level: number): number | null {
  const k = levels.indexOf(level);
  return risk instanceof LazyPositionRisk && k >= 0 ? risk.tierPriceAt(k) : (risk.tierPrices[String(level)] ?? null);
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
    return new LazyPositionRisk(account, model, p, levels, target, pool, {
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
    });
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
