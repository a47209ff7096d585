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
 * Return span. A return is measured only once at least `minReturnMs` has passed since the price it
 * starts from; ticks in between move nothing. Why: the projection's horizons are 15 min to 24 h, so
 * the variance that matters is the one at the minute scale and up. A smooth fall of 12 % in 45 min adds
 * almost nothing to the squares of 1 s returns (a drift's square shrinks with dt^2) but dominates those of
 * 1 min returns; sub-second wiggles of the mark (index rebalancing, rounding) inflate 1 s variance
 * without moving anything a trader can act on. Each return still weighs by its own dt, so a feed that
 * pauses for 5 min and resumes is handled the same way.
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

/** Half-life of the order of the predictive horizon (1 h): a crash shows within minutes, not hours. */
export const DEFAULT_VOLATILITY_OPTIONS: VolatilityOptions = {
  halfLifeMs: HOUR_MS,
  minReturnMs: 60_000,
  floorSigmaAnnual: 0.25,
  priorSigmaAnnual: 0.6,
  priorWeightMs: HOUR_MS,
};

export interface VolatilityState {
  /** The price the next return is measured from, and its time. */
  readonly anchorPrice: number | null;
  readonly anchorT: number | null;
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
    anchorPrice: null,
    anchorT: null,
    sumSquares: variancePerMs(options.priorSigmaAnnual) * options.priorWeightMs,
    sumMs: options.priorWeightMs,
  };
}

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
  const decay = 2 ** (-dt / options.halfLifeMs);
  return {
    anchorPrice: price,
    anchorT: tMs,
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
