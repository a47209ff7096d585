import type { BenchFrame } from './live-path-frames.ts';

/**
 * Seconds of frames cut into the venue's mark intervals, as live-path-run.ts's coalesced path cuts each
 * second while it times it (that loop stays inline there: it is inside the timed path). For the relay
 * step benches, which cut once before timing.
 */
export function markIntervalBatches(seconds: readonly (readonly BenchFrame[])[], windowMs: number): BenchFrame[][] {
  const out: BenchFrame[][] = [];
  for (const second of seconds) {
    let from = 0;
    while (from < second.length) {
      const end = Math.floor((second[from]?.at ?? 0) / windowMs) * windowMs + windowMs;
      let to = from;
      while (to < second.length && (second[to]?.at ?? 0) < end) to += 1;
      out.push(second.slice(from, to));
      from = to;
    }
  }
  return out;
}
