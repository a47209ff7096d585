import type { AccountState } from '../../shared/engine/positions/account-state.ts';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import type { VenueEvent } from '../../shared/engine/positions/venue-events.ts';
import { isFeedNotice, liveMonitorBatch } from '../../shared/engine/monitor/live-batch.ts';
import { emptyLiveMonitor, liveMonitorFrom, snapshotLiveMonitor, type LiveMonitor, type LiveMonitorConfig } from '../../shared/engine/monitor/live-monitor.ts';
import { parseMonitorSnapshot } from '../../shared/engine/monitor/parse-monitor-snapshot.ts';
import { marginModels } from '../../shared/exchanges/venues.ts';
import { createEventBatcher, type EventBatcher } from '../../shared/feed/event-batcher.ts';
import type { Clock } from '../../shared/ports/clock.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import { epochMs } from '../../shared/units/units.ts';
import type { RelayLog } from '../relay-log.ts';
import type { MonitorRecord, PushRecord, RelayStore, Shard } from '../store/relay-store.ts';
import { deviceHash } from '../store/shard.ts';
import { alertPushes } from './alert-pushes.ts';
import { readDeviceAccounts, type WatchedAccount } from './watched-account.ts';

/**
 * The relay's watcher: for the devices of this worker's shard, one public mark feed per venue (no
 * credentials; it follows the union of the snapshots' symbols) and one live monitor per device and
 * account, driven in batches. The account comes from the device's snapshot, the marks from the feed.
 * After each batch, a monitor's new state and the pushes its decisions cause are written in one
 * transaction, then the push queue is drained. Monitors are restored from the store on start, so a
 * relay killed and started again keeps its open alerts' ids and sends nothing twice.
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
  /** Batch window per venue: at most its mark interval (shared/feed/event-batcher.ts). */
  readonly windowMs: (venue: VenueId) => number;
  /** Called after a batch queued pushes (the push sender's drain). */
  readonly drain: () => void;
  /** A monitor with no decisions is still saved this often (volatility moves with the marks). */
  readonly saveEveryMs?: number;
  /** Told after each batch: how many monitors stepped, pushes queued, and when the batch's newest frame arrived. */
  readonly onBatch?: (report: BatchReport) => void;
}

export interface BatchReport {
  readonly venue: VenueId;
  readonly monitors: number;
  readonly queued: number;
  readonly firstEventAtMs: number;
  /** When the batcher handed the batch on (its window closed). */
  readonly handedAtMs: number;
  readonly doneAtMs: number;
}

interface Watched {
  readonly deviceId: string;
  account: WatchedAccount;
  takenAtMs: number;
  config: LiveMonitorConfig;
  live: LiveMonitor;
  /** The snapshot changed: the next batch tells the monitor (an `account` step). */
  accountChanged: boolean;
  savedAtMs: number;
}

