import type { PositionFigures, PositionRisk } from '../margin/evaluate-account.ts';
import type { FundingStep } from './funding-step.ts';
import { passageShapeOf, type MarketShape } from './market-shape.ts';
import { tierOutlook, tierProbability, type TierBarrier, type TierOutlook } from './tier-outlook.ts';
import { integratedVariance, varianceRate, type VarianceCurve } from './volatility.ts';

/** A tier outlook measured on one position's price axis. */
export interface PositionTierOutlook extends TierOutlook {
  /** The engine's tier price (other symbols frozen at their marks); null if no price reaches the tier. */
  readonly tierPrice: number | null;
  /** ln(tierPrice / mark): negative when the price must fall. null with no tier price. */
  readonly logDistance: number | null;
}

export interface PositionProjection {
  readonly symbol: string;
  readonly side: PositionRisk['side'];
  readonly marginMode: PositionRisk['marginMode'];
  /** The fast volatility (15 min and shorter), per sqrt second, floored: what "current vol" shows. */
  readonly sigmaPerSqrtSec: number;
  readonly tiers: readonly PositionTierOutlook[];
}

/** Each symbol's variance term structure (volatility.ts, varianceCurve), looked up once per symbol. */
export type CurveOf = (symbol: string) => VarianceCurve;

/**
 * For each tier: the chance that this position's symbol touches its tier price within each horizon,
 * driftless log price: P = 2 Phi(-|ln(B/S)| / sqrt(V(T))), with V(T) the variance accumulated over the
 * horizon (sigma^2 T when volatility is flat), the median time to it, and the distance in standard deviations.
 * A tier the position (or its cross pool) is already at or past has P = 1 and time 0. The tier prices
 * are the engine's (evaluate-account.ts), so this is exact for an isolated position and for a cross
 * pool that holds one symbol; for a cross pool of several symbols it is the view "if only this coin
 * moved", and the pool's own figure is buffer-reach.ts.
 */
export function projectPosition(
  risk: PositionFigures,
  levels: readonly number[],
  curveOf: CurveOf,
  horizonsSec: readonly number[],
): PositionProjection {
  const curve = curveOf(risk.symbol);
  const tiers = levels.map((level) => positionTierOutlook(risk, level, curve, horizonsSec, null, null, risk.tierPrices[String(level)] ?? null));
  return { symbol: risk.symbol, side: risk.side, marginMode: risk.marginMode, sigmaPerSqrtSec: Math.sqrt(curve.fastPerSec), tiers };
}

/**
 * One tier of `projectPosition`, for callers that need only some of them (the alert policy), given the
 * position's tier price at that level (evaluate-account.ts, tierPriceOf: solved for that level alone).
 */
export function positionTierOutlook(
  risk: PositionRisk,
  level: number,
  curve: VarianceCurve,
  horizonsSec: readonly number[],
  shape: MarketShape | null = null,
  funding: FundingStep | null,
  tierPrice: number | null,
): PositionTierOutlook {
  return outlookOfPositionTier(positionTierBarrier(risk, level, curve, shape, funding, tierPrice), horizonsSec);
}

/** One tier of a position as a first-passage barrier on its log price, before any horizon is projected. */
export interface PositionTierBarrier {
  readonly level: number;
  readonly tierPrice: number | null;
  readonly logDistance: number | null;
  readonly barrier: TierBarrier;
  /** The funding payment that moves the tier towards the mark; null: none does. */
  readonly step: FundingStep | null;
}

/** See `positionTierOutlook`: the barrier it projects. */
export function positionTierBarrier(
  risk: PositionRisk,
  level: number,
  curve: VarianceCurve,
  shape: MarketShape | null,
  funding: FundingStep | null,
  tierPrice: number | null,
): PositionTierBarrier {
  const logDistance = tierPrice === null ? null : Math.log(tierPrice / risk.markPrice);
  const d = Math.abs(logDistance ?? 0);
  const barrier: TierBarrier =
    risk.riskRatio >= level
      ? 'through'
      : logDistance === null
        ? 'out-of-reach'
        : d === 0
          ? 'through'
          : {
              distance: d,
              variance: varianceOf(curve),
              rate: rateOf(curve),
              shape: passageShapeOf(shape, logDistance),
            };
  // A funding step moves the tier towards the mark only when the tier is on the side a payment pushes to.
  return { level, tierPrice, logDistance, barrier, step: funding !== null && towardsTier(risk.side, logDistance) ? funding : null };
}

// Made by a function and returned unnamed: under tsx (keepNames) an arrow named by its property would
// cost a defineProperty per tier per evaluation, which the homes' bundles do not pay.
const varianceOf = (curve: VarianceCurve) => (t: number) => integratedVariance(curve, t);
const rateOf = (curve: VarianceCurve) => (t: number) => varianceRate(curve, t);

/** The outlook of a position's tier barrier at `horizonsSec` (positionTierOutlook). */
export function outlookOfPositionTier(b: PositionTierBarrier, horizonsSec: readonly number[]): PositionTierOutlook {
  const outlook = tierOutlook(b.level, b.barrier, horizonsSec, b.step);
  // Written out, not spread: this runs for every tier on every tick.
  return { level: b.level, medianTimeSec: outlook.medianTimeSec, horizons: outlook.horizons, tierPrice: b.tierPrice, logDistance: b.logDistance };
}

/** P(touch within horizonSec) of `outlookOfPositionTier(b, horizonsSec)`, computed alone (tierProbability). */
export const positionBarrierProbability = (b: PositionTierBarrier, horizonsSec: readonly number[], horizonSec: number): number =>
  tierProbability(b.barrier, horizonsSec, horizonSec, b.step);

/** A payment lowers equity: for a long that is the way down, for a short the way up. */
const towardsTier = (side: PositionRisk['side'], logDistance: number | null): boolean =>
  logDistance !== null && (side === 'long' ? logDistance < 0 : logDistance > 0);
