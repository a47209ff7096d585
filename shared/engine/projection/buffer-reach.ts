import { bufferGradientVector, type RiskGroup } from './equity-buffer.ts';
import { normalQuantile } from './normal-distribution.ts';
import type { CurveOf } from './position-projection.ts';
import type { Barrier } from './first-passage.ts';
import { tierOutlook, tierProbability, type TierBarrier, type TierOutlook } from './tier-outlook.ts';
import { integratedVariance, integratedVariances, varianceRate, varianceRates, type VarianceCurve } from './volatility.ts';

/**
 * How far a risk group is from a tier in standard deviations of its own equity, with the covariance of
 * its symbols: the cross-account projection of docs/alert-policy.md.
 *
 * The approximation, stated once. Log marks move as a driftless Brownian motion whose covariance
 * accumulated over a horizon T is Sigma_ij(T) = rho_ij sqrt(V_i(T) V_j(T)) (V the integrated variance of
 * volatility.ts, rho from correlation.ts). The buffer B_L = equity - requirement / L is treated as a
 * one-dimensional Brownian motion with its first-order variance
 *   Var_B(T) = g' Sigma(T) g,  g = dB_L / d ln(marks) at the current marks (equity-buffer.ts),
 * so its distance in sd over T is z(T) = c * B / sqrt(Var_B(T)), P = 2 Phi(-z). The factor c keeps
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

/**
 * The correlations of a group's symbols, row-major n x n with 1 on the diagonal; read, never written.
 * A matrix rather than a pair function: a pool of 200 coins has 40,000 pairs, and the monitor keeps
 * the matrix from one evaluation to the next (correlation.ts, correlationMatrix).
 */
export type CorrelationMatrixOf = (symbols: readonly string[]) => ArrayLike<number>;

/** The matrix of a pair function (tests, tools): every pair asked once. */
export function matrixOfPairs(correlationOf: CorrelationOf): CorrelationMatrixOf {
  return (symbols) => {
    const n = symbols.length;
    const matrix = new Float64Array(n * n);
    for (let a = 0; a < n; a += 1) {
      for (let b = 0; b < n; b += 1) matrix[a * n + b] = a === b ? 1 : correlationOf(symbols[a] ?? '', symbols[b] ?? '');
    }
    return matrix;
  };
}

/** The horizon at which the exact distance along the fall-fastest direction is solved. */
export const REFERENCE_HORIZON_SEC = 3600;

/** A tier outlook of a risk group: its equity buffer to the tier and that buffer's volatility. */
export interface BufferTierOutlook extends TierOutlook {
  /** equity - requirement / level, USDT; <= 0 at or through the tier. */
  readonly bufferUsdt: number;
  /** Volatility of the buffer at the reference horizon, USDT per sqrt second. */
  readonly sigmaUsdtPerSqrtSec: number;
}

/**
 * Everything about a group's symbols that does not change within one evaluation, as flat numbers:
 * the loops below run many times per tick (median search, root search), so they allocate nothing.
 */
interface Prepared {
  readonly symbols: readonly string[];
  readonly curves: readonly VarianceCurve[];
  /** Row-major correlation matrix. */
  readonly correlation: ArrayLike<number>;
  /** Scratch: each symbol's integrated variance at the horizon being looked at. */
  readonly integrated: Float64Array;
}

function prepare(group: RiskGroup, curveOf: CurveOf, correlations: CorrelationMatrixOf): Prepared {
  const { symbols } = group;
  return { symbols, curves: symbols.map(curveOf), correlation: correlations(symbols), integrated: new Float64Array(symbols.length) };
}

/**
 * x' R y for a symmetric R (row-major n x n) and x = y or not: each pair above the diagonal read once,
 * (x_a y_b + x_b y_a) R_ab, so a pool of n coins costs n^2 / 2 products, not n^2.
 */
