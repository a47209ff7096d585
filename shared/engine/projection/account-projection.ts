import { riskSearches, tierPriceOf, type AccountRisk, type PositionRisk, type RiskSearches } from '../margin/evaluate-account.ts';
import type { MarginModel } from '../margin/margin-model.ts';
import type { Account } from '../positions/account.ts';
import { bufferTierBarrier, bufferTierOutlook, outlookOfBufferTier, type BufferTierBarrier, type BufferTierOutlook, type CorrelationMatrixOf } from './buffer-reach.ts';
import { crossGroup, type RiskGroup } from './equity-buffer.ts';
import { once } from './once.ts';
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
  shapeOf: ShapeOf = () => null,
  fundingOf: (symbol: string, side: PositionRisk['side']) => FundingStep | null = () => null,
): AccountProjector {
  const { account, model, risk } = searches;
  const { levels } = risk;
  const positionTiers = new Map<number, PositionTierOutlook>();
  const poolTiers = new Map<number, BufferTierOutlook>();
  const hasCross = risk.positions.some((p) => p.marginMode === 'cross');
  const group = once((): RiskGroup => crossGroup(account, model));
  const singleIndex = once(() => (group().symbols.length === 1 ? risk.positions.findIndex((p) => p.marginMode === 'cross') : -1));

  // The barriers behind the outlooks, kept so that a probability asked first and the outlook asked
  // after (an alert being recorded, a screen) share one tier-price and distance search.
  const positionBarriers = new Map<number, PositionTierBarrier>();
  const poolBarriers = new Map<number, BufferTierBarrier>();
  const positionBarrier = (i: number, k: number): PositionTierBarrier | undefined => {
    const key = i * levels.length + k;
    let b = positionBarriers.get(key);
    const p = risk.positions[i];
    const level = levels[k];
    if (b === undefined && p !== undefined && level !== undefined) {
      b = positionTierBarrier(p, level, curveOf(p.symbol), shapeOf(p.symbol), fundingOf(p.symbol, p.side), tierPriceOf(searches, i, level));
      positionBarriers.set(key, b);
    }
    return b;
  };
  // A pool of several symbols (or one whose position is not in risk.positions): its own barrier.
  const poolBarrier = (k: number): BufferTierBarrier | undefined => {
    let b = poolBarriers.get(k);
    const level = levels[k];
    if (b === undefined && hasCross && level !== undefined) {
      b = bufferTierBarrier(group(), level, curveOf, correlations, horizonsSec);
      poolBarriers.set(k, b);
    }
    return b;
  };
  const positionTier = (i: number, k: number): PositionTierOutlook | undefined => {
    const key = i * levels.length + k;
    let outlook = positionTiers.get(key);
    if (outlook === undefined) {
      const b = positionBarrier(i, k);
      if (b === undefined) return undefined;
      outlook = outlookOfPositionTier(b, horizonsSec);
      positionTiers.set(key, outlook);
    }
    return outlook;
  };
  const crossPoolTier = (k: number): BufferTierOutlook | undefined => {
    let outlook = poolTiers.get(k);
    const level = levels[k];
    if (outlook === undefined && hasCross && level !== undefined) {
      // One symbol: the pool's outlook is that position's (same tier price, same volatility); reuse it.
      const single = singleIndex();
      const known = single < 0 ? undefined : positionTier(single, k);
      const b = known === undefined ? poolBarrier(k) : undefined;
      outlook = b === undefined ? bufferTierOutlook(group(), level, curveOf, correlations, horizonsSec, known) : outlookOfBufferTier(b, horizonsSec);
      poolTiers.set(k, outlook);
    }
    return outlook;
  };
  const positionTierProbability = (i: number, k: number, horizonSec: number): number => {
    const known = positionTiers.get(i * levels.length + k);
    if (known !== undefined) return probabilityWithin(known, horizonSec);
    const b = positionBarrier(i, k);
    return b === undefined ? 0 : positionBarrierProbability(b, horizonsSec, horizonSec);
  };
  const crossPoolTierProbability = (k: number, horizonSec: number): number => {
    const known = poolTiers.get(k);
    if (known !== undefined) return probabilityWithin(known, horizonSec);
    if (!hasCross || levels[k] === undefined) return 0;
    // One symbol: the position's outlook, as crossPoolTier takes it.
    const single = singleIndex();
    if (single >= 0 && positionBarrier(single, k) !== undefined) return positionTierProbability(single, k, horizonSec);
    const b = poolBarrier(k);
    return b === undefined ? 0 : tierProbability(b.barrier, horizonsSec, horizonSec);
  };
  const all = once((): AccountProjection => {
    const positions = risk.positions.map(
      (p, i): PositionProjection => ({
        symbol: p.symbol,
        side: p.side,
        marginMode: p.marginMode,
        sigmaPerSqrtSec: Math.sqrt(curveOf(p.symbol).fastPerSec),
        tiers: levels.map((_, k) => positionTier(i, k) as PositionTierOutlook),
      }),
    );
    if (!hasCross) return { positions, crossPool: null };
    return { positions, crossPool: { symbols: group().symbols, tiers: levels.map((_, k) => crossPoolTier(k) as BufferTierOutlook) } };
  });
  return { positionTier, crossPoolTier, positionTierProbability, crossPoolTierProbability, all };
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
