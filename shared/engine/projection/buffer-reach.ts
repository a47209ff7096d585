import { bufferAt, bufferGradient, type RiskGroup } from './equity-buffer.ts';
import { normalQuantile } from './normal-distribution.ts';

/**
 * How far a risk group is from a tier in standard deviations of its own equity, with the covariance of
 * its symbols: the cross-account projection of product.md.
 *
 * The approximation, stated once. Log marks move as a driftless Brownian motion with covariance
 * Sigma_ij = rho_ij sigma_i sigma_j (per second). The buffer B_L = equity - requirement / L is treated
 * as a one-dimensional Brownian motion whose volatility is its first-order one,
 *   sigma_B = sqrt(g' Sigma g),  g = dB_L / d ln(marks) at the current marks (equity-buffer.ts),
 * and whose distance to zero is measured **exactly** along the direction in which it falls fastest per
 * unit of variance, delta = -Sigma g / sigma_B: the smallest k with B_L(marks * exp(k delta)) = 0. Then
 * tau = k^2 is the diffusion time of first-passage.ts. Along that direction the first-order fall is
 * exactly k sigma_B, so for small distances k = B / sigma_B (the linearised answer); further out the
 * curvature (PnL linear in price, not in log price; brackets) is kept instead of linearised away. For a
 * group with one symbol this reduces to the exact |ln(B/S)| / sigma of a single position.
 * What it ignores: drift, and the curvature of the tier boundary across that direction. With several
 * symbols the boundary {B_L = 0} is not flat in log-price space: for longs PnL is convex in log price, so
 * the boundary curves away and P reads a little high (conservative); for shorts it curves towards the
 * marks and P reads a little low. The Monte Carlo test (two correlated longs, 4 h) bounds the effect.
 */
export interface BufferReach {
  readonly level: number;
  /** B_L at the current marks, USDT. <= 0 means at or through the tier. */
  readonly bufferUsdt: number;
  /** sigma_B, USDT per sqrt second. */
  readonly sigmaUsdtPerSqrtSec: number;
  /** tau = k^2, seconds: 0 at or through the tier, Infinity if the fall-fastest direction never reaches it. */
  readonly diffusionTimeSec: number;
}

export type SigmaOf = (symbol: string) => number;
export type CorrelationOf = (a: string, b: string) => number;

interface Adverse {
  readonly sigmaB: number;
  /** Log-mark move per unit of k (sqrt seconds), per symbol. */
  readonly delta: Readonly<Record<string, number>>;
}

function adverseDirection(group: RiskGroup, level: number, sigmaOf: SigmaOf, correlationOf: CorrelationOf): Adverse {
  const g = bufferGradient(group, level);
  const symbols = group.symbols.filter((s) => g[s] !== undefined);
  const sigmaG: Record<string, number> = {};
  let variance = 0;
  for (const a of symbols) {
    let row = 0;
    for (const b of symbols) row += correlationOf(a, b) * sigmaOf(a) * sigmaOf(b) * (g[b] ?? 0);
    sigmaG[a] = row;
    variance += (g[a] ?? 0) * row;
  }
  const sigmaB = Math.sqrt(Math.max(0, variance));
  const delta: Record<string, number> = {};
  for (const a of symbols) delta[a] = sigmaB > 0 ? -(sigmaG[a] ?? 0) / sigmaB : 0;
  return { sigmaB, delta };
}

const movedMarks = (group: RiskGroup, delta: Readonly<Record<string, number>>, k: number): Record<string, number> => {
  const marks: Record<string, number> = {};
  for (const s of group.symbols) marks[s] = (group.marks[s] ?? 0) * Math.exp(k * (delta[s] ?? 0));
  return marks;
};

/** A log move this large (a factor e^40) is "never" for any horizon we show. */
const MAX_LOG_MOVE = 40;

/**
 * The reach of one tier. `exactDiffusionTime`, when the caller already knows tau exactly (a group with
 * one symbol, from the engine's tier price), skips the search and only adds the buffer and sigma_B.
 */
export function bufferReach(
  group: RiskGroup,
  level: number,
  sigmaOf: SigmaOf,
  correlationOf: CorrelationOf,
  exactDiffusionTime?: number,
): BufferReach {
  const buffer = bufferAt(group, level, group.marks);
  const { sigmaB, delta } = adverseDirection(group, level, sigmaOf, correlationOf);
  const result = (tau: number): BufferReach => ({ level, bufferUsdt: buffer, sigmaUsdtPerSqrtSec: sigmaB, diffusionTimeSec: tau });
  if (exactDiffusionTime !== undefined) return result(exactDiffusionTime);
  if (!(buffer > 0)) return result(0);
  if (!(sigmaB > 0)) return result(Number.POSITIVE_INFINITY);
  const speed = Math.max(...Object.values(delta).map(Math.abs));
  const at = (k: number) => bufferAt(group, level, movedMarks(group, delta, k));
  let lo = 0;
  let hi = buffer / sigmaB;
  while (at(hi) > 0) {
    lo = hi;
    hi *= 2;
    if (hi * speed > MAX_LOG_MOVE) return result(Number.POSITIVE_INFINITY);
  }
  for (let i = 0; i < 60 && hi - lo > 1e-10 * hi; i += 1) {
    const mid = (lo + hi) / 2;
    if (at(mid) > 0) lo = mid;
    else hi = mid;
  }
  return result(hi * hi);
}

/**
 * The collateral (USDT of equity) that would bring P(liquidation within horizonSec) down to
 * maxProbability: the buffer to liquidation must survive a fall of k* = Phi^-1(1 - p/2) sqrt(T) along the
 * fall-fastest direction, so the top-up is the shortfall requirement - equity at the marks moved by k*.
 * 0 if already safe. The caller divides by the venue's gain per USDT (Bybit UTA isolated).
 */
export function oddsTopUp(
  group: RiskGroup,
  sigmaOf: SigmaOf,
  correlationOf: CorrelationOf,
  horizonSec: number,
  maxProbability: number,
): number {
  const { sigmaB, delta } = adverseDirection(group, 1, sigmaOf, correlationOf);
  if (!(sigmaB > 0) || !(maxProbability > 0 && maxProbability < 1)) return 0;
  const k = normalQuantile(1 - maxProbability / 2) * Math.sqrt(horizonSec);
  const marks = movedMarks(group, delta, k);
  const shortfall = group.requirementAt(marks) - group.equityAt(marks);
  return shortfall > 0 ? Math.ceil(shortfall * 100 - 1e-9) / 100 : 0;
}
