import { normalCdf, normalQuantile } from './normal-distribution.ts';

/**
 * First passage of a driftless Brownian motion to a barrier, the model behind "how likely is this tier
 * within the next hour" (product.md, Predictive alerts).
 *
 * A log price with volatility sigma (per sqrt second) and no drift, a distance d = |ln(B / S)| from the
 * barrier B, touches it within T seconds with probability (reflection principle)
 *   P(T) = 2 * Phi(-d / (sigma * sqrt T)).
 * Everything here is written in one number, the **diffusion time** tau = (d / sigma)^2, in seconds: the
 * time over which one standard deviation of the log price equals the distance. Then
 *   P(T) = 2 * Phi(-sqrt(tau / T)),   distance in sd over T = sqrt(tau / T).
 * The same form serves a cross account's equity buffer (pool-reach.ts), where the "distance" is a
 * number of standard deviations along the direction in which the equity falls fastest.
 * tau = 0 means at or through the barrier (P = 1); tau = Infinity means it cannot be reached (P = 0).
 */

/** Phi^-1(3/4): the median of |N(0,1)|. */
const MEDIAN_ABS_NORMAL = normalQuantile(0.75);

/** tau = (d / sigma)^2 in seconds, from a log distance and a volatility per sqrt second. */
export function diffusionTimeSec(logDistance: number, sigmaPerSqrtSec: number): number {
  const d = Math.abs(logDistance);
  if (d === 0) return 0;
  if (!(sigmaPerSqrtSec > 0)) return Number.POSITIVE_INFINITY;
  const tau = (d / sigmaPerSqrtSec) ** 2;
  return Number.isFinite(tau) ? tau : Number.POSITIVE_INFINITY;
}

/** P(touch within horizonSec) = 2 Phi(-sqrt(tau / T)), capped at 1; 1 when already there, 0 when unreachable. */
export function touchProbability(diffusionTime: number, horizonSec: number): number {
  if (!(diffusionTime > 0)) return 1;
  if (!Number.isFinite(diffusionTime) || !(horizonSec > 0)) return 0;
  return Math.min(1, 2 * normalCdf(-Math.sqrt(diffusionTime / horizonSec)));
}

/** The distance in standard deviations of the move over `horizonSec`: sqrt(tau / T). 0 when already there. */
export function distanceSd(diffusionTime: number, horizonSec: number): number {
  if (!(diffusionTime > 0)) return 0;
  if (!(horizonSec > 0)) return Number.POSITIVE_INFINITY;
  return Math.sqrt(diffusionTime / horizonSec);
}

/**
 * The "expected time" we show: the **median** first-passage time, the T with P(T) = 1/2, i.e.
 * tau / Phi^-1(3/4)^2 (about 2.2 tau). Why the median: the driftless mean first-passage time is
 * infinite (the density decays like T^-3/2), so a mean would always read "never"; the median reads
 * "even odds by then", which is what a trader can act on. 0 when already there, Infinity when
 * unreachable.
 */
export function medianPassageTimeSec(diffusionTime: number): number {
  if (!(diffusionTime > 0)) return 0;
  return diffusionTime / (MEDIAN_ABS_NORMAL * MEDIAN_ABS_NORMAL);
}

/** One horizon's figures for one barrier. */
export interface HorizonOutlook {
  readonly horizonSec: number;
  /** P(touching the barrier within the horizon), in [0, 1]. */
  readonly probability: number;
  /** How many standard deviations of the move over the horizon the barrier is away. */
  readonly distanceSd: number;
}

export const horizonOutlooks = (diffusionTime: number, horizonsSec: readonly number[]): HorizonOutlook[] =>
  horizonsSec.map((horizonSec) => ({
    horizonSec,
    probability: touchProbability(diffusionTime, horizonSec),
    distanceSd: distanceSd(diffusionTime, horizonSec),
  }));

/** The projection horizons of product.md: 15 min, 1 h, 4 h, 24 h. */
export const DEFAULT_HORIZONS_SEC: readonly number[] = [900, 3600, 14_400, 86_400];
