import type { VenueTiming } from '../../shared/ports/venue-adapter.ts';

/**
 * Chrome keeps an extension worker alive while its websockets exchange a message within every 30 s
 * (Chrome 116+); the Chrome guide pings every 20 s. Each venue's own app-level ping is kept (its frame and
 * mode), only its interval is capped at 20 s, so even a quiet private socket keeps the worker up
 * (Hyperliquid's idle ping is 30 s, at the edge of the window). Binance has no app-level ping: its 1 s mark
 * stream carries the worker while a position is open.
 */
export const WORKER_KEEPALIVE_MS = 20_000;

export function workerTiming(timing: VenueTiming): Partial<VenueTiming> {
  const hb = timing.heartbeat;
  if (hb === null || hb.intervalMs <= WORKER_KEEPALIVE_MS) return {};
  return { heartbeat: { frame: hb.frame, mode: hb.mode, intervalMs: WORKER_KEEPALIVE_MS } };
}
