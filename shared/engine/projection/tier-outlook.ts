import { horizonOutlooks, medianPassageTimeSec, type HorizonOutlook } from './first-passage.ts';

/** How soon one tier (a level of rho) could be reached, in every form the product shows. */
export interface TierOutlook {
  /** The tier, as a risk ratio (0.8 = Margin call, 1 = liquidation). */
  readonly level: number;
  /** tau, seconds (first-passage.ts): 0 at or through the tier, Infinity if it cannot be reached. */
  readonly diffusionTimeSec: number;
  /** The median first-passage time, seconds: even odds of having touched the tier by then. */
  readonly medianTimeSec: number;
  /** P(touch) and distance in sd for each projection horizon. */
  readonly horizons: readonly HorizonOutlook[];
}

export const tierOutlook = (level: number, diffusionTime: number, horizonsSec: readonly number[]): TierOutlook => ({
  level,
  diffusionTimeSec: diffusionTime,
  medianTimeSec: medianPassageTimeSec(diffusionTime),
  horizons: horizonOutlooks(diffusionTime, horizonsSec),
});