export function symmetricForm(correlation: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>, n: number): number {
  let sum = 0;
  for (let a = 0; a < n; a += 1) {
    const xa = x[a] as number;
    const ya = y[a] as number;
    const row = a * n;
    let cross = 0;
    for (let b = a + 1; b < n; b += 1) cross += (xa * (y[b] as number) + (x[b] as number) * ya) * (correlation[row + b] as number);
    sum += xa * ya * (correlation[row + a] as number) + cross;
  }
  return sum;
}

/**
 * x' R x for a symmetric R: `symmetricForm(R, x, x, n)` to the last bit (each pair's (x_a x_b + x_b x_a)
 * R_ab is 2 (x_a x_b) R_ab exactly, and the 2 comes out of the sum exactly), with half its products.
 */
export function quadraticForm(correlation: ArrayLike<number>, x: ArrayLike<number>, n: number): number {
  let sum = 0;
  for (let a = 0; a < n; a += 1) {
    const xa = x[a] as number;
    const row = a * n;
    let cross = 0;
    for (let b = a + 1; b < n; b += 1) cross += xa * (x[b] as number) * (correlation[row + b] as number);
    sum += xa * xa * (correlation[row + a] as number) + 2 * cross;
  }
  return sum;
}

/**
 * The buffer's accumulated variance Var_B(T) = g' Sigma(T) g, Sigma_ab(T) = rho_ab sqrt(V_a(T) V_b(T)),
 * and its rate, as a barrier at `distance` (USDT).
 *
 * Both are quadratic forms in the correlation alone: with s_a = sqrt(I_a(T)), w = g s (per symbol),
 *   Var_B = w' R w,
 * and, as d/dt sqrt(I_a I_b) = u_a s_b + s_a u_b with u_a = I_a' / (2 s_a),
 *   rate = 2 (g u)' R (g s).
 * The median search calls them some tens of times per tier read: no root, no division per pair. The
 * sums are the ones the pairwise expressions add, grouped differently: the last digits can differ from
 * the pairwise form (buffer-reach.test.ts bounds it to 1e-12 relative).
 */
function bufferBarrier(p: Prepared, grad: Float64Array, distance: number): BufferBarrier {
  const n = p.symbols.length;
  return new BufferBarrier({ p, grad, w: new Float64Array(n), gu: new Float64Array(n), rates: new Float64Array(n), known: new Map() }, distance);
}

/** What the linear barrier and the exact one (`at`) share: the inputs, the scratch arrays, the variances asked. */
interface BarrierState {
  readonly p: Prepared;
  readonly grad: Float64Array;
  readonly w: Float64Array;
  readonly gu: Float64Array;
  readonly rates: Float64Array;
  // The variance is a function of t alone: the linear barrier's look at the longest horizon and the
  // exact barrier's (at) share it, and each horizon is asked for once per tier.
  readonly known: Map<number, number>;
}

/**
 * A class, not a record of closures: one per pool tier per evaluation, and under tsx (the relay) every
 * closure made at run time is also an `Object.defineProperty` of its name. Methods only, no getters.
 */
class BufferBarrier implements Barrier {
  constructor(
    private readonly state: BarrierState,
    readonly distance: number,
  ) {}

  at(other: number): BufferBarrier {
    return new BufferBarrier(this.state, other);
  }

  variance(t: number): number {
    const { p, grad, w, known } = this.state;
    let v = known.get(t);
    if (v === undefined) {
      const n = p.symbols.length;
      const { integrated, correlation } = p;
      integratedVariances(p.curves, t, integrated);
      for (let a = 0; a < n; a += 1) w[a] = (grad[a] as number) * Math.sqrt(integrated[a] as number);
      v = Math.max(0, quadraticForm(correlation, w, n));
      known.set(t, v);
    }
    return v;
  }

  rate(t: number): number {
    const { p, grad, w, gu, rates } = this.state;
    const n = p.symbols.length;
    const { curves, integrated, correlation } = p;
    integratedVariances(curves, t, integrated);
    varianceRates(curves, t, rates);
    let flat = true;
    for (let a = 0; a < n; a += 1) {
      const ia = integrated[a] as number;
      if (!(ia > 0)) flat = false;
      const root = Math.sqrt(ia);
      w[a] = (grad[a] as number) * root;
      gu[a] = ((grad[a] as number) * (rates[a] as number)) / (2 * root);
    }
    // At t = 0 (no variance yet) the pairs have no rate, only each symbol its own: the general form.
    const r = flat ? 2 * symmetricForm(correlation, gu, w, n) : rateAtZero(p, grad, t);
    return Math.max(r, 1e-300);
  }
}

