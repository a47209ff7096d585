/**
 * Per-symbol volatility of the mark price: exponentially weighted variances of log returns, measured
 * per unit of time so that ticks may arrive at any interval (Binance pushes every 1 or 3 s, a replay
 * may have minute bars, a reconnect leaves a gap).
 *
 * Estimator. Keep two sums, both decayed by 2^(-elapsed / halfLife) as time passes:
 *   S = sum of r_i^2          (r_i = ln(p_i / p_{i-1}), the log return over dt_i)
 *   W = sum of dt_i           (the time those returns span)
 * and estimate the variance per millisecond as S / W. For a Brownian log price E[r^2] = sigma^2 dt, so
 * every return is an unbiased sample whatever its dt, and each counts in proportion to the time it
 * covers: a 3 s return does not weigh as much as a 1 h one. Decaying by elapsed time (not by tick
 * count) makes the half-life a duration, the same for a 1 s and a 1 min feed.
 *
 * Two speeds and the horizon. The state keeps the sums at two half-lives: a fast one (1 h) that sees a
 * crash within minutes, and a slow one (1 day) for the level volatility returns to. Variance reverts:
 * a burst after a flash wick does not last a day, and a quiet hour does not either. So the variance a
 * horizon T sees is the average of a variance that starts at the fast estimate and decays towards the
 * slow one with the fast half-life (the GARCH(1,1) term structure, kappa = ln 2 / fastHalfLife):
 *   v(T) = v_slow + (v_fast - v_slow) * (1 - e^{-kappa T}) / (kappa T)
 * 15 min reads almost v_fast; 24 h reads almost v_slow. Under a variance that is a known function of
 * time, the driftless first-passage formula holds with sigma^2 T replaced by the integrated variance
 * v(T) T (a Brownian motion run on a changed clock), which is how projection uses it.
 *
 * Return span. A return is measured only once at least `minReturnMs` has passed since the price it
 * starts from; ticks in between move nothing. Why: the projection's horizons are 15 min to 24 h, so
 * the variance that matters is the one at the minute scale and up. A smooth fall of 12 % in 45 min adds
 * almost nothing to the squares of 1 s returns (a drift's square shrinks with dt^2) but dominates those of
 * 1 min returns; sub-second wiggles of the mark (index rebalancing, rounding) inflate 1 s variance
 * without moving anything a trader can act on. Each return still weighs by its own dt, so a feed that
 * pauses for 5 min and resumes is handled the same way.
 *
 * Prior. Each speed starts with one pseudo-observation, prior variance x priorWeightMs, which decays
 * like any other; a warm start from klines or stored ticks (warmVolatility) soon outweighs it, and
 * without history the estimate starts from a sensible crypto volatility rather than from one return.
 *
 * Floor. Neither speed reads below floorSigmaAnnual: a quiet hour must not make a leveraged position
 * look safe, since quiet hours in crypto are followed by loud ones.
 *
 * Pure: `updateVolatility(state, price, tMs, options)` returns a new state and never mutates.
 */

export interface VolatilityOptions {
  /** Fast estimate: time for an observation's weight to halve, ms. Also the mean-reversion half-life. */
  readonly halfLifeMs: number;
  /** Slow estimate's half-life, ms: the level the fast one reverts to over long horizons. */
  readonly slowHalfLifeMs: number;
  /** Shortest span a return is measured over, ms (ticks closer than this to the return's start wait). */
  readonly minReturnMs: number;
  /** Lowest annualised sigma reported (year = 365 days), e.g. 0.25 = 25 %/year. */
  readonly floorSigmaAnnual: number;
  /** Sigma the estimate starts from before any data, annualised. */
  readonly priorSigmaAnnual: number;
  /** Weight of that prior, in ms of observed time. */
  readonly priorWeightMs: number;
}

const HOUR_MS = 3_600_000;
export const MS_PER_YEAR = 365 * 24 * HOUR_MS;

