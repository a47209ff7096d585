import { medianTimeSec, probabilityAtSd, type HorizonOutlook } from './first-passage.ts';

/** How soon one tier (a level of rho) could be reached, in every form the product shows. */
export interface TierOutlook {
  /** The tier, as a risk ratio (0.8 = Margin call, 1 = liquidation). */
  readonly level: number;
  /** The median first-passage time, seconds: even odds of having touched the tier by then. 0 at or through it, Infinity out of reach. */
  readonly medianTimeSec: number;
  /** P(touch) and distance in sd for each projection horizon. */
  readonly horizons: readonly HorizonOutlook[];
}

/**
 * The outlook of a tier whose distance in standard deviations over a horizon is `sdAt(horizonSec)`
 * (0 at or through the tier, Infinity out of reach).
 */
export function tierOutlook(level: number, sdAt: (horizonSec: number) => number, horizonsSec: readonly number[]): TierOutlook {
  const horizons = horizonsSec.map((horizonSec) => {
    const distanceSd = sdAt(horizonSec);
    return { horizonSec, probability: probabilityAtSd(distanceSd), distanceSd };
  });
  return { level, medianTimeSec: medianTimeSec(sdAt), horizons };
}

export const THROUGH = (): number => 0;
export const OUT_OF_REACH = (): number => Number.POSITIVE_INFINITY;

/** P(touch within horizonSec) read off an outlook; 0 if that horizon was not projected. */
export const probabilityWithin = (
  outlook: { readonly horizons: ReadonlyArray<{ readonly horizonSec: number; readonly probability: number }> } | undefined,
  horizonSec: number,
): number =>
  outlook?.horizons.find((h) => h.horizonSec === horizonSec)?.probability ?? 0;
