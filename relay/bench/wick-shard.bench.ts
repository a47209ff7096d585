import type { VenueId } from '../../shared/engine/positions/account.ts';
import { WICK_COLD_FROM_MS, wickBatches, wickDeviceLoads } from '../../tools/test-support/wick-devices.ts';
import { silentLog } from '../relay-log.ts';
import { monitorShard, type ShardOptions, type StepResult } from '../watch/monitor-shard.ts';
import { rehearsingShard } from '../watch/rehearsal.ts';

/**
 * wick-steps.bench.ts's measured part, bundled by it as the relay's monitor workers run their code (no
 * tsx `__name`): one venue's monitor shard, N devices, through the wick at the venue's mark rate. The
 * same walk (`wickSteps`) serves forecast-lag.bench.ts and monitor-shard-forecasts.test.ts.
 */
export const WICK_BUCKET_MS = 10_000;

export interface Bucket {
  cpuMs: number;
  steps: number;
  pushes: number;
}

/**
 * One venue's shard (the relay's cadence unless `options` say otherwise), `devices` wick devices loaded
 * at `fromMs` (with `rehearse`, through rehearsal.ts's first load), stepped with each of the wick's
 * batches from then on: each batch's time, result, and the step's own time (not the batch's making), as they come.
 */
export function* wickSteps(
  venue: VenueId,
  devices: number,
  fromMs: number = WICK_COLD_FROM_MS,
  options: Partial<ShardOptions> = {},
  rehearse = false,
): Generator<{ atMs: number; result: StepResult; stepMs: number }> {
  const shard = (rehearse ? rehearsingShard : monitorShard)({ log: silentLog, staleAfterMs: 900_000, saveEveryMs: 60_000, calmEveryMs: 5_000, ...options });
  shard.load(wickDeviceLoads(venue, devices), fromMs);
  for (const { atMs, events, prices } of wickBatches(venue, fromMs)) {
    const started = performance.now();
    const result = shard.step(venue, events, prices, atMs, atMs);
    yield { atMs, result, stepMs: performance.now() - started };
  }
}

/** One venue's shard through the wick: CPU, steps and pushes per 10 s of market time. */
export function throughTheWick(venue: VenueId, devices: number): Bucket[] {
  const buckets: Bucket[] = [];
  for (const { atMs, result, stepMs } of wickSteps(venue, devices)) {
    const bucket = (buckets[Math.floor((atMs - WICK_COLD_FROM_MS) / WICK_BUCKET_MS)] ??= { cpuMs: 0, steps: 0, pushes: 0 });
    bucket.cpuMs += stepMs;
    bucket.steps += result.stepped;
    for (const save of result.saves) bucket.pushes += save.pushes.length;
  }
  return buckets;
}