interface VenueWatch {
  readonly feed: MarkFeed;
  readonly batcher: EventBatcher<FeedEvent>;
  readonly symbols: Set<string>;
  readonly monitors: Set<Watched>;
  firstEventAtMs: number | null;
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

const configOf = (a: WatchedAccount): LiveMonitorConfig => ({ model: marginModels[a.venue], takerFeeRate: a.takerFeeRate, options: a.options });

/** The events of a batch that concern an account: its symbols' marks, notices about its symbols. */
function eventsFor(events: readonly FeedEvent[], symbols: readonly string[]): FeedEvent[] {
  const mine: FeedEvent[] = [];
  for (const event of events) {
    if (event.kind === 'venue') {
      if (event.event.kind === 'mark' && symbols.includes(event.event.symbol)) mine.push(event);
    } else if (event.kind === 'stale' || event.kind === 'fresh') {
      const concern = event.symbols.filter((s) => symbols.includes(s));
      if (concern.length > 0) mine.push({ ...event, symbols: concern });
    }
  }
  return mine;
}

const newestTime = (events: readonly FeedEvent[]): number | null => {
  let t: number | null = null;
  for (const e of events) {
    const et = e.kind === 'venue' ? ('time' in e.event ? e.event.time : null) : e.time;
    if (et !== null && (t === null || et > t)) t = et;
  }
  return t;
};

export function relayWatcher(options: WatcherOptions): RelayWatcher {
  const { store, log, clock } = options;
  const staleAfterMs = options.staleAfterSec * 1000;
  const saveEveryMs = options.saveEveryMs ?? 60_000;
  const venues = new Map<VenueId, VenueWatch>();
  const byDevice = new Map<string, Watched[]>();
  let stopped = false;
  // Loads and saves run one after another: a device's snapshot and its monitors' saves stay in order.
  let work: Promise<void> = Promise.resolve();
  const enqueue = (job: () => Promise<void>): void => {
    work = work.then(job).catch((error: unknown) => log.error('watcher job failed', { error: String(error) }));
  };

  function venueWatch(venue: VenueId): VenueWatch {
    let v = venues.get(venue);
    if (v !== undefined) return v;
    const batcher = createEventBatcher<FeedEvent>(options.timers, { windowMs: options.windowMs(venue), startsBatch: isFeedNotice }, (events) => onBatch(venue, events));
    const symbols = new Set<string>();
    const feed = options.openFeed(venue, [], (event) => {
      const w = venues.get(venue);
      if (w === undefined) return;
      w.firstEventAtMs ??= clock();
      batcher.push(event);
    });
    v = { feed, batcher, symbols, monitors: new Set(), firstEventAtMs: null };
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

  function onBatch(venue: VenueId, events: readonly FeedEvent[]): void {
    const v = venues.get(venue);
    if (v === undefined || stopped) return;
    const handedAtMs = clock();
    const firstEventAtMs = v.firstEventAtMs ?? handedAtMs;
    v.firstEventAtMs = null;
    const feedState = v.feed.state();
    const saves: { monitor: MonitorRecord; pushes: PushRecord[] }[] = [];
    let stepped = 0;
    for (const w of v.monitors) {
      const mine = eventsFor(events, w.account.symbols);
      if (mine.length === 0) continue;
      if (w.accountChanged) {
        // The snapshot's positions as a venue's positions event, at the batch's time (never ahead of it).
        const time = newestTime(mine);
        if (time !== null) {
          const open = [...w.account.base.positions.values()];
          mine.push({ kind: 'venue', event: { kind: 'positions', mode: 'snapshot', open, closed: [], time: epochMs(time) } satisfies VenueEvent });
        }
        w.accountChanged = false;
      }
      const state: AccountState = { ...w.account.base, marks: feedState.marks, mids: feedState.mids, funding: feedState.funding };
      let step;
      try {
        step = liveMonitorBatch(w.live, mine, state, w.config);
      } catch (error) {
        // One account's fault must not blind the relay to every other account on the venue.
        log.error('monitor step failed', { deviceId: w.deviceId, accountId: w.account.accountId, error: String(error) });
        continue;
      }
      stepped += 1;
      w.live = step.live;
      const now = clock();
      if (step.decisions.length === 0 && now - w.savedAtMs < saveEveryMs) continue;
      const snapshot = snapshotLiveMonitor(w.live);
      if (snapshot === null) continue;
      w.savedAtMs = now;
      const pushes = alertPushes(step.decisions, { deviceId: w.deviceId, accountId: w.account.accountId, takenAtMs: w.takenAtMs, staleAfterMs, nowMs: now });
      saves.push({ monitor: { deviceId: w.deviceId, accountId: w.account.accountId, state: JSON.stringify(snapshot), savedAtMs: now }, pushes });
    }
    if (saves.length === 0) {
      options.onBatch?.({ venue, monitors: stepped, queued: 0, firstEventAtMs, handedAtMs, doneAtMs: clock() });
      return;
    }
    enqueue(async () => {
      let queued = 0;
      for (const s of saves) {
        // A device deleted meanwhile: its rows are gone and the save would break the foreign key.
        if (!byDevice.has(s.monitor.deviceId)) continue;
        try {
          queued += await store.saveDecisions(s.monitor, s.pushes);
        } catch (error) {
          log.error('decisions not saved', { deviceId: s.monitor.deviceId, accountId: s.monitor.accountId, error: String(error) });
        }
      }
      options.onBatch?.({ venue, monitors: stepped, queued, firstEventAtMs, handedAtMs, doneAtMs: clock() });
      if (queued > 0) options.drain();
    });
  }

  function unwatch(deviceId: string): void {
    for (const w of byDevice.get(deviceId) ?? []) venues.get(w.account.venue)?.monitors.delete(w);
    byDevice.delete(deviceId);
  }

  async function load(deviceId: string): Promise<void> {
    const mine = options.shard === null || deviceHash(deviceId) % options.shard.count === options.shard.index;
    const device = mine ? await store.device(deviceId) : null;
    const snapshot = device === null ? null : await store.snapshot(deviceId);
    if (device === null || snapshot === null) {
      unwatch(deviceId);
      return;
    }
    const read = readDeviceAccounts(snapshot.body);
    if ('error' in read) {
      log.error('stored snapshot unreadable; device not watched', { deviceId, error: read.error });
      unwatch(deviceId);
      return;
    }
    const before = new Map((byDevice.get(deviceId) ?? []).map((w) => [w.account.accountId, w]));
    const saved = before.size === 0 ? new Map((await store.monitors(deviceId)).map((m) => [m.accountId, m.state])) : new Map<string, string>();
    const next: Watched[] = [];
    for (const account of read.accounts) {
      const known = before.get(account.accountId);
      if (known !== undefined && known.account.venue === account.venue) {
        before.delete(account.accountId);
        known.account = account;
        known.takenAtMs = read.takenAtMs;
        known.config = configOf(account);
        known.accountChanged = true;
        next.push(known);
        follow(account.venue, account.symbols);
        continue;
      }
      let live = emptyLiveMonitor;
      const text = saved.get(account.accountId);
      if (text !== undefined) {
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(text);
        } catch {
          // Refused just below, with the others.
        }
        const snap = parseMonitorSnapshot(parsed);
        if (isFieldError(snap)) log.error('saved monitor refused; starting afresh', { deviceId, accountId: account.accountId, field: snap.field, error: snap.message });
        else if (snap.options.accountId !== account.accountId) log.error('saved monitor is for another account; starting afresh', { deviceId, accountId: account.accountId });
        else live = liveMonitorFrom(snap);
      }
      const w: Watched = { deviceId, account, takenAtMs: read.takenAtMs, config: configOf(account), live, accountChanged: true, savedAtMs: clock() };
      next.push(w);
      venueWatch(account.venue).monitors.add(w);
      follow(account.venue, account.symbols);
    }
    // Accounts the new snapshot no longer holds stop being watched (their saved state stays, unused).
    for (const gone of before.values()) venues.get(gone.account.venue)?.monitors.delete(gone);
    byDevice.set(deviceId, next);
  }

  return {
    async start() {
      const devices = await options.store.devices(options.shard);
      for (const d of devices) await load(d.id).catch((error: unknown) => log.error('device not loaded', { deviceId: d.id, error: String(error) }));
      log.info('watcher started', { devices: byDevice.size, monitors: [...byDevice.values()].reduce((n, ws) => n + ws.length, 0) });
    },
    deviceChanged(deviceId) {
      if (stopped) return;
      enqueue(() => load(deviceId));
    },
    settled: () => work,
    async stop() {
      stopped = true;
      for (const v of venues.values()) {
        v.batcher.stop();
        v.feed.stop();
      }
      await work;
    },
    counts() {
      return Object.fromEntries([...venues.entries()].map(([venue, v]) => [venue, v.monitors.size]));
    },
  };
}
