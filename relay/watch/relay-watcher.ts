import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { AccountState } from '../../shared/engine/positions/account-state.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import { isFeedNotice } from '../../shared/engine/monitor/live-batch.ts';
import type { Clock, Timer } from '../../shared/ports/clock.ts';
import type { RelayLog } from '../relay-log.ts';
import type { DecisionSave, RelayStore, Shard } from '../store/relay-store.ts';
import { deviceHash } from '../store/shard.ts';
import type { DeviceLoad, FeedPrices, LoadResult, ShareSave, StepResult } from './monitor-shard.ts';
import { inThreadShard, workerShard, type ShardHandle } from './monitor-threads.ts';

/**
 * The relay's watcher: for the devices of this worker's shard, one public mark feed per venue (no
 * credentials; it follows the union of the snapshots' symbols) and one live monitor per device and
 * account (monitor-shard.ts), in this thread or split over worker threads by the device-id hash.
 *
 * Batches: per venue and share of monitors ("lane"), the feed's events wait `gatherMs` (a venue's
 * marks of one tick arrive together) and then go to the share at most once per `windowMs` (the
 * venue's mark interval). While a share is busy, new events pile up in its next batch, the marks
 * coalesced per symbol (the newest wins, as shared/feed/event-batcher.ts keeps them): a slow relay
 * steps each monitor less often, at the newest marks, instead of falling ever further behind. A feed
 * notice (stale, fresh) starts a batch of its own, as liveMonitorBatch requires.
 *
 * While a share steps a batch it hands the monitors' new states and the pushes their decisions cause on
 * in parts (the steps that may have crossed a tier first); each part is written in one transaction
 * (store.saveBatch) as it comes, then the push queue is drained; the batch's end frees its lane. Monitors are restored from the store
 * on start, so a relay killed and started again keeps its open alerts' ids and sends nothing twice.
 */

/** A public mark feed for one venue (shared/feed without credentials, or a bench's stand-in). */
export interface MarkFeed {
  start(): void;
  stop(): void;
  watch(symbols: readonly string[]): void;
  state(): AccountState;
}

export interface WatcherOptions {
  readonly store: RelayStore;
  readonly log: RelayLog;
  /** Relay time (queue times, save times); the monitors run on the venues' time. */
  readonly clock: () => number;
  readonly timers: Pick<Clock, 'setTimer'>;
  readonly shard: Shard | null;
  readonly staleAfterSec: number;
  readonly openFeed: (venue: VenueId, watch: readonly string[], onEvent: (event: FeedEvent) => void) => MarkFeed;
  /** Per venue, at least this long between two batches of one share (its mark interval). */
  readonly windowMs: (venue: VenueId) => number;
  /** How long a batch waits after its first event for the rest of the tick (default 20 ms). */
  readonly gatherMs?: number;
  /** Worker threads for the monitors (0, the default: all in this thread). */
  readonly workers?: number;
  /** A worker thread died (its monitors with it): the relay should exit and be restarted. */
  readonly onWorkerFailed?: (error: Error) => void;
  /** Called after a batch queued pushes (the push sender's drain). */
  readonly drain: () => void;
  /** A monitor with no decisions is still saved this often (volatility moves with the marks). */
  readonly saveEveryMs?: number;
  /**
   * A monitor whose marks stay inside its tier and forecast bands is stepped at most this often (default
   * 5,000 ms; 0: at every batch of its symbols); a mark leaving a band is stepped in its batch (monitor-shard.ts).
   */
  readonly calmEveryMs?: number;
  /**
   * Per batch, about this much of a share's time at most for monitors due at the calm cadence (default
   * 100 ms); the rest wait for the next batch, so that a band-leaving mark is not queued behind a whole
   * pass over the share's monitors.
   */
  readonly calmBudgetMs?: number;
  /** A share hands a batch's saves on after about this much stepping each (default DEFAULT_PART_EVERY_MS, monitor-shard.ts). */
  readonly partEveryMs?: number;
  /** Each share rehearses a crash at its first load of a venue's devices (rehearsal.ts; default false, `startRelay` sets it). */
  readonly rehearse?: boolean;
  /** Told after each part of a batch is saved: monitors stepped, pushes queued, and when the batch's oldest frame arrived. */
  readonly onBatch?: (report: BatchReport) => void;
}

/**
 * A part of a batch, committed (or with nothing to commit). A share hands a batch's saves on in parts
 * while it steps (monitor-shard.ts, `partEveryMs`): one report per part, each with its own monitors,
 * saves and pushes, and the batch's `firstEventAtMs` and `handedAtMs`; the counts of a batch are the
 * sums over its parts. A batch that ends without a save in its last part still gets a last report.
 */
