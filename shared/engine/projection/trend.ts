/**
 * A trend term: the drift of a symbol's log mark, used only where the data support one.
 *
 * Estimator. Exponentially weighted sums (half-life `halfLifeMs`) of one-minute log returns and of the
 * time they span; the drift is their ratio, per ms. Its t-statistic is sum / sqrt(variance x time), with
 * the fast variance of volatility.ts; with decaying weights that overstates the standard error a little
 * (a weight's square is below the weight), so the test errs towards "no trend".
 *
 * When the data support one. A random walk shows |t| >= 2 about one time in twenty, so below `minT` the
 * drift is 0; above it the estimate is shrunk by (1 - (minT / t)^2) (the positive-part James-Stein
 * factor), so a drift just past the bar counts for little and a steady fall for almost all of itself.
 * Only a drift towards a tier is used by the projection (market-shape.ts): a trend in the trader's
 * favour never makes a position look safer than the driftless walk says.
 *
 * Pure; plain data.
 */

export interface TrendOptions {
  readonly halfLifeMs: number;
  /** The smallest |t| at which a drift is used at all. */
  readonly minT: number;
  readonly minReturnMs: number;
}

export const DEFAULT_TREND_OPTIONS: TrendOptions = { halfLifeMs: 2 * 3_600_000, minT: 2, minReturnMs: 60_000 };

export interface TrendState {
  readonly anchorPrice: number | null;
  readonly anchorT: number | null;
  /** Decayed sum of log returns. */
  readonly sumReturns: number;
  /** Decayed time those returns span, ms. */
  readonly sumMs: number;
}

export const emptyTrend = (): TrendState => ({ anchorPrice: null, anchorT: null, sumReturns: 0, sumMs: 0 });

export function updateTrend(state: TrendState, price: number, tMs: number, options: TrendOptions): TrendState {
  if (!(price > 0 && Number.isFinite(price)) || !Number.isFinite(tMs)) return state;
  if (state.anchorPrice === null || state.anchorT === null) return { ...state, anchorPrice: price, anchorT: tMs };
  const dt = tMs - state.anchorT;
  if (dt <= 0 || dt < options.minReturnMs) return state;
  const decay = 2 ** (-dt / options.halfLifeMs);
  return { anchorPrice: price, anchorT: tMs, sumReturns: state.sumReturns * decay + Math.log(price / state.anchorPrice), sumMs: state.sumMs * decay + dt };
}

/** The t-statistic of the drift against a driftless walk of this variance per ms; 0 without data. */
export function trendT(state: TrendState, variancePerMs: number): number {
  if (!(state.sumMs > 0) || !(variancePerMs > 0)) return 0;
  const t = state.sumReturns / Math.sqrt(variancePerMs * state.sumMs);
  return Number.isFinite(t) ? t : 0;
}

/** The drift the projection uses, log per second (signed; negative = falling): 0 unless |t| >= minT, shrunk above. */
export function trendDriftPerSec(state: TrendState, variancePerMs: number, options: TrendOptions): number {
  const t = trendT(state, variancePerMs);
  if (!(Math.abs(t) >= options.minT)) return 0;
  const drift = (state.sumReturns / state.sumMs) * 1000 * (1 - (options.minT / t) ** 2);
  return Number.isFinite(drift) ? drift : 0;
}
