import { bufferAt, bufferGradient, type RiskGroup } from './equity-buffer.ts';
import { normalQuantile } from './normal-distribution.ts';
import type { VarianceOf } from './position-projection.ts';
import { OUT_OF_REACH, THROUGH, tierOutlook, type TierOutlook } from './tier-outlook.ts';

/**
 * How far a risk group is from a tier in standard deviations of its own equity, with the covariance of
 * its symbols: the cross-account projection of product.md.
 *
 * The approximation, stated once. Log marks move as a driftless Brownian motion whose covariance over a
 * horizon T is Sigma_ij(T) = rho_ij sqrt(v_i(T) v_j(T)) per second (v from volatility.ts, rho from
 * correlation.ts). The buffer B_L = equity - requirement / L is treated as a one-dimensional Brownian
 * motion with its first-order volatility
 *   sigma_B(T) = sqrt(g' Sigma(T) g),  g = dB_L / d ln(marks) at the current marks (equity-buffer.ts),
 * so its distance in sd over T is z(T) = c * B / (sigma_B(T) sqrt T), P = 2 Phi(-z). The factor c keeps
 * the curvature the linear picture drops: at a reference horizon (1 h) the distance is solved exactly
 * along the direction in which B falls fastest per unit of variance, delta = -Sigma g / sigma_B (the
 * smallest k with B_L(marks * exp(k delta)) = 0), and c = k / (B / sigma_B). For a group with one
 * symbol this is exactly |ln(B/S)| / sqrt(v(T) T), the single-position formula; for several it keeps
 * PnL's convexity in log price and bracket changes along that direction.
 * What it ignores: drift, and the curvature of the tier boundary across that direction. For longs PnL
 * is convex in log price, so the boundary curves away and P reads a little high (conservative); for
 * shorts it curves towards the marks and P reads a little low. The Monte Carlo test (two correlated
 * longs, 4 h) bounds the effect.
 */

export type CorrelationOf = (a: string, b: string) => number;

/** The horizon at which the exact distance along the fall-fastest direction is solved. */
export const REFERENCE_HORIZON_SEC = 3600;

/** A tier outlook of a risk group: its equity buffer to the tier and that buffer's volatility. */
export interface BufferTierOutlook extends TierOutlook {
  /** equity - requirement / level, USDT; <= 0 at or through the tier. */
  readonly bufferUsdt: number;
  /** Volatility of the buffer at the reference horizon, USDT per sqrt second. */
  readonly sigmaUsdtPerSqrtSec: number;
}

interface Covariance {
  readonly symbols: readonly string[];
  at(horizonSec: number): (a: number, b: number) => number;
}

function covariance(group: RiskGroup, varianceOf: VarianceOf, correlationOf: CorrelationOf): Covariance {
  const symbols = group.symbols;
  return {
    symbols,
    at: (horizonSec) => {
      const sd = symbols.map((s) => Math.sqrt(varianceOf(s, horizonSec)));
      return (a, b) => (a === b ? 1 : correlationOf(symbols[a] ?? '', symbols[b] ?? '')) * (sd[a] ?? 0) * (sd[b] ?? 0);
    },
  };
}

/** sigma_B at a horizon and the fall-fastest direction (log-mark move per unit k, per symbol). */
function adverse(cov: Covariance, g: Readonly<Record<string, number>>, horizonSec: number) {
  const sigma = cov.at(horizonSec);
  const n = cov.symbols.length;
  const grad = cov.symbols.map((s) => g[s] ?? 0);
  const sigmaG = grad.map((_, a) => grad.reduce((row, gb, b) => row + sigma(a, b) * gb, 0));
  const sigmaB = Math.sqrt(Math.max(0, sigmaG.reduce((v, sg, a) => v + (grad[a] ?? 0) * sg, 0)));
  const delta: Record<string, number> = {};
  for (let a = 0; a < n; a += 1) delta[cov.symbols[a] ?? ''] = sigmaB > 0 ? -(sigmaG[a] ?? 0) / sigmaB : 0;
  return { sigmaB, delta };
}

const movedMarks = (group: RiskGroup, delta: Readonly<Record<string, number>>, k: number): Record<string, number> => {
  const marks: Record<string, number> = {};
  for (const s of group.symbols) marks[s] = (group.marks[s] ?? 0) * Math.exp(k * (delta[s] ?? 0));
  return marks;
};

/** A log move this large (a factor e^40) is "never" for any horizon we show. */
const MAX_LOG_MOVE = 40;