/** The rate pair by pair, for a horizon at which some symbol has no variance yet. */
function rateAtZero(p: Prepared, grad: Float64Array, t: number): number {
  const n = p.symbols.length;
  let r = 0;
  for (let a = 0; a < n; a += 1) {
    for (let b = 0; b < n; b += 1) {
      const ia = p.integrated[a] ?? 0;
      const ib = p.integrated[b] ?? 0;
      const ra = varianceRate(p.curves[a] as VarianceCurve, t);
      const rb = varianceRate(p.curves[b] as VarianceCurve, t);
      // d/dt sqrt(I_a I_b) = (I_a' I_b + I_a I_b') / (2 sqrt(I_a I_b)); for a = b it is I_a'.
      const d = a === b ? ra : ia > 0 && ib > 0 ? (ra * ib + ia * rb) / (2 * Math.sqrt(ia * ib)) : 0;
      r += (grad[a] ?? 0) * (p.correlation[a * n + b] ?? 0) * (grad[b] ?? 0) * d;
    }
  }
  return r;
}

/**
 * sigma_B at a horizon (per sqrt second, from the variance the horizon sees on average) and the
 * fall-fastest direction: the log-mark move per unit k (sqrt seconds), per symbol (index as `symbols`).
 */
function adverse(p: Prepared, grad: Float64Array, horizonSec: number): { readonly sigmaB: number; readonly delta: Float64Array } {
  const n = p.symbols.length;
  const perSec = new Float64Array(n);
  for (let a = 0; a < n; a += 1) perSec[a] = Math.sqrt(integratedVariance(p.curves[a] as VarianceCurve, horizonSec) / horizonSec);
  const sigmaG = new Float64Array(n);
  const { correlation } = p;
  let variance = 0;
  for (let a = 0; a < n; a += 1) {
    // The same products in the same order as (R_ab s_a) s_b g_b, read once per row: every index is in range.
    const sa = perSec[a] as number;
    const at = a * n;
    let row = 0;
    for (let b = 0; b < n; b += 1) row += (correlation[at + b] as number) * sa * (perSec[b] as number) * (grad[b] as number);
    sigmaG[a] = row;
    variance += (grad[a] as number) * row;
  }
  const sigmaB = Math.sqrt(Math.max(0, variance));
  const delta = new Float64Array(n);
  for (let a = 0; a < n; a += 1) delta[a] = sigmaB > 0 ? -(sigmaG[a] ?? 0) / sigmaB : 0;
  return { sigmaB, delta };
}

/** The group's marks moved by k along delta, written into `into`. */
function movedMarks(group: RiskGroup, delta: Float64Array, k: number, into: Float64Array): Float64Array {
  const marks = group.markVector;
  for (let a = 0; a < into.length; a += 1) into[a] = (marks[a] as number) * Math.exp(k * (delta[a] as number));
  return into;
}

function bufferAtVector(group: RiskGroup, level: number, marks: Float64Array): number {
  const { equity, requirement } = group.partsAtVector(marks);
  return equity - requirement / level;
}

/** The largest |delta_a|: how fast the fastest mark moves per unit k. */
function speedOf(delta: Float64Array): number {
  let speed = 0;
  for (let a = 0; a < delta.length; a += 1) speed = Math.max(speed, Math.abs(delta[a] as number));
  return speed;
}

/** A log move this large (a factor e^40) is "never" for any horizon we show. */
const MAX_LOG_MOVE = 40;

/** B_L at the marks moved by k along delta (`scratch` holds the moved marks). */
const bufferAlong = (group: RiskGroup, level: number, delta: Float64Array, k: number, scratch: Float64Array): number =>
  bufferAtVector(group, level, movedMarks(group, delta, k, scratch));

