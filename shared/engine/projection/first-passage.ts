import { normalCdf, normalQuantile } from './normal-distribution.ts';

/**
 * First passage of a driftless Brownian motion to a barrier, the model behind "how likely is this tier
 * within the next hour" (docs/alert-policy.md, Projection).
 *
 * A log price with volatility sigma (per sqrt second) and no drift, a distance d = |ln(B / S)| from the
 * barrier B, touches it within T seconds with probability (reflection principle)
 *   P(T) = 2 * Phi(-d / (sigma * sqrt T)).
 * With a flat volatility everything is one number, the **diffusion time** tau = (d / sigma)^2 seconds
 * (the time over which one standard deviation of the log price equals the distance):
 * P(T) = 2 Phi(-sqrt(tau / T)), distance in sd = sqrt(tau / T). The projection itself uses the general
 * form below (`Barrier`): a variance that accumulates along the volatility's term structure, and the same
 * formula with sigma^2 T replaced by that accumulated variance; a cross pool's equity buffer
 * (buffer-reach.ts) is such a barrier too.
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
 * The "expected time" we show (flat volatility): the **median** first-passage time, the T with P(T) = 1/2, i.e.
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

/** P(touch) from the distance in standard deviations over the horizon: 2 Phi(-z), 1 at z <= 0, capped at 1. */
export function probabilityAtSd(z: number): number {
  if (!(z > 0)) return Number.isNaN(z) ? 0 : 1;
  return Math.min(1, 2 * normalCdf(-z));
}

/**
 * A barrier at `distance` from a driftless process (a log price, or a cross pool's equity buffer)
 * whose variance accumulates over time as `variance(t)` (sigma^2 t for a flat volatility; the term
 * structure of volatility.ts otherwise). Then P(touch within t) = 2 Phi(-distance / sqrt(variance(t))):
 * a Brownian motion run on the clock of its accumulated variance.
 */
export interface Barrier {
  readonly distance: number;
  /** Variance accumulated over [0, t] seconds: 0 at 0, increasing. */
  variance(t: number): number;
  /** Its derivative, > 0. */
  rate(t: number): number;
}

/** The distance in sd over a horizon. */
export const barrierSd = (b: Barrier, horizonSec: number): number => b.distance / Math.sqrt(b.variance(horizonSec));

/**
 * The median first-passage time of a barrier: the t with P(t) = 1/2, i.e. variance(t) =
 * (distance / Phi^-1(3/4))^2. Newton's method on that equation (the variance and its rate are closed
 * forms), kept inside a bracket that halves when a step would leave it; 1e-6 relative. Infinity if
 * 100 years are not enough.
 */
export function barrierMedianSec(b: Barrier): number {
  const target = (b.distance / MEDIAN_ABS_NORMAL) ** 2;
  let lo = 0;
  let hi = 100 * 365 * 86_400;
  if (!(b.variance(hi) >= target)) return Number.POSITIVE_INFINITY;
  let t = Math.min(hi, target / b.rate(1));
  for (let i = 0; i < 100; i += 1) {
    const gap = b.variance(t) - target;
    if (gap > 0) hi = t;
    else lo = t;
    if (Math.abs(gap) <= 1e-9 * target || hi - lo <= 1e-6 * hi) break;
    const step = t - gap / b.rate(t);
    t = step > lo && step < hi ? step : lo > 0 ? Math.sqrt(lo * hi) : hi / 2;
  }
  return t;
}

/** The projection horizons (docs/alert-policy.md): 15 min, 1 h, 4 h, 24 h. */
export const DEFAULT_HORIZONS_SEC: readonly number[] = [900, 3600, 14_400, 86_400];
