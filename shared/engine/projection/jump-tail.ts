/**
 * The jumps a symbol's mark history shows: how often, per unit of time, a one-minute return was both
 * far outside the diffusion of its moment (more than `thresholdSd` of the fast volatility) and at least
 * a given size, per direction. The diffusion (volatility.ts) already prices ordinary returns; what it
 * misses is a fat tail, a -3 % minute in a market whose minutes move 0.1 %. The projection mixes these
 * jumps into the first-passage odds as a Poisson clock (shaped-passage.ts): a jump at least as large as
 * the distance to a tier crosses it on its own.
 *
 * Estimator. One-minute returns (at least `minReturnMs`, as for the volatility) are sorted into size
 * edges (0.5 % to 20 %); each edge keeps an exponentially decayed count of jumps of at least that size,
 * per direction, and the decayed time observed beside them. The rate of jumps of at least d is that
 * count over that time, interpolated log-linearly between edges, fading to 0 past the largest jump seen. No
 * prior: no jump in the history, no jump term (the diffusion alone, as before).
 *
 * Pure; plain data (a snapshot saves it as it is).
 */

export interface JumpTailOptions {
  /** Time for a jump's weight to halve, ms: days, since a jump is rare and its memory should outlast a day. */
  readonly halfLifeMs: number;
  /** A return counts as a jump beyond this many standard deviations of the fast volatility over its span. */
  readonly thresholdSd: number;
  /** Shortest span a return is measured over, ms. */
  readonly minReturnMs: number;
}

const DAY_MS = 86_400_000;

export const DEFAULT_JUMP_TAIL_OPTIONS: JumpTailOptions = { halfLifeMs: 3 * DAY_MS, thresholdSd: 4, minReturnMs: 60_000 };

/** Jump sizes the counts are kept at, as absolute log returns. */
export const JUMP_EDGES: readonly number[] = [0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.065, 0.08, 0.1, 0.12, 0.15, 0.2];

export interface JumpTailState {
  readonly anchorPrice: number | null;
  readonly anchorT: number | null;
  /** Decayed time observed, ms. */
  readonly sumMs: number;
  /** Decayed counts of upward (downward) jumps of at least JUMP_EDGES[i]. */
  readonly up: readonly number[];
  readonly down: readonly number[];
}

export const emptyJumpTail = (): JumpTailState => ({
  anchorPrice: null,
  anchorT: null,
  sumMs: 0,
  up: JUMP_EDGES.map(() => 0),
  down: JUMP_EDGES.map(() => 0),
});

/**
 * The state after one more price. `variancePerMs` is the fast variance before this price (the jump is
 * judged against the market it broke). Bad prices and times, and ticks within minReturnMs of the anchor,
 * change nothing.
 */
export function updateJumpTail(state: JumpTailState, price: number, tMs: number, variancePerMs: number, options: JumpTailOptions): JumpTailState {
  if (!(price > 0 && Number.isFinite(price)) || !Number.isFinite(tMs)) return state;
  if (state.anchorPrice === null || state.anchorT === null) return { ...state, anchorPrice: price, anchorT: tMs };
  const dt = tMs - state.anchorT;
  if (dt <= 0 || dt < options.minReturnMs) return state;
  const r = Math.log(price / state.anchorPrice);
  const decay = 2 ** (-dt / options.halfLifeMs);
  const isJump = Number.isFinite(variancePerMs) && Math.abs(r) > options.thresholdSd * Math.sqrt(Math.max(0, variancePerMs) * dt);
  const count = (counts: readonly number[], side: boolean): number[] =>
    counts.map((c, i) => c * decay + (isJump && side && Math.abs(r) >= (JUMP_EDGES[i] ?? Infinity) ? 1 : 0));
  return { anchorPrice: price, anchorT: tMs, sumMs: state.sumMs * decay + dt, up: count(state.up, r > 0), down: count(state.down, r < 0) };
}

/** Jumps per second in bucket i. */
const rateAt = (counts: readonly number[], sumMs: number, i: number): number => ((counts[i] ?? 0) / sumMs) * 1000;

/**
 * Jumps per second that alone move the log price by at least |logDistance| in its direction (negative:
 * a fall). 0 without observed time or beyond the largest edge that saw a jump.
 */
export function jumpRatePerSec(state: JumpTailState, logDistance: number): number {
  if (!(state.sumMs > 0) || !Number.isFinite(logDistance) || logDistance === 0) return 0;
  const counts = logDistance < 0 ? state.down : state.up;
  const d = Math.abs(logDistance);
  const first = JUMP_EDGES[0] ?? 0;
  if (d <= first) return rateAt(counts, state.sumMs, 0);
  for (let i = 1; i < JUMP_EDGES.length; i += 1) {
    const lo = JUMP_EDGES[i - 1] ?? 0;
    const hi = JUMP_EDGES[i] ?? 0;
    if (d > hi) continue;
    const a = rateAt(counts, state.sumMs, i - 1);
    const b = rateAt(counts, state.sumMs, i);
    const w = Math.log(d / lo) / Math.log(hi / lo);
    if (!(a > 0)) return 0;
    // Log-linear in size between edges (tails fall off geometrically); past the largest jump seen, the
    // rate fades linearly to 0 at the next edge, since a jump's size between edges is not kept.
    // Clamped to [b, a]: rounding must not make a larger jump look likelier than a smaller one.
    return b > 0 ? Math.min(a, Math.max(b, Math.exp((1 - w) * Math.log(a) + w * Math.log(b)))) : a * (1 - w);
  }
  return 0;
}