/**
 * The smallest k > 0 with B_L = 0 along delta (to 1e-6 relative), or Infinity. B_L(0) must be > 0.
 * Doubling brackets the root; the Illinois variant of regula falsi closes in on it (B_L is smooth between
 * bracket changes, so this takes a handful of steps where bisection takes twenty).
 *
 * `stop`, when given, is shown the bracket [lo, hi] the root is known to lie in (hi Infinity while
 * doubling) before every step, and ends the search (NaN) when it says that is enough: the root it
 * would have returned lies in every bracket it shows, as each step keeps one end and moves the other
 * inwards. Without `stop`, or when it never says so, the steps are the same and so is the root.
 */
function distanceAlong(group: RiskGroup, level: number, delta: Float64Array, guess: number, fGuess: number, scratch: Float64Array, stop: BracketStop | null): number {
  const speed = speedOf(delta);
  if (!(speed > 0)) return Number.POSITIVE_INFINITY;
  let lo = 0;
  let fLo = bufferAlong(group, level, delta, 0, scratch);
  let hi = guess;
  let fHi = fGuess;
  while (fHi > 0) {
    lo = hi;
    fLo = fHi;
    hi *= 2;
    if (stop !== null && stop.settled(lo, Number.POSITIVE_INFINITY)) return Number.NaN;
    if (hi * speed > MAX_LOG_MOVE) return Number.POSITIVE_INFINITY;
    fHi = bufferAlong(group, level, delta, hi, scratch);
  }
  let side = 0;
  for (let i = 0; i < 60 && hi - lo > 1e-6 * hi; i += 1) {
    if (stop !== null && stop.settled(lo, hi)) return Number.NaN;
    const k = fLo === fHi ? (lo + hi) / 2 : (lo * fHi - hi * fLo) / (fHi - fLo);
    const f = bufferAlong(group, level, delta, k, scratch);
    if (f > 0) {
      lo = k;
      fLo = f;
      if (side === 1) fHi /= 2;
      side = 1;
    } else {
      hi = k;
      fHi = f;
      if (side === -1) fLo /= 2;
      side = -1;
    }
  }
  return hi;
}

/** How far clear of the cutoff a bound must be to settle the side (`SideOfCutoff`). */
const SIDE_MARGIN = 1e-9;

/** Shown the search's bracket; true ends the search (see `distanceAlong`). */
interface BracketStop {
  settled(lo: number, hi: number): boolean;
}

/**
 * Whether P(touch within horizonSec) is at least `cutoff`, decided from the bracket: the exact
 * barrier is the linear one at distance (k* / kLinear) x buffer, P falls as the distance grows, so the
 * bracket's low end gives an upper bound on P and its high end a lower bound. `value` is the bound
 * that settled it (on the same side of the cutoff as the exact P).
 *
 * Only a bound clear of the cutoff by SIDE_MARGIN settles: P falls with the distance, but computed it
 * is monotone only to the normal distribution's rounding (1e-13 relative, normal-distribution.ts; the
 * property test found a bracket end 1.2e-13 below the P at the root inside it, where erfc switches
 * from its series to its fraction). Within the margin the search runs to the end.
 */
class SideOfCutoff implements BracketStop {
  value = Number.NaN;

  constructor(
    private readonly linear: BufferBarrier,
    private readonly kLinear: number,
    private readonly horizonsSec: readonly number[],
    private readonly horizonSec: number,
    private readonly cutoff: number,
  ) {}

  private probabilityAt(k: number): number {
    return tierProbability(this.linear.at((k / this.kLinear) * this.linear.distance), this.horizonsSec, this.horizonSec);
  }

  settled(lo: number, hi: number): boolean {
    if (lo > 0) {
      const upper = this.probabilityAt(lo);
      if (upper < this.cutoff - SIDE_MARGIN) {
        this.value = upper;
        return true;
      }
    }
    if (hi < Number.POSITIVE_INFINITY) {
      const lower = this.probabilityAt(hi);
      if (lower >= this.cutoff + SIDE_MARGIN) {
        this.value = lower;
        return true;
      }
    }
    return false;
  }
}

