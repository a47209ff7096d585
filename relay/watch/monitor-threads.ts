import { Worker } from 'node:worker_threads';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import type { RelayLog } from '../relay-log.ts';
import { monitorWorkerCode } from './monitor-worker-bundle.ts';
import { monitorShard, type DeviceLoad, type FeedPrices, type LoadResult, type ShardOptions, type StepResult } from './monitor-shard.ts';
import { rehearsingShard } from './rehearsal.ts';

/**
 * Where a share of the monitors runs, seen from the watcher: in its own thread (`inThreadShard`) or
 * in a worker thread (`workerShard`), behind the same asynchronous interface. Messages are plain data.
 * A worker handles its requests in order, so a load sent before a step is in place for it.
 */
export interface ShardHandle {
  load(loads: readonly DeviceLoad[], nowMs: number): Promise<LoadResult[]>;
  /**
   * Resolves with the batch's last part; `onPart` is told the parts before it, in order, as the share
   * hands them on (monitor-shard.ts), before the promise resolves.
   */
  step(venue: VenueId, events: readonly FeedEvent[], prices: FeedPrices, nowMs: number, firstEventAtMs: number, onPart?: (part: StepResult) => void): Promise<StepResult>;
  close(): Promise<void>;
}

export type ShardRequest =
  | { readonly kind: 'load'; readonly id: number; readonly loads: readonly DeviceLoad[]; readonly nowMs: number }
  | {
      readonly kind: 'step';
      readonly id: number;
      readonly venue: VenueId;
      readonly events: readonly FeedEvent[];
      readonly prices: FeedPrices;
      readonly nowMs: number;
      readonly firstEventAtMs: number;
      /** Hand the result on in parts (`part` replies before `stepped`). */
      readonly parts: boolean;
    };

export type ShardReply =
  | { readonly kind: 'loaded'; readonly id: number; readonly results: LoadResult[] }
  | { readonly kind: 'part'; readonly id: number; readonly result: StepResult }
  | { readonly kind: 'stepped'; readonly id: number; readonly result: StepResult }
  | { readonly kind: 'failed'; readonly id: number; readonly error: string }
  | { readonly kind: 'log'; readonly level: 'info' | 'error'; readonly message: string; readonly fields: Readonly<Record<string, string | number | boolean | null>> };

/** `rehearse`: the first load of each venue's devices rehearses a crash (rehearsal.ts); the relay's shares do. */
export function inThreadShard(options: ShardOptions, rehearse = false): ShardHandle {
  const shard = rehearse ? rehearsingShard(options) : monitorShard(options);
  return {
    load: async (loads, nowMs) => shard.load(loads, nowMs),
    // Its parts are told during the step, in this thread: their saves wait for the step's end all the same.
    step: async (venue, events, prices, nowMs, firstEventAtMs, onPart) => shard.step(venue, events, prices, nowMs, firstEventAtMs, onPart),
    close: async () => undefined,
  };
}

/**
 * A worker thread running monitor-worker.ts, bundled without tsx's `__name` wrappers
 * (monitor-worker-bundle.ts). A worker that dies takes its share of the devices with it: `onFailed` is
 * told (the relay exits and its supervisor restarts it; the monitors come back from the store).
 */
const YOUNG_GENERATION_MB = 64;
/**
 * The monitor threads run at a lower priority than the main thread (feeds, saves) and the push sender.
 * In a burst the monitors take whatever CPU there is, and when they get less they coalesce more marks
 * and step each monitor less often; a push that waits for a core is simply late. With four busy threads
 * sharing two cores equally, the sender's part of frame -> push p99 was ~4 s at 10,000 devices in the
 * flash market; with the monitors at nice 10, 1.3 s (docs/relay-load-log.md, "Session 9 merged, and the monitor threads at nice 10").
 */
export const MONITOR_NICE = 10;

/** What a monitor worker is started with (plain data). */
export interface MonitorWorkerData {
  readonly shard: Omit<ShardOptions, 'log'>;
  /** The thread's nice value (Linux: per thread), or null to keep the process's. */
  readonly nice: number | null;
  /** Its first load of each venue's devices rehearses a crash (rehearsal.ts). */
  readonly rehearse: boolean;
}

/** What a worker is started with: the share's options but its log (a function), and the thread's own settings. */
export function monitorWorkerData(options: ShardOptions & { readonly onFailed?: (error: Error) => void; readonly rehearse?: boolean }): MonitorWorkerData {
  const { log: _log, onFailed: _onFailed, rehearse = false, ...shard } = options;
  return { shard, nice: MONITOR_NICE, rehearse };
}

export function workerShard(options: ShardOptions & { readonly onFailed: (error: Error) => void; readonly rehearse?: boolean }): ShardHandle {
  const { log, onFailed } = options;
  // Profiling flags pass on (`node --cpu-prof --cpu-prof-dir=D`: one profile per thread); nothing else does.
  const execArgv = process.execArgv.filter((a) => a.startsWith('--cpu-prof'));
  // A larger young generation: a step's garbage (the engine's new monitor state, the batch's arrays) then
  // dies young instead of being promoted and marked (GC was a quarter of a share's thread at 10,000 devices).
  const workerData = monitorWorkerData(options);
  const worker = new Worker(monitorWorkerCode(), { eval: true, workerData, execArgv, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  const waiting = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void; onPart?: (part: StepResult) => void }>();
  let nextId = 1;
  let closing = false;
  const fail = (error: Error): void => {
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
    if (!closing) onFailed(error);
  };
  worker.on('message', (reply: ShardReply) => {
    if (reply.kind === 'log') {
      log[reply.level](reply.message, reply.fields);
      return;
    }
    const w = waiting.get(reply.id);
    if (reply.kind === 'part') {
      w?.onPart?.(reply.result);
      return;
    }
    waiting.delete(reply.id);
    if (w === undefined) return;
    if (reply.kind === 'failed') w.reject(new Error(reply.error));
    else w.resolve((reply.kind === 'loaded' ? reply.results : reply.result) as never);
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`monitor worker exited with code ${code}`)));
  const ask = <T>(request: ShardRequest, onPart?: (part: StepResult) => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      waiting.set(request.id, { resolve: resolve as (value: never) => void, reject, ...(onPart === undefined ? {} : { onPart }) });
      worker.postMessage(request);
    });
  return {
    load: (loads, nowMs) => ask<LoadResult[]>({ kind: 'load', id: nextId++, loads, nowMs }),
    step: (venue, events, prices, nowMs, firstEventAtMs, onPart) => ask<StepResult>({ kind: 'step', id: nextId++, venue, events, prices, nowMs, firstEventAtMs, parts: onPart !== undefined }, onPart),
    async close() {
      closing = true;
      await worker.terminate();
    },
  };
}
