import { riskSearches, tierPriceOf, type AccountRisk, type PositionRisk, type RiskSearches } from '../margin/evaluate-account.ts';
import type { MarginModel } from '../margin/margin-model.ts';
import type { Account } from '../positions/account.ts';
import {
  bufferTierBarrierOf,
  bufferTierOutlook,
  bufferTierSide,
  bufferTierStart,
  outlookOfBufferTier,
  type BufferTierBarrier,
  type BufferTierOutlook,
  type BufferTierStart,
  type CorrelationMatrixOf,
} from './buffer-reach.ts';
import { crossGroup, type RiskGroup } from './equity-buffer.ts';
import type { FundingStep } from './funding-step.ts';
import type { ShapeOf } from './market-shape.ts';
import {
  outlookOfPositionTier,
  positionTierBarrier,
  positionBarrierProbability,
  type CurveOf,
  type PositionProjection,
  type PositionTierBarrier,
  type PositionTierOutlook,
} from './position-projection.ts';
import { probabilityWithin, tierProbability } from './tier-outlook.ts';

export interface AccountProjection {
  /** One per position, in the account's order: the view "if only this coin moved". */
  readonly positions: readonly PositionProjection[];
  /** The cross pool as a whole (null without cross positions): the figure cross alerts use. */
  readonly crossPool: { readonly symbols: readonly string[]; readonly tiers: readonly BufferTierOutlook[] } | null;
}

/**
 * The projection of one account at its current marks, figure by figure and each computed at most once:
 * the alert policy asks for one or two tiers per subject on a tick, a screen for all of them
 * (`projectAccount`). Indices are the account's positions and `risk.levels`.
 */
export interface AccountProjector {
  /** Position i's outlook for level k, on its own price axis (tier-price based). */
  positionTier(i: number, k: number): PositionTierOutlook | undefined;
  /** The cross pool's outlook for level k (covariance based); undefined without cross positions. */
  crossPoolTier(k: number): BufferTierOutlook | undefined;
  /**
   * P(touch within horizonSec) of `positionTier(i, k)`, bit for bit, without its median time or its other
   * horizons when the outlook is not computed yet (what the alert policy reads every tick); 0 where
   * there is no such outlook or horizon.
   */
  positionTierProbability(i: number, k: number, horizonSec: number): number;
  /** Likewise for `crossPoolTier(k)`. */
  crossPoolTierProbability(k: number, horizonSec: number): number;
  /**
   * A number on the same side of `cutoff` as `crossPoolTierProbability(k, horizonSec)`: that
   * probability, or a bound on it read off the exact distance's search as soon as its bracket settles
   * the side (buffer-reach.ts, `bufferTierSide`). What the policy's comparisons read.
   */
  crossPoolTierProbabilitySide(k: number, horizonSec: number, cutoff: number): number;
  /** Every figure, as `projectAccount` returns it. */
  all(): AccountProjection;
}

/**
 * See AccountProjector; the tier prices are the evaluation's searches (`searches`, shared with its
 * other readers). A pool that holds one symbol takes tau from that symbol's tier price, which is
 * exact and computed anyway for its position.
 */
export function accountProjector(
  searches: RiskSearches,
  curveOf: CurveOf,
  correlations: CorrelationMatrixOf,
  horizonsSec: readonly number[],
  shapeOf: ShapeOf = NO_SHAPE,
  fundingOf: (symbol: string, side: PositionRisk['side']) => FundingStep | null = NO_FUNDING,
): AccountProjector {
  return new ProjectorOf(searches, curveOf, correlations, horizonsSec, shapeOf, fundingOf);
}

const NO_SHAPE: ShapeOf = () => null;
const NO_FUNDING = (): FundingStep | null => null;

/**
 * The projector of one evaluation. A class, not a record of closures: the monitor makes one per
 * evaluation, and under tsx (the relay) every closure made at run time is also an `Object.defineProperty`
 * of its name. Methods only, no getters; it never crosses a boundary (its answers, plain data, do).
 */
class ProjectorOf implements AccountProjector {
  private readonly levels: readonly number[];
  private readonly hasCross: boolean;
  private readonly positionTiers = new Map<number, PositionTierOutlook>();
  private readonly poolTiers = new Map<number, BufferTierOutlook>();
  // The barriers behind the outlooks, kept so that a probability asked first and the outlook asked
  // after (an alert being recorded, a screen) share one tier-price and distance search.
  private readonly positionBarriers = new Map<number, PositionTierBarrier>();
  private readonly poolBarriers = new Map<number, BufferTierBarrier>();
  // Pool tiers started (bounded) but not searched yet.
  private readonly poolStarts = new Map<number, BufferTierStart>();
  private groupMemo: RiskGroup | undefined;
  private singleMemo: number | undefined;
  private allMemo: AccountProjection | undefined;

  constructor(
    private readonly searches: RiskSearches,
    private readonly curveOf: CurveOf,
    private readonly correlations: CorrelationMatrixOf,
    private readonly horizonsSec: readonly number[],
    private readonly shapeOf: ShapeOf,
    private readonly fundingOf: (symbol: string, side: PositionRisk['side']) => FundingStep | null,
  ) {
    const { risk } = searches;
    this.levels = risk.levels;
    let hasCross = false;
    for (const p of risk.positions) if (p.marginMode === 'cross') hasCross = true;
    this.hasCross = hasCross;
  }

  private group(): RiskGroup {
    this.groupMemo ??= crossGroup(this.searches.account, this.searches.model);
    return this.groupMemo;
  }

