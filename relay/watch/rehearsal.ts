import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import { markEvent } from '../../shared/engine/positions/venue-events.ts';
import { epochMs, price, ratio } from '../../shared/units/units.ts';
import { silentLog } from '../relay-log.ts';
import { monitorShard, type DeviceLoad, type FeedPrices, type MonitorShard, type ShardOptions, type StepResult } from './monitor-shard.ts';
import { readDeviceAccounts } from './watched-account.ts';

/**
 * A thread's monitors rehearse a crash before a real one needs them. V8 compiles a function for speed
 * only once it has run it often, on the paths it saw: a relay that has only seen a calm market meets
 * its first crash with the crossing, alert, suggestion and push code cold, and compiles it in the
 * burst, on its own cores, at normal priority above the nice monitor threads. Through the flash wick
 * at 300 devices a venue in a fresh thread, the busiest 10 s took 0.54-0.80 of the process's CPU after
 * a rehearsal that it took without (Binance 1.7 s → 1.1 s; rehearsal.bench.ts, docs/relay-load-log.md,
 * Session 18).
 *
 * So the first time a share loads devices of a venue (`rehearsingShard`, which the relay's threads
 * start with), a throwaway shard (the share's options, no log) loads a few of them and is stepped
 * through a crash from their own marks, down past a long's liquidation and up past a short's, then
 * dropped: nothing is saved, pushed or logged, and the share's own monitors are untouched. Its batches
 * are structured-cloned, as a worker thread receives the feed's, so that the objects the code learns
 * are of the real ones' kinds.
 */

/** Enough monitors for the code to be compiled; 0.2-0.55 s of CPU a venue at a thread's first load (cold code). */
export const REHEARSAL_DEVICES = 8;
/** The venues that carry a funding rate and its next time in their mark frames (OKX sends them apart). */
const FUNDING_IN_MARKS: ReadonlySet<VenueId> = new Set<VenueId>(['binance', 'bybit', 'hyperliquid']);
const STEP_MS = 1_000;

/**
 * The rehearsal's marks as multiples of each symbol's own: calm, down to half in 2 % steps, up to one
 * and a half, back, calm. Every long and short of ordinary leverage crosses its tiers on the way.
 */
export function rehearsalPath(): number[] {
  const path: number[] = [];
  for (let i = 0; i <= 20; i += 1) path.push(1 + (i % 2) * 0.0005);
  for (let m = 1; m > 0.5 + 1e-9; ) path.push((m -= 0.02));
  for (let m = 0.5; m < 1.5 - 1e-9; ) path.push((m += 0.02));
  for (let m = 1.5; m > 1 + 1e-9; ) path.push((m -= 0.02));
  for (let i = 0; i <= 20; i += 1) path.push(1 + (i % 2) * 0.0005);
  return path;
}

/**
 * The first REHEARSAL_DEVICES loads with an account on `venue`, and each symbol of theirs with the mark
 * its first position was reported at (its entry price when the snapshot has no mark).
 */
function castOf(loads: readonly DeviceLoad[], venue: VenueId): { devices: DeviceLoad[]; marks: Map<string, number> } {
  const devices: DeviceLoad[] = [];
  const marks = new Map<string, number>();
  for (const load of loads) {
    if (devices.length >= REHEARSAL_DEVICES) break;
    if (load.body === null) continue;
    const read = readDeviceAccounts(load.body);
    if ('error' in read || !read.accounts.some((a) => a.venue === venue)) continue;
    devices.push({ deviceId: load.deviceId, body: load.body, monitors: null });
    for (const account of read.accounts) {
      if (account.venue !== venue) continue;
      for (const p of account.base.positions.values()) {
        const mark = p.markPrice ?? p.entryPrice;
        if (!marks.has(p.symbol) && mark > 0) marks.set(p.symbol, mark);
      }
    }
  }
  return { devices, marks };
}

/** What a rehearsal made: its devices, the monitor steps, and the pushes they asked for (none sent). */
export interface Rehearsal {
  readonly devices: number;
  readonly steps: number;
  readonly pushes: number;
}

/**
 * Steps a throwaway shard holding up to REHEARSAL_DEVICES of `loads` (those with an account on `venue`)
 * through the rehearsal's crash, its venue time starting at `nowMs`. Nothing to rehearse with (no such
 * device, no mark): zeros.
 */
export function rehearse(options: ShardOptions, loads: readonly DeviceLoad[], venue: VenueId, nowMs: number): Rehearsal {
  const { devices, marks } = castOf(loads, venue);
  if (marks.size === 0) return { devices: 0, steps: 0, pushes: 0 };
  const shard = monitorShard({ ...options, log: silentLog });
  shard.load(devices, nowMs);
  const funding = FUNDING_IN_MARKS.has(venue);
  let steps = 0;
  let pushes = 0;
  const count = (part: StepResult): void => {
    steps += part.stepped;
    for (const save of part.saves) pushes += save.pushes.length;
  };
  rehearsalPath().forEach((k, i) => {
    const time = epochMs(nowMs + i * STEP_MS);
    const events: FeedEvent[] = [...marks].map(([symbol, mark]) => ({
      kind: 'venue',
      event: funding ? markEvent(symbol, price(mark * k), time, 'mark', ratio(0.0001), epochMs(Math.floor(time / 3_600_000 + 1) * 3_600_000)) : markEvent(symbol, price(mark * k), time, 'mark'),
    }));
    const prices: FeedPrices = { marks: [...marks].map(([symbol, mark]) => [symbol, { price: price(mark * k), time }] as const), mids: [], funding: [] };
    // Cloned as a worker receives them (postMessage); parts asked for, as the watcher asks.
    count(shard.step(venue, structuredClone(events), structuredClone(prices), time, time, count));
  });
  return { devices: devices.length, steps, pushes };
}

/** `monitorShard(options)` whose first load of each venue's devices rehearses a crash with them first (logged). */
export function rehearsingShard(options: ShardOptions): MonitorShard {
  const shard = monitorShard(options);
  const rehearsed = new Set<VenueId>();
  return {
    load(loads, nowMs) {
      const results = shard.load(loads, nowMs);
      for (const venue of new Set(results.flatMap((r) => r.accounts.map((a) => a.venue)))) {
        if (rehearsed.has(venue)) continue;
        rehearsed.add(venue);
        const started = performance.now();
        // The load has read every body already: its results (one per load, in order) pick the cast, so
        // that a rare venue behind 10,000 others' devices does not have them all read again (1.4 s).
        const cast = loads.filter((_, i) => results[i]?.accounts.some((a) => a.venue === venue)).slice(0, REHEARSAL_DEVICES);
        const { devices, steps, pushes } = rehearse(options, cast, venue, nowMs);
        options.log.info('rehearsed a crash', { venue, devices, steps, pushes, ms: Math.round(performance.now() - started) });
      }
      return results;
    },
    step: shard.step,
    heldViews: shard.heldViews,
  };
}
