import type { Barrier } from './first-passage.ts';
import { normalCdf } from './normal-distribution.ts';

/**
 * First passage with a drift towards the barrier and jumps that cross it alone: the driftless
 * formula of first-passage.ts with the two terms of market-shape.ts added.
 *
 * Drift. A Brownian motion with drift mu towards a barrier at distance d and variance v accumulated by
 * t, m = mu t, touches it by t with probability
 *   P = Phi((m - d) / sqrt v) + e^{2 m d / v} Phi((-d - m) / sqrt v)
 * (exact for a flat volatility, where m d / v = mu d / sigma^2; with the term structure the drift is
 * taken to run on the variance clock, an approximation that matters only when fast and slow differ a lot).
 * m = 0 gives back 2 Phi(-d / sqrt v).
 *
 * Jumps. Jumps of at least d arrive as a Poisson process of rate lambda, independent of the diffusion:
 * P = 1 - (1 - P_diffusion) e^{-lambda t}. Smaller jumps are left to the diffusion (their squares are in
 * the volatility already).
 */

export interface PassageShape {
  /** Drift towards the barrier, in the barrier's distance units per second, >= 0. */
  readonly driftPerSec: number;
  /** Rate per second of jumps that alone cross the barrier, >= 0. */
  readonly jumpRatePerSec: number;
}

/** A barrier whose passage has a drift and jumps (either may be 0). */
export interface ShapedBarrier extends Barrier {
  readonly shape: PassageShape;
}

export const hasShape = (shape: PassageShape | null | undefined): shape is PassageShape =>
  shape !== null && shape !== undefined && (shape.driftPerSec > 0 || shape.jumpRatePerSec > 0);

/** ln Phi(x), finite far into the lower tail (Mills' ratio where Phi underflows). */
function logNormalCdf(x: number): number {
  const p = normalCdf(x);
  if (p > 1e-300) return Math.log(p);
  return -0.5 * x * x - Math.log(-x) - 0.5 * Math.log(2 * Math.PI);
}

/** P(a drifting walk touches the barrier within t seconds), in [0, 1]. */
export function driftPassageProbability(distance: number, variance: number, drift: number): number {
  if (!(distance > 0)) return 1;
  if (!(variance > 0)) return drift >= distance ? 1 : 0;
  const s = Math.sqrt(variance);
  const m = Math.max(0, drift);
  const near = normalCdf((m - distance) / s);
  const far = Math.exp((2 * m * distance) / variance + logNormalCdf((-distance - m) / s));
  const p = near + far;
  return Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 1;
}

/** P(touch within t) for a shaped barrier. */
export function shapedProbability(b: ShapedBarrier, t: number): number {
  if (!(t > 0)) return 0;
  const diffusion = driftPassageProbability(b.distance, b.variance(t), b.shape.driftPerSec * t);
  const noJump = Math.exp(-b.shape.jumpRatePerSec * t);
  return Math.min(1, Math.max(0, 1 - (1 - diffusion) * noJump));
}

/**
 * The median first-passage time (P(t) = 1/2) of a shaped barrier, by bisection on ln t between 1 s and
 * 100 years (P grows with t); 1e-4 relative. Infinity if 100 years are not enough.
 */
export function shapedMedianSec(b: ShapedBarrier): number {
  let lo = Math.log(1);
  let hi = Math.log(100 * 365 * 86_400);
  if (shapedProbability(b, Math.exp(hi)) < 0.5) return Number.POSITIVE_INFINITY;
  if (shapedProbability(b, Math.exp(lo)) >= 0.5) return 1;
  while (hi - lo > 1e-4) {
    const mid = (lo + hi) / 2;
    if (shapedProbability(b, Math.exp(mid)) >= 0.5) hi = mid;
    else lo = mid;
  }
  return Math.exp(hi);
}
