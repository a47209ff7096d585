import type { VenueId } from '../../shared/engine/positions/account.ts';
import { WICK_COLD_FROM_MS, wickBatches, wickDeviceLoads } from '../../tools/test-support/wick-devices.ts';
import { silentLog } from '../relay-log.ts';
import { monitorShard } from '../watch/monitor-shard.ts';

/**
 * wick-steps.bench.ts's measured part, bundled by it as the relay's monitor workers run their code (no
 * tsx `__name`): one venue's monitor shard, N devices, through the wick at the venue's mark rate.
 */
export const WICK_BUCKET_MS = 10_000;

export interface Bucket {
  cpuMs: number;
  steps: number;
  pushes: number;
}

/** One venue's shard through the wick: CPU, steps and pushes per 10 s of market time. */
export function throughTheWick(venue: VenueId, devices: number): Bucket[] {
  const shard = monitorShard({ log: silentLog, staleAfterMs: 900_000, saveEveryMs: 60_000, calmEveryMs: 5_000 });
  shard.load(wickDeviceLoads(venue, devices), WICK_COLD_FROM_MS);
  const buckets: Bucket[] = [];
  for (const { atMs, events, prices } of wickBatches(venue, WICK_COLD_FROM_MS)) {
    const i = Math.floor((atMs - WICK_COLD_FROM_MS) / WICK_BUCKET_MS);
    const bucket = (buckets[i] ??= { cpuMs: 0, steps: 0, pushes: 0 });
    const started = performance.now();
    const result = shard.step(venue, events, prices, atMs, atMs);
    bucket.cpuMs += performance.now() - started;
    bucket.steps += result.stepped;
    for (const save of result.saves) bucket.pushes += save.pushes.length;
  }
  return buckets;
}