/** Fast half-life of the order of the predictive horizon (1 h): a crash shows within minutes. */
export const DEFAULT_VOLATILITY_OPTIONS: VolatilityOptions = {
  halfLifeMs: HOUR_MS,
  slowHalfLifeMs: 24 * HOUR_MS,
  minReturnMs: 60_000,
  floorSigmaAnnual: 0.25,
  priorSigmaAnnual: 0.6,
  priorWeightMs: HOUR_MS,
};

/** Decayed sums at one half-life (as of the anchor time). */
export interface VarianceSums {
  /** Sum of squared log returns. */
  readonly sumSquares: number;
  /** Sum of the time those returns span, ms. */
  readonly sumMs: number;
}

export interface VolatilityState {
  /** The price the next return is measured from, and its time. */
  readonly anchorPrice: number | null;
  readonly anchorT: number | null;
  readonly fast: VarianceSums;
  readonly slow: VarianceSums;
}

/** Variance per ms of an annualised sigma. */
export const variancePerMs = (sigmaAnnual: number): number => (sigmaAnnual * sigmaAnnual) / MS_PER_YEAR;

/** The state before any price: just the prior, at both speeds. */
export function emptyVolatility(options: VolatilityOptions): VolatilityState {
  const prior: VarianceSums = { sumSquares: variancePerMs(options.priorSigmaAnnual) * options.priorWeightMs, sumMs: options.priorWeightMs };
  return { anchorPrice: null, anchorT: null, fast: prior, slow: prior };
}

const decayed = (sums: VarianceSums, r2: number, dt: number, halfLifeMs: number): VarianceSums => {
  const decay = 2 ** (-dt / halfLifeMs);
  return { sumSquares: sums.sumSquares * decay + r2, sumMs: sums.sumMs * decay + dt };
};

/**
 * The state after one more price at tMs. A price that is not finite and positive, or a time before
 * the anchor (out of order), leaves the state as it was; so does a tick less than minReturnMs after the
 * anchor (the return it belongs to is measured by the first tick past that span).
 */
export function updateVolatility(
  state: VolatilityState,
  price: number,
  tMs: number,
  options: VolatilityOptions,
): VolatilityState {
  if (!(price > 0 && Number.isFinite(price)) || !Number.isFinite(tMs)) return state;
  if (state.anchorPrice === null || state.anchorT === null) return { ...state, anchorPrice: price, anchorT: tMs };
  const dt = tMs - state.anchorT;
  if (dt <= 0 || dt < options.minReturnMs) return state;
  const r = Math.log(price / state.anchorPrice);
  return {
    anchorPrice: price,
    anchorT: tMs,
    fast: decayed(state.fast, r * r, dt, options.halfLifeMs),
    slow: decayed(state.slow, r * r, dt, options.slowHalfLifeMs),
  };
}

/** Folds a price history (oldest first: klines' closes or stored ticks) into a state. */
export function warmVolatility(
  history: ReadonlyArray<{ readonly t: number; readonly price: number }>,
  options: VolatilityOptions,
  from: VolatilityState = emptyVolatility(options),
): VolatilityState {
  let state = from;
  for (const point of history) state = updateVolatility(state, point.price, point.t, options);
  return state;
}

const perMs = (sums: VarianceSums): number => (sums.sumMs > 0 ? sums.sumSquares / sums.sumMs : 0);

/** The fast estimate without the floor, per sqrt ms (for tests and diagnostics). */
export const rawSigmaPerSqrtMs = (state: VolatilityState): number => Math.sqrt(perMs(state.fast));

/**
 * The term structure of one symbol's variance, per second: it starts at `fastPerSec` and reverts to
 * `slowPerSec` at rate `kappaPerSec` (see the header). A flat volatility has fast = slow.
 */
export interface VarianceCurve {
  readonly fastPerSec: number;
  readonly slowPerSec: number;
  readonly kappaPerSec: number;
}

export const flatVariance = (perSec: number): VarianceCurve => ({ fastPerSec: perSec, slowPerSec: perSec, kappaPerSec: 0 });

/** `varianceCurve(state, options).fastPerSec` alone (the same expression), without the curve. */
export const fastVariancePerSec = (state: VolatilityState, options: VolatilityOptions): number =>
  Math.max(perMs(state.fast), variancePerMs(options.floorSigmaAnnual)) * 1000;

