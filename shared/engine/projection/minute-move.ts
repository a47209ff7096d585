/**
 * The symbol's recent worst one-minute move, kept from the marks the monitor sees: the buffer of the
 * protective stop (margin/protective-stop.ts) must be wider than it, so that a fill that gaps by the
 * worst minute seen past the trigger still lands before the liquidation price.
 *
 * A move is |ln(p1 / p0)| over a span of one to two minutes (ticks closer than a minute to the anchor
 * wait, as the volatility's returns do; a longer gap, a reconnect or a restart, is not a one-minute
 * move and only re-anchors). The worst of each UTC hour is kept for the last 24 hours, so "recent" is a
 * day and the state stays at 24 numbers per symbol: plain data, saved with the monitor.
 */

export interface MinuteMoveState {
  /** The price the next move is measured from, and its time (ms). */
  readonly anchorPrice: number | null;
  readonly anchorMs: number | null;
  /** `[hour start ms, worst move in that hour]`, oldest first, at most 24. */
  readonly hours: ReadonlyArray<readonly [number, number]>;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const KEEP_HOURS = 24;

export const EMPTY_MINUTE_MOVE: MinuteMoveState = { anchorPrice: null, anchorMs: null, hours: [] };

/** The state after a mark `price` at `tMs` (a bad price or a time going back changes nothing). */
export function updateMinuteMove(state: MinuteMoveState, price: number, tMs: number): MinuteMoveState {
  if (!(price > 0) || !Number.isFinite(price) || !Number.isFinite(tMs)) return state;
  const { anchorPrice, anchorMs } = state;
  if (anchorPrice === null || anchorMs === null || tMs < anchorMs) return { ...state, anchorPrice: price, anchorMs: tMs };
  const span = tMs - anchorMs;
  if (span < MINUTE_MS) return state;
  if (span > 2 * MINUTE_MS) return { ...state, anchorPrice: price, anchorMs: tMs };
  const move = Math.abs(Math.log(price / anchorPrice));
  const hour = Math.floor(tMs / HOUR_MS) * HOUR_MS;
  const kept = state.hours.filter(([h]) => h > hour - KEEP_HOURS * HOUR_MS);
  const last = kept[kept.length - 1];
  const hours = last !== undefined && last[0] === hour ? [...kept.slice(0, -1), [hour, Math.max(last[1], move)] as const] : [...kept, [hour, move] as const];
  return { anchorPrice: price, anchorMs: tMs, hours };
}

/** The worst one-minute move of the last 24 hours before `nowMs`; null when none was measured. */
export function worstMinuteMove(state: MinuteMoveState | undefined, nowMs: number): number | null {
  if (state === undefined) return null;
  let worst: number | null = null;
  for (const [hour, move] of state.hours) if (hour > nowMs - KEEP_HOURS * HOUR_MS) worst = Math.max(worst ?? 0, move);
  return worst;
}