/** Beyond this many sd at the longest horizon a tier is only shown, not acted on: the linear distance serves. */
const FAR_SD = 8;

/**
 * One tier's outlook for a risk group. `known`, for a group with one symbol, is that symbol's
 * position outlook (position-projection.ts, from the engine's tier price): the search would find the
 * same distance, so its horizons and median are taken as they are.
 */
export function bufferTierOutlook(
  group: RiskGroup,
  level: number,
  curveOf: CurveOf,
  correlations: CorrelationMatrixOf,
  horizonsSec: readonly number[],
  known?: TierOutlook,
): BufferTierOutlook {
  if (known !== undefined && group.symbols.length === 1) {
    // bufferAt at the group's own marks, read from its mark vector (the same marks, the same sums).
    const buffer = bufferAtVector(group, level, group.markVector);
    const reference = adverse(prepare(group, curveOf, correlations), bufferGradientVector(group, level), REFERENCE_HORIZON_SEC);
    return { level, medianTimeSec: known.medianTimeSec, horizons: known.horizons, bufferUsdt: buffer, sigmaUsdtPerSqrtSec: reference.sigmaB };
  }
  return outlookOfBufferTier(bufferTierBarrier(group, level, curveOf, correlations, horizonsSec), horizonsSec);
}

/** One tier of a risk group as a first-passage barrier on its buffer, before any horizon is projected. */
export interface BufferTierBarrier {
  readonly level: number;
  readonly barrier: TierBarrier;
  readonly bufferUsdt: number;
  readonly sigmaUsdtPerSqrtSec: number;
}

/** The outlook of a buffer's tier barrier at `horizonsSec` (bufferTierOutlook). */
export function outlookOfBufferTier(b: BufferTierBarrier, horizonsSec: readonly number[]): BufferTierOutlook {
  const o = tierOutlook(b.level, b.barrier, horizonsSec);
  return { level: b.level, medianTimeSec: o.medianTimeSec, horizons: o.horizons, bufferUsdt: b.bufferUsdt, sigmaUsdtPerSqrtSec: b.sigmaUsdtPerSqrtSec };
}

/**
 * See `bufferTierOutlook` (a group of several symbols, or one without its position's outlook): the
 * barrier it projects. `horizonsSec` decides only whether the tier is far enough out to skip the exact
 * distance (P below 1e-15 at the longest of them).
 */
export function bufferTierBarrier(
  group: RiskGroup,
  level: number,
  curveOf: CurveOf,
  correlations: CorrelationMatrixOf,
  horizonsSec: readonly number[],
): BufferTierBarrier {
  return bufferTierBarrierOf(bufferTierStart(group, level, curveOf, correlations, horizonsSec));
}

/**
 * A pool tier before the exact distance is searched: everything the search starts from. `through`,
 * `out-of-reach` and a tier beyond FAR_SD need no search (`settled`).
 */
export type BufferTierStart =
  | { readonly kind: 'settled'; readonly barrier: BufferTierBarrier }
  | {
      readonly kind: 'search';
      readonly group: RiskGroup;
      readonly level: number;
      readonly buffer: number;
      readonly sigma: number;
      readonly linear: BufferBarrier;
      readonly delta: Float64Array;
      readonly kLinear: number;
      readonly fGuess: number;
      readonly scratch: Float64Array;
    };

