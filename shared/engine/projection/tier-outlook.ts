import { barrierMedianSec, barrierSd, probabilityAtSd, type Barrier, type HorizonOutlook } from './first-passage.ts';
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
export function tierOutlook(level: number, barrier: TierBarrier, horizonsSec: readonly number[]): TierOutlook {
  if (barrier === 'through') {
    return { level, medianTimeSec: 0, horizons: horizonsSec.map((horizonSec) => ({ horizonSec, probability: 1, distanceSd: 0 })) };
  }
  if (barrier === 'out-of-reach' || !(barrier.distance < Number.POSITIVE_INFINITY)) {
    const never = Number.POSITIVE_INFINITY;
    return { level, medianTimeSec: never, horizons: horizonsSec.map((horizonSec) => ({ horizonSec, probability: 0, distanceSd: never })) };
  }
  const shape = barrier.shape;
  if (hasShape(shape)) {
    // Drift and jumps (market-shape.ts): the odds and the median move, the distance in sd is the diffusion's.
    const shaped = { distance: barrier.distance, variance: barrier.variance, rate: barrier.rate, shape };
    const horizons = horizonsSec.map((horizonSec) => ({ horizonSec, probability: shapedProbability(shaped, horizonSec), distanceSd: barrierSd(barrier, horizonSec) }));
    return { level, medianTimeSec: shapedMedianSec(shaped), horizons };
  }
  const horizons = horizonsSec.map((horizonSec) => {
    const distanceSd = barrierSd(barrier, horizonSec);
    return { horizonSec, probability: probabilityAtSd(distanceSd), distanceSd };
  });
  return { level, medianTimeSec: barrierMedianSec(barrier), horizons };
}

/** P(touch within horizonSec) read off an outlook; 0 if that horizon was not projected. */
export const probabilityWithin = (
  outlook: { readonly horizons: ReadonlyArray<{ readonly horizonSec: number; readonly probability: number }> } | undefined,
  horizonSec: number,
): number =>
  outlook?.horizons.find((h) => h.horizonSec === horizonSec)?.probability ?? 0;
