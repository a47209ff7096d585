import { evaluateAccount, type AccountRisk } from '../../../shared/engine/margin/evaluate-account.ts';
import { crossParts, isolatedParts, riskRatio } from '../../../shared/engine/margin/risk-parts.ts';
import type { Account, MarginMode, Position, Side, VenueId } from '../../../shared/engine/positions/account.ts';
import { defaultTakerFeeRate, marginModels } from '../../../shared/exchanges/venues.ts';
import type { MarketCoin } from '../../market-paths/scenarios.ts';
import { price, qty, ratio, usdt } from '../../../shared/units/units.ts';
import type { Market } from '../market/market.ts';
import type { DemoAccount } from './demo-accounts.ts';
import { engineTiers } from './tier-tables.ts';

/** A position as the simulator holds it; venue views (REST rows, stream frames) are derived from it. */
export interface SimPosition {
  readonly coin: MarketCoin;
  readonly side: Side;
  readonly qty: number;
  readonly entryPrice: number;
  readonly marginMode: MarginMode;
  readonly leverage: number;
  /** Isolated only: collateral, unrealised PnL excluded (funding moves it). 0 for cross. */
  isolatedMargin: number;
  /** Funding paid since open, USDT (positive = paid, negative = received). */
  fundingPaid: number;
  readonly openedMs: number;
  updatedMs: number;
}

/** What changed in an account; private streams turn each into their venue's push. */
export type AccountChange =
  | { readonly kind: 'funding'; readonly time: number; readonly coins: readonly MarketCoin[] }
  | { readonly kind: 'liquidation'; readonly time: number; readonly closed: readonly SimPosition[] }
  | { readonly kind: 'margin-call'; readonly time: number; readonly riskRatio: number };

export interface AccountBookOptions {
  /** Funding period (sim ms), epoch-aligned: 8 h gives 00:00, 08:00, 16:00 UTC. */
  readonly fundingIntervalMs: number;
  /** Close positions when the engine says rho >= 1, as the venue would. */
  readonly liquidations: boolean;
  /** Worst rho at which a margin-call event fires (re-armed below 7/8 of it); undefined = never. */
  readonly marginCallLevel?: number;
}

/**
 * One venue's demo account over sim time: balances, positions, funding payments and liquidations.
 * REST answers and stream pushes both read this one state, so they always agree. Liquidation uses
 * the engine (shared/engine + the venue's margin.ts): an isolated position whose own rho reaches 1
 * is closed and its margin lost; when the cross pool's rho reaches 1 every cross position is closed
 * and the wallet keeps equity minus the maintenance requirement (the part a venue's insurance fund
 * takes), never less than 0.
 */
export class AccountBook {
  readonly venue: VenueId;
  walletBalance: number;
  positions: SimPosition[];
  updatedMs: number;
  private lastAdvance: number;
  private marginCallArmed = true;
  private readonly listeners = new Set<(change: AccountChange) => void>();
  private riskCache: { t: number; risk: AccountRisk } | undefined;

  constructor(
    demo: DemoAccount,
    private readonly market: Market,
    private readonly options: AccountBookOptions,
  ) {
    const t0 = market.startMs;
    this.venue = demo.venue;
    this.walletBalance = demo.walletBalance;
    this.positions = demo.positions.map((d) => {
      const entryPrice = market.startPrice(d.coin);
      return {
        coin: d.coin,
        side: d.side,
        qty: d.qty,
        entryPrice,
        marginMode: d.marginMode,
        leverage: d.leverage,
        isolatedMargin: d.marginMode === 'isolated' ? (d.qty * entryPrice) / d.leverage : 0,
        fundingPaid: 0,
        openedMs: t0,
        updatedMs: t0,
      };
    });
    this.updatedMs = t0;
    this.lastAdvance = t0;
  }

  mark(coin: MarketCoin, t: number): number {
    return this.market.mark(coin, t);
  }

  fundingRate(coin: MarketCoin, t: number): number {
    return this.market.fundingRate(coin, t);
  }

  nextFundingMs(t: number): number {
    return (Math.floor(t / this.options.fundingIntervalMs) + 1) * this.options.fundingIntervalMs;
  }