export function bufferTierStart(group: RiskGroup, level: number, curveOf: CurveOf, correlations: CorrelationMatrixOf, horizonsSec: readonly number[]): BufferTierStart {
  // bufferAt at the group's own marks, read from its mark vector (the same marks, the same sums).
  const buffer = bufferAtVector(group, level, group.markVector);
  const prepared = prepare(group, curveOf, correlations);
  const grad = bufferGradientVector(group, level);
  const reference = adverse(prepared, grad, REFERENCE_HORIZON_SEC);
  const sigma = reference.sigmaB;
  if (!(buffer > 0)) return { kind: 'settled', barrier: { level, barrier: 'through', bufferUsdt: buffer, sigmaUsdtPerSqrtSec: sigma } };
  if (!(sigma > 0)) return { kind: 'settled', barrier: { level, barrier: 'out-of-reach', bufferUsdt: buffer, sigmaUsdtPerSqrtSec: sigma } };
  const linear = bufferBarrier(prepared, grad, buffer);
  // A tier far out (P below 1e-15 at every horizon shown) needs no exact distance: its probabilities
  // are nil either way and only its median time, far in the future, is shown.
  const longest = Math.max(REFERENCE_HORIZON_SEC, ...horizonsSec);
  if (buffer / Math.sqrt(linear.variance(longest)) > FAR_SD) {
    // Still say "never" when even the largest move we consider leaves the buffer positive.
    const speed = speedOf(reference.delta);
    const farthest = speed > 0 ? bufferAtVector(group, level, movedMarks(group, reference.delta, MAX_LOG_MOVE / speed, new Float64Array(reference.delta.length))) : buffer;
    return { kind: 'settled', barrier: { level, barrier: farthest > 0 ? 'out-of-reach' : linear, bufferUsdt: buffer, sigmaUsdtPerSqrtSec: sigma } };
  }
  const kLinear = buffer / reference.sigmaB;
  const scratch = new Float64Array(reference.delta.length);
  const fGuess = bufferAlong(group, level, reference.delta, kLinear, scratch);
  return { kind: 'search', group, level, buffer, sigma, linear, delta: reference.delta, kLinear, fGuess, scratch };
}

/** The barrier of a started tier: the exact distance searched where it was not settled. */
export function bufferTierBarrierOf(start: BufferTierStart): BufferTierBarrier {
  if (start.kind === 'settled') return start.barrier;
  const { group, level, buffer, sigma, linear, delta, kLinear, fGuess, scratch } = start;
  const exact = distanceAlong(group, level, delta, kLinear, fGuess, scratch, null);
  return { level, barrier: Number.isFinite(exact) ? linear.at((exact / kLinear) * buffer) : 'out-of-reach', bufferUsdt: buffer, sigmaUsdtPerSqrtSec: sigma };
}

/**
 * P(touch within horizonSec) of a started tier's barrier, or a bound on it on the same side of
 * `cutoff`: the search stops as soon as its bracket puts P on one side (the alert policy only compares
 * P with a threshold). A tier searched to the end comes back as its barrier, for the caller to keep.
 * buffer-reach.property.test.ts checks the side against the searched P over random pools.
 */
export function bufferTierSide(start: BufferTierStart, horizonsSec: readonly number[], horizonSec: number, cutoff: number): number | BufferTierBarrier {
  if (start.kind === 'settled') return start.barrier;
  const { group, level, buffer, sigma, linear, delta, kLinear, fGuess, scratch } = start;
  const stop = new SideOfCutoff(linear, kLinear, horizonsSec, horizonSec, cutoff);
  const exact = distanceAlong(group, level, delta, kLinear, fGuess, scratch, stop);
  if (Number.isNaN(exact)) return stop.value;
  return { level, barrier: Number.isFinite(exact) ? linear.at((exact / kLinear) * buffer) : 'out-of-reach', bufferUsdt: buffer, sigmaUsdtPerSqrtSec: sigma };
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
  curveOf: CurveOf,
  correlations: CorrelationMatrixOf,
  horizonSec: number,
  maxProbability: number,
): number {
  if (!(maxProbability > 0 && maxProbability < 1 && horizonSec > 0)) return 0;
  const prepared = prepare(group, curveOf, correlations);
  const { sigmaB, delta } = adverse(prepared, bufferGradientVector(group, 1), horizonSec);
  if (!(sigmaB > 0)) return 0;
  const k = normalQuantile(1 - maxProbability / 2) * Math.sqrt(horizonSec);
  const { equity, requirement } = group.partsAtVector(movedMarks(group, delta, k, new Float64Array(delta.length)));
  const shortfall = requirement - equity;
  return shortfall > 0 ? Math.ceil(shortfall * 100 - 1e-9) / 100 : 0;
}