export interface BatchReport {
  readonly venue: VenueId;
  /** Which share of the monitors (worker thread) stepped it. */
  readonly share: number;
  /** Which part of its batch (0 first); the batch's first report is part 0. */
  readonly part: number;
  /** The batch's last part: it was stepped whole, and its saves are all committed (`doneAtMs`). */
  readonly last: boolean;
  /** Monitors this part stepped. */
  readonly monitors: number;
  /** Of those, stepped because a mark left their tier band (or they had none yet). */
  readonly early: number;
  /** Monitors of the batch's symbols that kept its marks for a later step (inside their band, not due). */
  readonly held: number;
  readonly queued: number;
  /**
   * The pushes the batch's decisions asked for (queued now, or already queued before a restart), with
   * the alert's kind, whether its monitor was stepped early, and when the oldest frame its step was
   * handed arrived (an earlier batch's for marks it held).
   */
  readonly pushes: readonly { readonly deviceId: string; readonly dedupeKey: string; readonly alertKind: string; readonly early: boolean; readonly firstEventAtMs: number }[];
  /** When the oldest frame of the batch arrived (its mark may since have been replaced by a newer one). */
  readonly firstEventAtMs: number;
  /** When the batch went to its share. */
  readonly handedAtMs: number;
  /**
   * How long the venue's window held it beyond the gather (0: handed as soon as gathered, or later
   * only because the share was busy): what handing a tier-crossing mark on at once could save.
   */
  readonly windowHeldMs: number;
  /** When this part's decisions were committed (the last part's: the whole batch's). */
  readonly doneAtMs: number;
}

/** A batch being gathered: its events in order, marks coalesced per symbol (newest wins). */
interface Pending {
  readonly events: FeedEvent[];
  readonly markAt: Map<string, number>;
  readonly firstEventAtMs: number;
}

/** One venue's batches for one share of the monitors. */
interface Lane {
  readonly share: number;
  readonly pending: Pending[];
  timer: Timer | null;
  /** What the window added to the running timer's delay (BatchReport.windowHeldMs). */
  timerHeldMs: number;
  busy: boolean;
  /**
   * The first event of the batch handed last. The window runs from the venue's tick, not from when the
   * share took the batch: counted from a late hand-off (a busy share), it held every later tick back by
   * as much, a phase lag that lasted (up to a whole window in the load bench).
   */
  lastFirstEventAtMs: number;
}

interface VenueWatch {
  readonly feed: MarkFeed;
  readonly symbols: Set<string>;
  readonly lanes: readonly Lane[];
}

export interface RelayWatcher {
  /** Loads every device of the shard and its saved monitors, and starts the feeds. */
  start(): Promise<void>;
  /** A device's snapshot was stored, or the device is gone (the HTTP API's hook). */
  deviceChanged(deviceId: string): void;
  /** Resolves when every load and save asked for so far is done (tests, shutdown). */
  settled(): Promise<void>;
  stop(): Promise<void>;
  /** How many monitors run, per venue (health, bench). */
  counts(): Record<string, number>;
}

const pricesOf = (state: AccountState): FeedPrices => ({ marks: [...state.marks], mids: [...state.mids], funding: [...state.funding] });

/** Adds a feed event to a lane's batches: a notice opens a new batch, a mark replaces the same symbol's. */
function gather(lane: Lane, event: FeedEvent, nowMs: number): void {
  let last = lane.pending.at(-1);
  if (last === undefined || (isFeedNotice(event) && last.events.length > 0)) {
    last = { events: [], markAt: new Map(), firstEventAtMs: nowMs };
    lane.pending.push(last);
  }
  if (event.kind === 'venue' && event.event.kind === 'mark') {
    const at = last.markAt.get(event.event.symbol);
    if (at !== undefined) {
      last.events[at] = event;
      return;
    }
    last.markAt.set(event.event.symbol, last.events.length);
  }
  last.events.push(event);
}

