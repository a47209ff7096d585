import { barrierMedianSec, barrierSd, probabilityAtSd, type Barrier, type HorizonOutlook } from './first-passage.ts';
import type { FundingStep } from './funding-step.ts';
import { hasShape, shapedMedianSec, shapedProbability, type PassageShape } from './shaped-passage.ts';

/** How soon one tier (a level of rho) could be reached, in every form the product shows. */
export interface TierOutlook {
  /** The tier, as a risk ratio (0.8 = Margin call, 1 = liquidation). */
  readonly level: number;
  /** The median first-passage time, seconds: even odds of having touched the tier by then. 0 at or through it, Infinity out of reach. */
  readonly medianTimeSec: number;
  /** P(touch) and distance in sd for each projection horizon. */
  readonly horizons: readonly HorizonOutlook[];
}

/** A tier's barrier, or the two cases that need none. */
export type TierBarrier = (Barrier & { readonly shape?: PassageShape | null }) | 'through' | 'out-of-reach';

/** The outlook of a tier: P and the distance in sd at each horizon, and the median time. */
export function tierOutlook(level: number, barrier: TierBarrier, horizonsSec: readonly number[], step: FundingStep | null = null): TierOutlook {
  if (barrier === 'through') {
    return { level, medianTimeSec: 0, horizons: horizonsSec.map((horizonSec) => ({ horizonSec, probability: 1, distanceSd: 0 })) };
  }
  if (barrier === 'out-of-reach' || !(barrier.distance < Number.POSITIVE_INFINITY)) {
    const never = Number.POSITIVE_INFINITY;
    return { level, medianTimeSec: never, horizons: horizonsSec.map((horizonSec) => ({ horizonSec, probability: 0, distanceSd: never })) };
  }
  if (step === null || !(step.closerBy > 0)) return { level, medianTimeSec: medianOf(barrier), horizons: horizonsSec.map((h) => horizonOf(barrier, h)) };
  // A funding payment (funding-step.ts): horizons past it see the tier nearer by the payment, over their
  // whole span (an upper bound on P: before the payment the tier is in fact that much further).
  const nearer = moved(barrier, barrier.distance - step.closerBy);
  const crossed = !(nearer.distance > 0);
  const horizons = horizonsSec.map((h) =>
    h < step.atSec ? horizonOf(barrier, h) : crossed ? { horizonSec: h, probability: 1, distanceSd: 0 } : horizonOf(nearer, h),
  );
  const before = medianOf(barrier);
  const medianTimeSec = before <= step.atSec ? before : crossed ? step.atSec : Math.max(step.atSec, medianOf(nearer));
  return { level, medianTimeSec, horizons };
}

/**
 * P(touch within horizonSec) of `tierOutlook(level, barrier, horizonsSec, step)`, computed alone: the
 * same expression for that one horizon, without the median time or the other horizons (the alert policy
 * reads one probability per subject a tick; the rest is for a screen or an alert being recorded). 0 where
 * horizonSec is not one of horizonsSec, as `probabilityWithin` reads the outlook.
 */
export function tierProbability(barrier: TierBarrier, horizonsSec: readonly number[], horizonSec: number, step: FundingStep | null = null): number {
  if (!horizonsSec.includes(horizonSec)) return 0;
  if (barrier === 'through') return 1;
  if (barrier === 'out-of-reach' || !(barrier.distance < Number.POSITIVE_INFINITY)) return 0;
  if (step === null || !(step.closerBy > 0) || horizonSec < step.atSec) return horizonOf(barrier, horizonSec).probability;
  const nearer = moved(barrier, barrier.distance - step.closerBy);
  return nearer.distance > 0 ? horizonOf(nearer, horizonSec).probability : 1;
}

type OpenBarrier = Exclude<TierBarrier, 'through' | 'out-of-reach'>;

/** The barrier at another distance (written out: a barrier may keep its variance on a prototype). */
const moved = (b: OpenBarrier, distance: number): OpenBarrier => ({ distance, variance: varianceOf(b), rate: rateOf(b), shape: b.shape ?? null });
const shaped = (b: OpenBarrier, shape: PassageShape) => ({ distance: b.distance, variance: varianceOf(b), rate: rateOf(b), shape });
// Returned unnamed: under tsx (keepNames) an arrow named by its property costs a defineProperty per barrier.
const varianceOf = (b: OpenBarrier) => (t: number) => b.variance(t);
const rateOf = (b: OpenBarrier) => (t: number) => b.rate(t);

function horizonOf(barrier: OpenBarrier, horizonSec: number): HorizonOutlook {
  const distanceSd = barrierSd(barrier, horizonSec);
  const shape = barrier.shape;
  // Drift and jumps (market-shape.ts): the odds move, the distance in sd is the diffusion's.
  const probability = hasShape(shape) ? shapedProbability(shaped(barrier, shape), horizonSec) : probabilityAtSd(distanceSd);
  return { horizonSec, probability, distanceSd };
}

function medianOf(barrier: OpenBarrier): number {
  const shape = barrier.shape;
  return hasShape(shape) ? shapedMedianSec(shaped(barrier, shape)) : barrierMedianSec(barrier);
}

/** P(touch within horizonSec) read off an outlook; 0 if that horizon was not projected. */
export const probabilityWithin = (
  outlook: { readonly horizons: ReadonlyArray<{ readonly horizonSec: number; readonly probability: number }> } | undefined,
  horizonSec: number,
): number =>
  outlook?.horizons.find((h) => h.horizonSec === horizonSec)?.probability ?? 0;
