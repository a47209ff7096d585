/**
 * Per-symbol volatility of the mark price: an exponentially weighted variance of log returns, measured
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
 * Prior. The state starts with one pseudo-observation, prior variance x priorWeightMs, which decays like
 * any other; a warm start from klines or stored ticks (warmVolatility) soon outweighs it, and without
 * history the estimate starts from a sensible crypto volatility rather than from one noisy return.
 *
 * Floor. sigma never reads below floorSigmaAnnual: a quiet hour must not make a leveraged position look
 * safe, since quiet hours in crypto are followed by loud ones.
 *
 * Pure: `updateVolatility(state, price, tMs)` returns a new state and never mutates.
 */

export interface VolatilityOptions {
  /** Time for an observation's weight to halve, ms. */
  readonly halfLifeMs: number;
  /** Lowest annualised sigma reported (year = 365 days), e.g. 0.25 = 25 %/year. */
  readonly floorSigmaAnnual: number;
  /** Sigma the estimate starts from before any data, annualised. */
  readonly priorSigmaAnnual: number;
  /** Weight of that prior, in ms of observed time. */
  readonly priorWeightMs: number;
}

const HOUR_MS = 3_600_000;
export const MS_PER_YEAR = 365 * 24 * HOUR_MS;

export const DEFAULT_VOLATILITY_OPTIONS: VolatilityOptions = {
  halfLifeMs: 2 * HOUR_MS,
  floorSigmaAnnual: 0.25,
  priorSigmaAnnual: 0.6,
  priorWeightMs: HOUR_MS,
};

export interface VolatilityState {
  /** The last price seen and its time; returns are measured from it. */
  readonly lastPrice: number | null;
  readonly lastT: number | null;
  /** Decayed sum of squared log returns (as of lastT). */
  readonly sumSquares: number;
  /** Decayed sum of the time those returns span, ms (as of lastT). */
  readonly sumMs: number;
}

/** Variance per ms of an annualised sigma. */
export const variancePerMs = (sigmaAnnual: number): number => (sigmaAnnual * sigmaAnnual) / MS_PER_YEAR;

/** The state before any price: just the prior. */
export function emptyVolatility(options: VolatilityOptions): VolatilityState {
  return {
    lastPrice: null,
    lastT: null,
    sumSquares: variancePerMs(options.priorSigmaAnnual) * options.priorWeightMs,
    sumMs: options.priorWeightMs,
  };
}

/**
 * The state after one more price at tMs. A price that is not finite and positive, or a time before
 * the last one (out of order), leaves the state as it was. A second price at the same millisecond
 * replaces the first (no return can be measured over zero time).
 */
export function updateVolatility(
  state: VolatilityState,
  price: number,
  tMs: number,
  options: VolatilityOptions,
): VolatilityState {
  if (!(price > 0 && Number.isFinite(price)) || !Number.isFinite(tMs)) return state;
  if (state.lastPrice === null || state.lastT === null) return { ...state, lastPrice: price, lastT: tMs };
  const dt = tMs - state.lastT;
  if (dt < 0) return state;
  if (dt === 0) return { ...state, lastPrice: price };
  const r = Math.log(price / state.lastPrice);
  const decay = 2 ** (-dt / options.halfLifeMs);
  return {
    lastPrice: price,
    lastT: tMs,
    sumSquares: state.sumSquares * decay + r * r,
    sumMs: state.sumMs * decay + dt,
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

/** The estimate without the floor, per sqrt ms (for tests and diagnostics). */
export const rawSigmaPerSqrtMs = (state: VolatilityState): number =>
  state.sumMs > 0 ? Math.sqrt(state.sumSquares / state.sumMs) : 0;

/** The sigma the projection uses: the estimate, floored, per sqrt second. */
export function sigmaPerSqrtSec(state: VolatilityState, options: VolatilityOptions): number {
  const floor = Math.sqrt(variancePerMs(options.floorSigmaAnnual));
  return Math.max(rawSigmaPerSqrtMs(state), floor) * Math.sqrt(1000);
}

/** The same sigma annualised (what a trader reads as "60 % vol"). */
export const annualisedSigma = (sigmaPerSqrtSecond: number): number => sigmaPerSqrtSecond * Math.sqrt(MS_PER_YEAR / 1000);