export function relayWatcher(options: WatcherOptions): RelayWatcher {
  const { store, log, clock } = options;
  const gatherMs = options.gatherMs ?? 20;
  const shardOptions = {
    log,
    staleAfterMs: options.staleAfterSec * 1000,
    saveEveryMs: options.saveEveryMs ?? 60_000,
    calmEveryMs: options.calmEveryMs ?? 5_000,
    calmBudgetMs: options.calmBudgetMs ?? 100,
    ...(options.partEveryMs === undefined ? {} : { partEveryMs: options.partEveryMs }),
  };
  const workers = options.workers ?? 0;
  const onWorkerFailed = options.onWorkerFailed ?? ((error: Error) => log.error('monitor worker failed', { error: error.message }));
  const shares: ShardHandle[] =
    workers === 0
      ? [inThreadShard(shardOptions, options.rehearse ?? false)]
      : Array.from({ length: workers }, () => workerShard({ ...shardOptions, onFailed: onWorkerFailed, rehearse: options.rehearse ?? false }));
  // Within this process the shares split the devices by the same hash as the processes do, on its other digits.
  const processCount = options.shard?.count ?? 1;
  const shareOf = (deviceId: string): number => Math.floor(deviceHash(deviceId) / processCount) % shares.length;
  const venues = new Map<VenueId, VenueWatch>();
  /** Devices watched, with the venue of each of their accounts. */
  const watched = new Map<string, readonly VenueId[]>();
  let stopped = false;
  /** Batches a share is stepping: stop waits for them (and their saves) before the shares close. */
  const inFlight = new Set<Promise<void>>();
  // Loads and saves run one after another: a device's snapshot and its monitors' saves stay in order.
  let work: Promise<void> = Promise.resolve();
  const enqueue = (job: () => Promise<void>): void => {
    work = work.then(job).catch((error: unknown) => log.error('watcher job failed', { error: String(error) }));
  };

  function venueWatch(venue: VenueId): VenueWatch {
    let v = venues.get(venue);
    if (v !== undefined) return v;
    const lanes: Lane[] = shares.map((_, share) => ({ share, pending: [], timer: null, timerHeldMs: 0, busy: false, lastFirstEventAtMs: -Infinity }));
    const feed = options.openFeed(venue, [], (event) => {
      if (stopped) return;
      const now = clock();
      for (const lane of lanes) {
        gather(lane, event, now);
        schedule(venue, lane);
      }
    });
    v = { feed, symbols: new Set(), lanes };
    venues.set(venue, v);
    if (!stopped) feed.start();
    log.info('venue feed opened', { venue });
    return v;
  }

  function follow(venue: VenueId, symbols: readonly string[]): void {
    const v = venueWatch(venue);
    const fresh = symbols.filter((s) => !v.symbols.has(s));
    if (fresh.length === 0) return;
    fresh.forEach((s) => v.symbols.add(s));
    v.feed.watch(fresh);
  }

  function schedule(venue: VenueId, lane: Lane): void {
    if (stopped || lane.busy || lane.timer !== null || lane.pending.length === 0) return;
    const now = clock();
    const opensAtMs = lane.lastFirstEventAtMs + options.windowMs(venue);
    const delay = Math.max(gatherMs, opensAtMs - now);
    // What the window adds beyond the gather of the batch's first event (or beyond now, after a busy share).
    lane.timerHeldMs = Math.max(0, opensAtMs - Math.max(now, (lane.pending[0]?.firstEventAtMs ?? now) + gatherMs));
    lane.timer = options.timers.setTimer(delay, () => {
      lane.timer = null;
      hand(venue, lane, lane.timerHeldMs);
    });
  }

  function hand(venue: VenueId, lane: Lane, windowHeldMs: number): void {
    const v = venues.get(venue);
    const batch = lane.pending.shift();
    if (v === undefined || batch === undefined || stopped) return;
    lane.busy = true;
    const handedAtMs = clock();
    lane.lastFirstEventAtMs = batch.firstEventAtMs;
    const share = shares[lane.share]!;
    // The batch's result comes in parts (monitor-shard.ts): each is committed as it comes, one
    // transaction per part, behind what was queued before it (the same `work` queue: a monitor's saves
    // stay in order, its next batch is handed only after this one's last part).
    let parts = 0;
    const take = (result: StepResult, last: boolean): void => {
      // A device deleted meanwhile: its rows are gone (saveBatch skips it too).
      const saves = result.saves.filter((s) => watched.has(s.monitor.deviceId));
      const report = { venue, share: lane.share, part: parts, last, monitors: result.stepped, early: result.early, held: result.held, firstEventAtMs: batch.firstEventAtMs, handedAtMs, windowHeldMs };
      parts += 1;
      if (saves.length === 0 && parts === 1) options.onBatch?.({ ...report, queued: 0, pushes: [], doneAtMs: clock() });
      // A last part with nothing to save is still told after the batch's earlier parts are committed.
      else commitSoon(saves, report);
    };
    const stepping = share.step(venue, batch.events, pricesOf(v.feed.state()), handedAtMs, batch.firstEventAtMs, (part) => take(part, false)).then(
      (result) => {
        lane.busy = false;
        schedule(venue, lane);
        take(result, true);
      },
      (error: unknown) => {
        lane.busy = false;
        log.error('batch failed', { venue, share: lane.share, error: String(error) });
        schedule(venue, lane);
      },
    );
    inFlight.add(stepping);
    void stepping.finally(() => inFlight.delete(stepping));
  }

  /**
   * Parts waiting for their commit, in the order they came. The parts that come while the store is busy
   * (or while the loads and saves queued before them run) are committed together, in one transaction:
   * a transaction per part cost the main thread ~1-3 ms of waiting on the file each, so parts every few
   * ms would take it over, while a thread with nothing to wait for commits each part as it comes.
   */
  const waiting: { readonly saves: readonly ShareSave[]; readonly report: Omit<BatchReport, 'queued' | 'pushes' | 'doneAtMs'> }[] = [];
  function commitSoon(saves: readonly ShareSave[], report: Omit<BatchReport, 'queued' | 'pushes' | 'doneAtMs'>): void {
    waiting.push({ saves, report });
    if (waiting.length === 1) enqueue(commitWaiting);
  }

  async function commitWaiting(): Promise<void> {
    const parts = waiting.splice(0);
    const saves = parts.flatMap((p) => p.saves);
    let queued = 0;
    try {
      if (saves.length > 0) queued = await store.saveBatch(saves);
    } catch (error) {
      log.error('decisions not saved', { venues: [...new Set(parts.map((p) => p.report.venue))].join(','), monitors: saves.length, error: String(error) });
      return;
    }
    const doneAtMs = clock();
    // The transaction's count, told per part: its pushes, less those already queued (a decision made
    // again after a restart), taken from the last parts.
    let left = queued;
    for (const { saves: mine, report } of parts) {
      const pushes = mine.flatMap((s) =>
        s.pushes.map((p, i) => ({ deviceId: p.deviceId, dedupeKey: p.dedupeKey, alertKind: s.alertKinds[i] ?? 'tier', early: s.early, firstEventAtMs: s.firstEventAtMs })),
      );
      const count = Math.min(left, pushes.length);
      left -= count;
      options.onBatch?.({ ...report, queued: count, pushes, doneAtMs });
    }
    if (queued > 0) options.drain();
  }

  /** Reads devices from the store and hands each to its share; follows the symbols they hold. */
  async function load(deviceIds: readonly string[]): Promise<void> {
    const byShare = shares.map((): DeviceLoad[] => []);
    for (const deviceId of deviceIds) {
      const mine = options.shard === null || deviceHash(deviceId) % options.shard.count === options.shard.index;
      const device = mine ? await store.device(deviceId) : null;
      const snapshot = device === null ? null : await store.snapshot(deviceId);
      const monitors = snapshot === null || watched.has(deviceId) ? null : (await store.monitors(deviceId)).map((m) => ({ accountId: m.accountId, state: m.state, alerts: m.alerts }));
      byShare[shareOf(deviceId)]!.push({ deviceId, body: snapshot?.body ?? null, monitors });
    }
    const results: LoadResult[] = (await Promise.all(byShare.map((loads, i) => (loads.length === 0 ? [] : shares[i]!.load(loads, clock()))))).flat();
    for (const r of results) {
      if (r.accounts.length === 0) watched.delete(r.deviceId);
      else watched.set(r.deviceId, r.accounts.map((a) => a.venue));
      for (const a of r.accounts) follow(a.venue, a.symbols);
    }
  }

  return {
    async start() {
      const devices = await options.store.devices(options.shard);
      // Every chunk is read and sent before any reply is awaited: a worker then loads them all before
      // the first batch of marks (loads queued behind batches stepping the devices loaded so far took
      // 18 times longer for 10,000 devices).
      const chunks: Promise<void>[] = [];
      for (let i = 0; i < devices.length; i += 500) {
        chunks.push(load(devices.slice(i, i + 500).map((d) => d.id)).catch((error: unknown) => log.error('devices not loaded', { from: i, error: String(error) })));
      }
      await Promise.all(chunks);
      log.info('watcher started', { devices: watched.size, monitors: [...watched.values()].reduce((n, vs) => n + vs.length, 0), threads: workers });
    },
    deviceChanged(deviceId) {
      if (stopped) return;
      enqueue(() => load([deviceId]));
    },
    settled: () => work,
    async stop() {
      stopped = true;
      for (const v of venues.values()) {
        for (const lane of v.lanes) {
          lane.timer?.cancel();
          lane.timer = null;
          lane.pending.length = 0;
        }
        v.feed.stop();
      }
      await Promise.all([...inFlight]);
      await work;
      await Promise.all(shares.map((s) => s.close()));
    },
    counts() {
      const counts: Record<string, number> = Object.fromEntries([...venues.keys()].map((venue) => [venue, 0]));
      for (const vs of watched.values()) for (const venue of vs) counts[venue] = (counts[venue] ?? 0) + 1;
      return counts;
    },
  };
}
