import { DEFAULT_JUMP_TAIL_OPTIONS, emptyJumpTail, jumpRatePerSec, updateJumpTail, type JumpTailOptions, type JumpTailState } from './jump-tail.ts';
import type { PassageShape } from './shaped-passage.ts';
import { DEFAULT_TREND_OPTIONS, emptyTrend, trendDriftPerSec, updateTrend, type TrendOptions, type TrendState } from './trend.ts';

/**
 * What a symbol's mark history says beyond its volatility: the jumps it showed (jump-tail.ts) and the
 * trend it is in, if the data support one (trend.ts). The monitor keeps one `MarketShapeState` per
 * symbol beside its volatility; the projection turns it into a `PassageShape` per tier barrier.
 * Either term can be switched off (null options): then it is absent, and with both off every figure
 * is the driftless diffusion's, bit for bit.
 */

export interface ForecastTerms {
  readonly jumps: JumpTailOptions | null;
  readonly trend: TrendOptions | null;
}

export const DEFAULT_FORECAST_TERMS: ForecastTerms = { jumps: DEFAULT_JUMP_TAIL_OPTIONS, trend: DEFAULT_TREND_OPTIONS };
export const NO_FORECAST_TERMS: ForecastTerms = { jumps: null, trend: null };

export interface MarketShapeState {
  readonly jumps: JumpTailState;
  readonly trend: TrendState;
}

export const emptyMarketShape = (): MarketShapeState => ({ jumps: emptyJumpTail(), trend: emptyTrend() });

/** After one more price; `variancePerMs` is the symbol's fast variance before it. */
export function updateMarketShape(state: MarketShapeState, price: number, tMs: number, variancePerMs: number, terms: ForecastTerms): MarketShapeState {
  const jumps = terms.jumps === null ? state.jumps : updateJumpTail(state.jumps, price, tMs, variancePerMs, terms.jumps);
  const trend = terms.trend === null ? state.trend : updateTrend(state.trend, price, tMs, terms.trend);
  return jumps === state.jumps && trend === state.trend ? state : { jumps, trend };
}

/** One symbol's terms for the projection: a signed drift of the log mark per second, and its jump tail. */
export interface MarketShape {
  readonly driftPerSec: number;
  readonly jumps: JumpTailState | null;
}

export type ShapeOf = (symbol: string) => MarketShape | null;

export function marketShape(state: MarketShapeState | undefined, variancePerMs: number, terms: ForecastTerms): MarketShape | null {
  if (state === undefined || (terms.jumps === null && terms.trend === null)) return null;
  return { driftPerSec: terms.trend === null ? 0 : trendDriftPerSec(state.trend, variancePerMs, terms.trend), jumps: terms.jumps === null ? null : state.jumps };
}

/**
 * The passage shape of a barrier at `logDistance` on this symbol's log mark (negative: the price must
 * fall): only a drift towards the barrier counts; jumps of at least the distance in its direction.
 * null when neither term adds anything.
 */
export function passageShapeOf(shape: MarketShape | null, logDistance: number): PassageShape | null {
  if (shape === null || !Number.isFinite(logDistance) || logDistance === 0) return null;
  const driftPerSec = Math.max(0, Math.sign(logDistance) * shape.driftPerSec);
  const jumpRate = shape.jumps === null ? 0 : jumpRatePerSec(shape.jumps, logDistance);
  return driftPerSec > 0 || jumpRate > 0 ? { driftPerSec, jumpRatePerSec: jumpRate } : null;
}
