import type { VenueId } from '../../../shared/engine/positions/account.ts';
import type { MarketCoin } from '../../market-paths/scenarios.ts';
import type { Market } from '../market/market.ts';
import { accountFigures, type AccountFigures } from './account-figures.ts';
import type { DemoAccount } from './demo-accounts.ts';
import type { SimPosition } from './sim-position.ts';
import type { AccountAt } from './venue-figures.ts';

/** What changed in an account; private streams turn each into their venue's push. */
export type AccountChange =
  | { readonly kind: 'funding'; readonly time: number; readonly coins: readonly MarketCoin[] }
  | { readonly kind: 'liquidation'; readonly time: number; readonly closed: readonly SimPosition[] }
  | { readonly kind: 'margin-call'; readonly time: number; readonly riskRatio: number };

export interface AccountBookOptions {
  /** Funding period (sim ms), epoch-aligned: 8 h gives 00:00, 08:00, 16:00 UTC. */
  readonly fundingIntervalMs: number;
  /** Close positions when the venue's own formulas say rho >= 1, as the venue would. */
  readonly liquidations: boolean;
  /** Worst rho at which a margin-call event fires (re-armed below 7/8 of it); undefined = never. */
  readonly marginCallLevel?: number;
}

/**
 * One venue's demo account over sim time: balances, positions, funding payments and liquidations.
 * REST answers and stream pushes both read this one state, so they always agree. Liquidation uses the
 * venue's own formulas (venues/<venue>/figures.ts, not the engine): an isolated position whose own
 * rho reaches 1 is closed and its margin lost; when the cross pool's rho reaches 1 every cross position
 * is closed and the wallet keeps equity minus the maintenance requirement (the part a venue's insurance
 * fund takes), never less than 0.
 */
export class AccountBook {
  readonly venue: VenueId;
  walletBalance: number;
  positions: SimPosition[];
  updatedMs: number;
  private lastAdvance: number;
  private marginCallArmed = true;
  private readonly listeners = new Set<(change: AccountChange) => void>();
  private figuresCache: { t: number; figures: AccountFigures } | undefined;

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

  /** The account at the marks of time t, as the venue formulas take it. */
  at(t: number): AccountAt {
    return { crossWallet: this.walletBalance, positions: this.positions.map((position) => ({ position, mark: this.market.mark(position.coin, t) })) };
  }

  /** Every figure the venue's own formulas give at time t (maintenance, rho, liquidation prices); cached per t. */
  figures(t: number): AccountFigures {
    if (this.figuresCache?.t === t) return this.figuresCache.figures;
    const figures = accountFigures(this.venue, this.at(t));
    this.figuresCache = { t, figures };
    return figures;
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
    const figures = this.figures(t);
    const closed = figures.positions.filter((f) => f.position.marginMode === 'isolated' && f.riskRatio >= 1).map((f) => f.position);
    if (figures.crossRiskRatio >= 1) {
      closed.push(...this.positions.filter((p) => p.marginMode === 'cross'));
      this.walletBalance = Math.max(0, figures.crossEquity - figures.crossRequirement);
    }
    if (closed.length === 0) return;
    this.positions = this.positions.filter((p) => !closed.includes(p));
    this.touch(t);
    this.emit({ kind: 'liquidation', time: t, closed });
  }

  private checkMarginCall(t: number): void {
    const level = this.options.marginCallLevel;
    if (level === undefined || this.positions.length === 0) return;
    const worst = this.figures(t).worstRiskRatio;
    if (this.marginCallArmed && worst >= level) {
      this.marginCallArmed = false;
      this.emit({ kind: 'margin-call', time: t, riskRatio: worst });
    } else if (worst < (level * 7) / 8) {
      this.marginCallArmed = true;
    }
  }

  private touch(t: number): void {
    this.updatedMs = t;
    this.figuresCache = undefined;
  }

  private emit(change: AccountChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