  private singleIndex(): number {
    if (this.singleMemo === undefined) {
      const positions = this.searches.risk.positions;
      let first = -1;
      if (this.group().symbols.length === 1) {
        for (let i = 0; i < positions.length; i += 1) {
          if (positions[i]!.marginMode === 'cross') {
            first = i;
            break;
          }
        }
      }
      this.singleMemo = first;
    }
    return this.singleMemo;
  }

  private positionBarrier(i: number, k: number): PositionTierBarrier | undefined {
    const key = i * this.levels.length + k;
    let b = this.positionBarriers.get(key);
    const p = this.searches.risk.positions[i];
    const level = this.levels[k];
    if (b === undefined && p !== undefined && level !== undefined) {
      b = positionTierBarrier(p, level, this.curveOf(p.symbol), this.shapeOf(p.symbol), this.fundingOf(p.symbol, p.side), tierPriceOf(this.searches, i, level));
      this.positionBarriers.set(key, b);
    }
    return b;
  }

  // A pool of several symbols (or one whose position is not in risk.positions): its own barrier.
  private poolBarrier(k: number): BufferTierBarrier | undefined {
    let b = this.poolBarriers.get(k);
    const level = this.levels[k];
    if (b === undefined && this.hasCross && level !== undefined) {
      b = bufferTierBarrierOf(this.poolStart(k, level));
      this.poolBarriers.set(k, b);
    }
    return b;
  }

  private poolStart(k: number, level: number): BufferTierStart {
    let s = this.poolStarts.get(k);
    if (s === undefined) {
      s = bufferTierStart(this.group(), level, this.curveOf, this.correlations, this.horizonsSec);
      this.poolStarts.set(k, s);
    }
    return s;
  }

  positionTier(i: number, k: number): PositionTierOutlook | undefined {
    const key = i * this.levels.length + k;
    let outlook = this.positionTiers.get(key);
    if (outlook === undefined) {
      const b = this.positionBarrier(i, k);
      if (b === undefined) return undefined;
      outlook = outlookOfPositionTier(b, this.horizonsSec);
      this.positionTiers.set(key, outlook);
    }
    return outlook;
  }

  crossPoolTier(k: number): BufferTierOutlook | undefined {
    let outlook = this.poolTiers.get(k);
    const level = this.levels[k];
    if (outlook === undefined && this.hasCross && level !== undefined) {
      // One symbol: the pool's outlook is that position's (same tier price, same volatility); reuse it.
      const single = this.singleIndex();
      const known = single < 0 ? undefined : this.positionTier(single, k);
      const b = known === undefined ? this.poolBarrier(k) : undefined;
      outlook =
        b === undefined ? bufferTierOutlook(this.group(), level, this.curveOf, this.correlations, this.horizonsSec, known) : outlookOfBufferTier(b, this.horizonsSec);
      this.poolTiers.set(k, outlook);
    }
    return outlook;
  }

  positionTierProbability(i: number, k: number, horizonSec: number): number {
    const known = this.positionTiers.get(i * this.levels.length + k);
    if (known !== undefined) return probabilityWithin(known, horizonSec);
    const b = this.positionBarrier(i, k);
    return b === undefined ? 0 : positionBarrierProbability(b, this.horizonsSec, horizonSec);
  }

  crossPoolTierProbability(k: number, horizonSec: number): number {
    const known = this.poolTiers.get(k);
    if (known !== undefined) return probabilityWithin(known, horizonSec);
    if (!this.hasCross || this.levels[k] === undefined) return 0;
    // One symbol: the position's outlook, as crossPoolTier takes it.
    const single = this.singleIndex();
    if (single >= 0 && this.positionBarrier(single, k) !== undefined) return this.positionTierProbability(single, k, horizonSec);
    const b = this.poolBarrier(k);
    return b === undefined ? 0 : tierProbability(b.barrier, this.horizonsSec, horizonSec);
  }

  crossPoolTierProbabilitySide(k: number, horizonSec: number, cutoff: number): number {
    const level = this.levels[k];
    if (this.poolTiers.has(k) || this.poolBarriers.has(k) || !this.hasCross || level === undefined || this.singleIndex() >= 0) {
      return this.crossPoolTierProbability(k, horizonSec);
    }
    const side = bufferTierSide(this.poolStart(k, level), this.horizonsSec, horizonSec, cutoff);
    if (typeof side === 'number') return side;
    this.poolBarriers.set(k, side);
    return tierProbability(side.barrier, this.horizonsSec, horizonSec);
  }

  all(): AccountProjection {
    if (this.allMemo === undefined) {
      const { levels, curveOf } = this;
      const positions = this.searches.risk.positions.map(
        (p, i): PositionProjection => ({
          symbol: p.symbol,
          side: p.side,
          marginMode: p.marginMode,
          sigmaPerSqrtSec: Math.sqrt(curveOf(p.symbol).fastPerSec),
          tiers: levels.map((_, k) => this.positionTier(i, k) as PositionTierOutlook),
        }),
      );
      this.allMemo = !this.hasCross
        ? { positions, crossPool: null }
        : { positions, crossPool: { symbols: this.group().symbols, tiers: levels.map((_, k) => this.crossPoolTier(k) as BufferTierOutlook) } };
    }
    return this.allMemo;
  }
}

/**
 * Every projection figure for one account at its current marks: per position and tier (tier-price
 * based), and for the cross pool per tier (covariance based, buffer-reach.ts).
 */
export function projectAccount(
  account: Account,
  model: MarginModel,
  risk: AccountRisk,
  curveOf: CurveOf,
  correlations: CorrelationMatrixOf,
  horizonsSec: readonly number[],
): AccountProjection {
  return accountProjector(riskSearches(account, model, risk), curveOf, correlations, horizonsSec).all();
}