  /** The engine's view of the account at the marks of time t. */
  account(t: number): Account {
    return {
      exchange: this.venue,
      walletBalance: usdt(this.walletBalance),
      positions: this.positions.map((p) => this.enginePosition(p, t)),
    };
  }

  enginePosition(p: SimPosition, t: number): Position {
    return {
      symbol: p.coin,
      side: p.side,
      qty: qty(p.qty),
      entryPrice: price(p.entryPrice),
      markPrice: price(this.market.mark(p.coin, t)),
      marginMode: p.marginMode,
      ...(p.marginMode === 'isolated' ? { isolatedMargin: usdt(p.isolatedMargin) } : {}),
      leverage: p.leverage,
      ...(this.venue === 'bybit' ? { accountType: 'unified' as const } : {}),
      tiers: engineTiers(this.venue, p.coin),
      takerFeeRate: ratio(defaultTakerFeeRate[this.venue]),
    };
  }

  /** Every figure the engine gives at time t (liquidation prices, requirements); cached per t. */
  risk(t: number): AccountRisk {
    if (this.riskCache?.t === t) return this.riskCache.risk;
    const risk = evaluateAccount(this.account(t), marginModels[this.venue]);
    this.riskCache = { t, risk };
    return risk;
  }

  /** Listens for changes; returns the function that stops listening. */
  subscribe(listener: (change: AccountChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Moves the account to sim time t: pays funding at each boundary crossed, then liquidates. */
  advance(t: number): void {
    if (t <= this.lastAdvance) return;
    const interval = this.options.fundingIntervalMs;
    const from = Math.floor(this.lastAdvance / interval);
    const to = Math.floor(t / interval);
    // A fast clock may skip several boundaries; pay each one at its own mark (bounded for sanity).
    for (let k = Math.max(from + 1, to - 24); k <= to; k += 1) this.payFunding(k * interval);
    this.lastAdvance = t;
    // The warning goes first: a venue warns before it liquidates, even when a fast clock jumps past both.
    this.checkMarginCall(t);
    if (this.options.liquidations) this.liquidate(t);
  }

  private payFunding(time: number): void {
    if (this.positions.length === 0) return;
    for (const p of this.positions) {
      const sign = p.side === 'long' ? 1 : -1;
      const paid = sign * p.qty * this.market.mark(p.coin, time) * this.market.fundingRate(p.coin, time);
      p.fundingPaid += paid;
      if (p.marginMode === 'isolated') p.isolatedMargin -= paid;
      else this.walletBalance -= paid;
      p.updatedMs = time;
    }
    this.touch(time);
    this.emit({ kind: 'funding', time, coins: this.positions.map((p) => p.coin) });
  }

  private liquidate(t: number): void {
    const model = marginModels[this.venue];
    const account = this.account(t);
    const closed: SimPosition[] = [];
    this.positions.forEach((p, i) => {
      const engine = account.positions[i];
      if (p.marginMode === 'isolated' && engine !== undefined && riskRatio(isolatedParts(engine, model)) >= 1) closed.push(p);
    });
    const pool = crossParts(account, model);
    if (riskRatio(pool) >= 1) {
      closed.push(...this.positions.filter((p) => p.marginMode === 'cross'));
      this.walletBalance = Math.max(0, pool.equity - pool.requirement);
    }
    if (closed.length === 0) return;
    this.positions = this.positions.filter((p) => !closed.includes(p));
    this.touch(t);
    this.emit({ kind: 'liquidation', time: t, closed });
  }

  private checkMarginCall(t: number): void {
    const level = this.options.marginCallLevel;
    if (level === undefined || this.positions.length === 0) return;
    const worst = this.risk(t).worstRiskRatio;
    if (this.marginCallArmed && worst >= level) {
      this.marginCallArmed = false;
      this.emit({ kind: 'margin-call', time: t, riskRatio: worst });
    } else if (worst < (level * 7) / 8) {
      this.marginCallArmed = true;
    }
  }

  private touch(t: number): void {
    this.updatedMs = t;
    this.riskCache = undefined;
  }

  private emit(change: AccountChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