/** The smallest k > 0 with B_L = 0 along delta, or Infinity. B_L(0) must be > 0. */
function distanceAlong(group: RiskGroup, level: number, delta: Readonly<Record<string, number>>, guess: number): number {
  const speed = Math.max(0, ...Object.values(delta).map(Math.abs));
  if (!(speed > 0)) return Number.POSITIVE_INFINITY;
  const at = (k: number) => bufferAt(group, level, movedMarks(group, delta, k));
  let lo = 0;
  let hi = guess;
  while (at(hi) > 0) {
    lo = hi;
    hi *= 2;
    if (hi * speed > MAX_LOG_MOVE) return Number.POSITIVE_INFINITY;
  }
  for (let i = 0; i < 50 && hi - lo > 1e-9 * hi; i += 1) {
    const mid = (lo + hi) / 2;
    if (at(mid) > 0) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * One tier's outlook for a risk group. `known`, for a group with one symbol, is that symbol's
 * position outlook (position-projection.ts, from the engine's tier price): the search would find the
 * same distance, so its horizons and median are taken as they are.
 */
export function bufferTierOutlook(
  group: RiskGroup,
  level: number,
  varianceOf: VarianceOf,
  correlationOf: CorrelationOf,
  horizonsSec: readonly number[],
  known?: TierOutlook,
): BufferTierOutlook {
  const buffer = bufferAt(group, level, group.marks);
  const g = bufferGradient(group, level);
  const cov = covariance(group, varianceOf, correlationOf);
  const reference = adverse(cov, g, REFERENCE_HORIZON_SEC);
  const done = (sdAt: (h: number) => number): BufferTierOutlook => {
    const o = tierOutlook(level, sdAt, horizonsSec);
    return { level, medianTimeSec: o.medianTimeSec, horizons: o.horizons, bufferUsdt: buffer, sigmaUsdtPerSqrtSec: reference.sigmaB };
  };
  if (known !== undefined && group.symbols.length === 1) {
    return { level, medianTimeSec: known.medianTimeSec, horizons: known.horizons, bufferUsdt: buffer, sigmaUsdtPerSqrtSec: reference.sigmaB };
  }
  if (!(buffer > 0)) return done(THROUGH);
  if (!(reference.sigmaB > 0)) return done(OUT_OF_REACH);
  const linear = buffer / reference.sigmaB;
  const exact = distanceAlong(group, level, reference.delta, linear);
  if (!Number.isFinite(exact)) return done(OUT_OF_REACH);
  const curvature = exact / linear;
  return done((horizonSec) => (curvature * buffer) / (bufferSigma(cov, g, horizonSec) * Math.sqrt(horizonSec)));
}

/** sigma_B alone (no direction): what the horizon loop and the median search need. */
function bufferSigma(cov: Covariance, g: Readonly<Record<string, number>>, horizonSec: number): number {
  const sigma = cov.at(horizonSec);
  const n = cov.symbols.length;
  let variance = 0;
  for (let a = 0; a < n; a += 1) {
    for (let b = 0; b < n; b += 1) variance += (g[cov.symbols[a] ?? ''] ?? 0) * sigma(a, b) * (g[cov.symbols[b] ?? ''] ?? 0);
  }
  return Math.sqrt(Math.max(0, variance));
}

/**
 * The collateral (USDT of equity) that would bring P(liquidation within horizonSec) down to
 * maxProbability: the buffer to liquidation must survive a fall of k* = Phi^-1(1 - p/2) sqrt(T) along the
 * fall-fastest direction for that horizon, so the top-up is the shortfall requirement - equity at the
 * marks moved by k*. 0 if already safe. The caller divides by the venue's gain per USDT (Bybit UTA
 * isolated).
 */
export function oddsTopUp(
  group: RiskGroup,
  varianceOf: VarianceOf,
  correlationOf: CorrelationOf,
  horizonSec: number,
  maxProbability: number,
): number {
  if (!(maxProbability > 0 && maxProbability < 1)) return 0;
  const cov = covariance(group, varianceOf, correlationOf);
  const { sigmaB, delta } = adverse(cov, bufferGradient(group, 1), horizonSec);
  if (!(sigmaB > 0)) return 0;
  const k = normalQuantile(1 - maxProbability / 2) * Math.sqrt(horizonSec);
  const marks = movedMarks(group, delta, k);
  const shortfall = group.requirementAt(marks) - group.equityAt(marks);
  return shortfall > 0 ? Math.ceil(shortfall * 100 - 1e-9) / 100 : 0;
}