/** The curve of a state, each speed floored. */
export function varianceCurve(state: VolatilityState, options: VolatilityOptions): VarianceCurve {
  const floor = variancePerMs(options.floorSigmaAnnual);
  return {
    fastPerSec: Math.max(perMs(state.fast), floor) * 1000,
    slowPerSec: Math.max(perMs(state.slow), floor) * 1000,
    kappaPerSec: Math.LN2 / (options.halfLifeMs / 1000),
  };
}

/**
 * The variance of the log mark accumulated over [0, T] seconds: the integral of the curve,
 *   slow T + (fast - slow) (1 - e^{-kappa T}) / kappa.
 * This is what replaces sigma^2 T in the first-passage formula.
 */
export function integratedVariance(curve: VarianceCurve, horizonSec: number): number {
  const t = Math.max(0, horizonSec);
  const x = curve.kappaPerSec * t;
  const transient = x < 1e-9 ? t : -Math.expm1(-x) / curve.kappaPerSec;
  return curve.slowPerSec * t + (curve.fastPerSec - curve.slowPerSec) * transient;
}

/** d/dT of integratedVariance: the variance rate at time T ahead, fast decaying to slow. */
export const varianceRate = (curve: VarianceCurve, horizonSec: number): number =>
  curve.slowPerSec + (curve.fastPerSec - curve.slowPerSec) * Math.exp(-curve.kappaPerSec * Math.max(0, horizonSec));

/**
 * integratedVariance of every curve at one horizon, into `into` (the same expression, the same
 * numbers). The transient term depends only on kappa, which the monitor's curves share (one
 * half-life option): its exponential is taken once per kappa, not once per symbol, in the searches
 * that ask for a pool's variance some tens of times per tier.
 */
export function integratedVariances(curves: readonly VarianceCurve[], horizonSec: number, into: Float64Array): Float64Array {
  const t = Math.max(0, horizonSec);
  let kappa = Number.NaN;
  let transient = 0;
  for (let a = 0; a < curves.length; a += 1) {
    const curve = curves[a] as VarianceCurve;
    if (curve.kappaPerSec !== kappa) {
      kappa = curve.kappaPerSec;
      const x = kappa * t;
      transient = x < 1e-9 ? t : -Math.expm1(-x) / kappa;
    }
    into[a] = curve.slowPerSec * t + (curve.fastPerSec - curve.slowPerSec) * transient;
  }
  return into;
}

/** varianceRate of every curve at one horizon, into `into`; the exponential once per kappa (see integratedVariances). */
export function varianceRates(curves: readonly VarianceCurve[], horizonSec: number, into: Float64Array): Float64Array {
  let kappa = Number.NaN;
  let decay = 0;
  for (let a = 0; a < curves.length; a += 1) {
    const curve = curves[a] as VarianceCurve;
    if (curve.kappaPerSec !== kappa) {
      kappa = curve.kappaPerSec;
      decay = Math.exp(-kappa * Math.max(0, horizonSec));
    }
    into[a] = curve.slowPerSec + (curve.fastPerSec - curve.slowPerSec) * decay;
  }
  return into;
}

/**
 * The variance per second that a horizon of `horizonSec` sees on average (the term structure above),
 * each speed floored. horizonSec = 0 gives the fast (instantaneous) estimate.
 */
export function varianceOverHorizon(state: VolatilityState, options: VolatilityOptions, horizonSec: number): number {
  const curve = varianceCurve(state, options);
  return horizonSec > 0 ? integratedVariance(curve, horizonSec) / horizonSec : curve.fastPerSec;
}

/** The sigma a horizon sees, per sqrt second; horizonSec = 0 (default) is the fast estimate, floored. */
export const sigmaPerSqrtSec = (state: VolatilityState, options: VolatilityOptions, horizonSec = 0): number =>
  Math.sqrt(varianceOverHorizon(state, options, horizonSec));

/** A sigma per sqrt second annualised (what a trader reads as "60 % vol"). */
export const annualisedSigma = (sigmaPerSqrtSecond: number): number => sigmaPerSqrtSecond * Math.sqrt(MS_PER_YEAR / 1000);
