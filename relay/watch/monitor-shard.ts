import type { AlertDecision } from '../../shared/engine/alerts/alert-decision.ts';
import type { AccountState, TimedPrice } from '../../shared/engine/positions/account-state.ts';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import type { VenueEvent } from '../../shared/engine/positions/venue-events.ts';
import { withoutView } from '../../shared/engine/monitor/account-monitor.ts';
import { isFeedNotice, liveMonitorBatch } from '../../shared/engine/monitor/live-batch.ts';
import { emptyLiveMonitor, liveMonitorFrom, snapshotLiveMonitor, type LiveMonitor, type LiveMonitorConfig } from '../../shared/engine/monitor/live-monitor.ts';
import { parseMonitorSnapshot } from '../../shared/engine/monitor/parse-monitor-snapshot.ts';
import { forecastBand, forecastBandHolds, type ForecastBand } from '../../shared/engine/monitor/forecast-band.ts';
import { crossesTier, leavesTierBand, tierBand, type TierBand } from '../../shared/engine/monitor/tier-band.ts';
import { sensitivityShares } from '../../shared/engine/monitor/tier-band-shares.ts';
import { marginModels } from '../../shared/exchanges/venues.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import { epochMs } from '../../shared/units/units.ts';
import type { RelayLog } from '../relay-log.ts';
import type { DecisionSave } from '../store/relay-store.ts';
import { alertPartJson, alertPartOf, lastNoticeKey, wholeLastKey, wholeSnapshotJson, withAlertPart, type NoticeTexts } from './alert-part.ts';
import { alertPushes } from './alert-pushes.ts';
import { withRecentHistory } from './recent-history.ts';
import { sameExposure } from './same-exposure.ts';
import { readDeviceAccounts, type WatchedAccount } from './watched-account.ts';

/**
 * The live monitors of one share of the devices, and nothing else: no feed, no store, no timer. The
 * watcher hands it stored snapshots and saved monitors (`load`) and the venue's batches (`step`), and
 * writes what it answers; everything in and out is plain data, so a share runs in the watcher's thread
 * or in a worker thread (monitor-worker.ts) alike. A batch steps only the monitors holding one of the
 * batch's symbols (an index symbol -> monitors per venue), so a device costs nothing while its
 * symbols are quiet.
 *
 * And of those, only the ones that need it now (`calmEveryMs`): each monitor keeps its own tier band
 * (shared/engine/monitor/tier-band.ts) and forecast band (forecast-band.ts, rebuilt after each step but
 * a calm one that moved none of its inputs). A mark that leaves either may have crossed a tier or moved a prediction: that monitor is
 * stepped in this batch. So is one whose forecast band's time is up (its estimates' next minute return,
 * a funding payment entering the horizon), one whose snapshot changed,
 * one that has not been evaluated yet, one a feed notice (stale, fresh) concerns, and one whose last
 * step is `calmEveryMs` old. The others keep the batch's marks (folded per symbol, the newest wins, as
 * the batcher folds them) and get them with their next step, which a later batch of the venue makes:
 * a mark is handed to a monitor once, and none is lost.
 *
 * A mark out of the tier band may have crossed a tier; whether it did is asked of the newest marks exactly
 * (`crossesTier`: a few requirements per position, against a step's ~300 µs). One that crossed nothing is
 * a forecast step: the band shares a pool's way between its symbols, so most marks that leave it in a
 * flash market cross nothing.
 *
 * Within a batch, those that crossed a tier are stepped first, then those that left only their
 * forecast band, then the calm ones; with `onPart`, the saves go out in parts while the share steps on
 * (after the tier steps, then every `partEveryMs`), so that a crossing's push does not wait for the
 * whole batch.
 */

/** A device to (re)read: its stored snapshot body, or null when it is gone or not this worker's. */
export interface DeviceLoad {
  readonly deviceId: string;
  readonly body: string | null;
  /**
   * The saved monitors, on the first load only (null afterwards: running monitors keep their state):
   * the whole snapshot and the alert part saved after it (alert-part.ts), if any.
   */
  readonly monitors: readonly { readonly accountId: string; readonly state: string; readonly alerts?: string | null }[] | null;
}

/** What a load left watched: one entry per account (empty: the device is not watched). */
export interface LoadResult {
  readonly deviceId: string;
  readonly accounts: readonly { readonly venue: VenueId; readonly symbols: readonly string[] }[];
}

/** The feed's marks, mids and funding when the batch was handed on, as entry lists (plain data). */
export interface FeedPrices {
  readonly marks: readonly (readonly [string, TimedPrice])[];
  readonly mids: readonly (readonly [string, TimedPrice])[];
  readonly funding: readonly (readonly [string, AccountState['funding'] extends ReadonlyMap<string, infer F> ? F : never])[];
}

/** A monitor's save, with what a report needs to know about its pushes (extra fields the store ignores). */
export interface ShareSave extends DecisionSave {
  /** When the oldest frame this step handed the monitor arrived (an earlier batch's, for held marks). */
  readonly firstEventAtMs: number;
  /** Stepped in its batch because a mark left its band (or it had no band yet): not at the calm cadence. */
  readonly early: boolean;
  /** The alert kind of each push, in order (`tier`, `predictive`, `stale`). */
  readonly alertKinds: readonly string[];
}

export interface StepResult {
  /** Monitors stepped (holding a symbol of the batch, and due, or with held marks now due). */
  readonly stepped: number;
  /** Of those, stepped because a mark left their band (or they had none yet). */
  readonly early: number;
  /** Monitors of the batch's symbols that only kept its marks for a later step. */
  readonly held: number;
  readonly saves: readonly ShareSave[];
}

export interface ShardOptions {
  readonly log: RelayLog;
  readonly staleAfterMs: number;
  /** A monitor with no decisions is still saved this often (volatility moves with the marks). */
  readonly saveEveryMs: number;
  /**
   * A monitor whose marks stay inside its tier and forecast bands is stepped at most this often (its
   * reminders, held notices and a tier left through its hysteresis move at this pace); 0: every batch
   * steps every monitor of its symbols (as before).
   */
  readonly calmEveryMs: number;
  /**
   * Per batch, at most about this much time in all: the urgent monitors are always stepped, those due
   * at the calm cadence get what they left of it (at least one a batch); the others wait for the next
   * batch. So a share that the urgent steps keep busy (a flash market) puts its calm steps off instead
   * of adding this much to each batch. Default: no limit.
   */
  readonly calmBudgetMs?: number;
  /**
   * With a step's `onPart`: the saves are handed on in parts, after the steps that may have crossed a
   * tier and then after about this much stepping each (default DEFAULT_PART_EVERY_MS), so that the
   * first steps' saves are committed and pushed while the share steps the rest of a long batch.
   */
  readonly partEveryMs?: number;
}

export interface MonitorShard {
  load(loads: readonly DeviceLoad[], nowMs: number): LoadResult[];
  /**
   * `firstEventAtMs`: when the batch's oldest frame arrived (relay clock), for the saves' reports.
   * `onPart`: told, while the batch is stepped, each part of its result (the monitors stepped and
   * held, and the saves made, since the part before); what `step` returns is then its last part.
   * Without it, one result for the whole batch.
   */
  step(venue: VenueId, events: readonly FeedEvent[], prices: FeedPrices, nowMs: number, firstEventAtMs?: number, onPart?: (part: StepResult) => void): StepResult;
  /**
   * How many of its monitors hold their last evaluation (a view) between batches: none once a batch is
   * stepped, since nothing reads a view after the bands are drawn (withoutView). A count, not the views.
   */
  heldViews(): number;
}

/**
 * In the flash burst a share steps a batch for up to a few seconds (~300-500 µs a monitor); a part
 * every 25 ms is one more small transaction on the main thread per 50-80 steps.
 */
export const DEFAULT_PART_EVERY_MS = 25;

interface Watched {
  readonly deviceId: string;
  account: WatchedAccount;
  takenAtMs: number;
  config: LiveMonitorConfig;
  live: LiveMonitor;
  /** The snapshot changed: the next batch tells the monitor (an `account` step). */
  accountChanged: boolean;
  /** When its whole snapshot was last saved (a pushing step in between saves its alert part only). */
  savedAtMs: number;
  /** The last notice of the history its stored whole snapshot holds: its alert parts carry the newer ones. */
  historyAfter: string | null;
  /** The JSON text of the notices its alert parts carried since its last whole save (alert-part.ts). */
  readonly noticeTexts: NoticeTexts;
  /** Its band after its last step; null: not evaluated yet (every mark is stepped at once). */
  band: TierBand | null;
  /** A mark left the band without crossing a tier (`crossesTier`): its next step draws the band anew. */
  bandLeft: boolean;
  /** Its forecast band after its last step (rebuilt after every step but a calm one that moved none of its inputs). */
  forecast: ForecastBand | null;
  /** Marks of batches it was not stepped in, newest per symbol, to hand with its next step. */
  readonly held: Map<string, FeedEvent>;
  /** When the oldest of the held marks' batches arrived. */
  heldSinceMs: number;
  /**
   * When the first frame of the batch it was last stepped with arrived. The calm cadence counts in the
   * venue's ticks, not in hand-off times, which jitter with the shares' load: a hand-off 0.85 s after
   * the one before would otherwise hold a due monitor's marks for a whole extra second.
   */
  steppedAtMs: number;
}

const configOf = (a: WatchedAccount): LiveMonitorConfig => ({ model: marginModels[a.venue], takerFeeRate: a.takerFeeRate, options: a.options });

/**
 * A batch's events by what they concern: each mark's position under its symbol, the notices' positions.
 * Built once a batch, so that an account's events are found by its few symbols, not by reading the
 * whole batch once per monitor (Binance's batches carry ~100 symbols, and every held monitor of the
 * venue is looked at in every batch: 3.5 % of a monitor thread in the flash market).
 */
export interface BatchIndex {
  readonly marks: ReadonlyMap<string, readonly number[]>;
  readonly notices: readonly number[];
  /** The symbols the batch is about (its marks, its stale and fresh notices). */
  readonly symbols: ReadonlySet<string>;
}

export function batchIndex(events: readonly FeedEvent[]): BatchIndex {
  const marks = new Map<string, number[]>();
  const notices: number[] = [];
  const symbols = new Set<string>();
  events.forEach((event, i) => {
    if (event.kind === 'venue') {
      if (event.event.kind !== 'mark') return;
      const at = marks.get(event.event.symbol);
      if (at === undefined) marks.set(event.event.symbol, [i]);
      else at.push(i);
      symbols.add(event.event.symbol);
    } else if (event.kind === 'stale' || event.kind === 'fresh') {
      notices.push(i);
      for (const s of event.symbols) symbols.add(s);
    }
  });
  return { marks, notices, symbols };
}

/** The events of a batch that concern an account, in the batch's order: its symbols' marks, notices about its symbols. */
export function eventsFor(events: readonly FeedEvent[], index: BatchIndex, symbols: readonly string[]): FeedEvent[] {
  let at: number[] | null = null;
  for (const s of symbols) {
    const mine = index.marks.get(s);
    if (mine !== undefined) (at ??= []).push(...mine);
  }
  for (const i of index.notices) {
    const event = events[i]!;
    if ((event.kind === 'stale' || event.kind === 'fresh') && event.symbols.some((s) => symbols.includes(s))) (at ??= []).push(i);
  }
  if (at === null) return [];
  if (at.length > 1) at.sort((a, b) => a - b);
  return at.map((i) => {
    const event = events[i]!;
    if (event.kind !== 'stale' && event.kind !== 'fresh') return event;
    const concern = event.symbols.filter((s) => symbols.includes(s));
    return { ...event, symbols: concern };
  });
}

/** A monitor is due at the calm cadence a little early rather than a whole window late (batches jitter). */
const CALM_SLACK = 0.9;

const newestTime = (events: readonly FeedEvent[]): number | null => {
  let t: number | null = null;
  for (const e of events) {
    const et = e.kind === 'venue' ? ('time' in e.event ? e.event.time : null) : e.time;
    if (et !== null && (t === null || et > t)) t = et;
  }
  return t;
};

/**
 * 'tier': a mark of the batch leaves the monitor's tier band, or it has no bands yet; 'forecast': one
 * leaves only its forecast band, or the forecast band's time is up; null: neither.
 */
type Left = 'tier' | 'forecast' | null;

function leavesBands(w: Watched, mine: readonly FeedEvent[]): Left {
  const { band, forecast } = w;
  if (band === null || forecast === null) return 'tier';
  const left = leavesEither(band, forecast, mine);
  if (w.accountChanged || w.live.monitor === null || mine.some(isFeedNotice)) return left;
  if (left !== 'tier' && !w.bandLeft) return left;
  // Out of the tier band (now, or by a mark it holds): the band is drawn for marks all inside it, so ask
  // of the newest marks exactly. Crossing nothing, it is a forecast step, which draws the band anew.
  const newest = new Map<string, number>();
  for (const [symbol, e] of w.held) if (e.kind === 'venue' && e.event.kind === 'mark') newest.set(symbol, e.event.price);
  for (const e of mine) if (e.kind === 'venue' && e.event.kind === 'mark') newest.set(e.event.symbol, e.event.price);
  if (crossesTier(w.live.monitor, (symbol) => newest.get(symbol))) return 'tier';
  w.bandLeft = true;
  return 'forecast';
}

function leavesEither(band: TierBand, forecast: ForecastBand, mine: readonly FeedEvent[]): Left {
  let leaves: 'forecast' | null = null;
  // In the venue's time, as the monitor's clock runs.
  if (forecast.untilMs !== null && (newestTime(mine) ?? -Infinity) >= forecast.untilMs) leaves = 'forecast';
  for (const e of mine) {
    if (e.kind !== 'venue' || e.event.kind !== 'mark') continue;
    const { symbol, price } = e.event;
    if (leavesTierBand(band, symbol, price)) return 'tier';
    if (leaves === null && leavesTierBand(forecast.band, symbol, price)) leaves = 'forecast';
  }
  return leaves;
}

export function monitorShard(options: ShardOptions): MonitorShard {
  const { log, staleAfterMs, saveEveryMs, calmEveryMs } = options;
  const calmBudgetMs = options.calmBudgetMs ?? Number.POSITIVE_INFINITY;
  const partEveryMs = options.partEveryMs ?? DEFAULT_PART_EVERY_MS;
  const byDevice = new Map<string, Watched[]>();
  /** venue -> symbol -> the monitors holding it. */
  const bySymbol = new Map<VenueId, Map<string, Set<Watched>>>();
  /** venue -> the monitors holding marks for a later step. */
  const holding = new Map<VenueId, Set<Watched>>();
  const holdingOf = (venue: VenueId): Set<Watched> => {
    let set = holding.get(venue);
    if (set === undefined) holding.set(venue, (set = new Set()));
    return set;
  };

  const index = (w: Watched, add: boolean): void => {
    let venue = bySymbol.get(w.account.venue);
    if (venue === undefined) bySymbol.set(w.account.venue, (venue = new Map()));
    for (const s of w.account.symbols) {
      let set = venue.get(s);
      if (set === undefined) venue.set(s, (set = new Set()));
      if (add) set.add(w);
      else set.delete(w);
    }
  };

  const unwatch = (deviceId: string): void => {
    for (const w of byDevice.get(deviceId) ?? []) {
      index(w, false);
      holding.get(w.account.venue)?.delete(w);
    }
    byDevice.delete(deviceId);
  };

  const parsedJson = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return null; // Refused by the reader, with the others.
    }
  };

  /** The saved monitor, and the last notice of its stored whole snapshot; null: nothing usable (logged). */
  const restored = (deviceId: string, accountId: string, saved: { readonly state: string; readonly alerts?: string | null }): { live: LiveMonitor; historyAfter: string | null } | null => {
    const whole = parsedJson(saved.state);
    if (saved.alerts != null) {
      // The newest alert state over the newest whole snapshot. A part that cannot be laid over it is
      // logged and the whole snapshot alone is restored (its alerts as of the last whole save).
      const part = parsedJson(saved.alerts);
      const merged = withAlertPart(whole, part, accountId);
      const read = isFieldError(merged) ? merged : parseMonitorSnapshot(merged);
      if (isFieldError(read)) log.error('saved alert part refused; restoring the whole snapshot alone', { deviceId, accountId, field: read.field, error: read.message });
      // The next parts follow the stored whole snapshot's history (read by withAlertPart just above).
      else {
        const after = wholeLastKey(whole);
        return { live: liveMonitorFrom(read), historyAfter: isFieldError(after) ? null : after };
      }
    }
    const snap = parseMonitorSnapshot(whole);
    if (isFieldError(snap)) log.error('saved monitor refused; starting afresh', { deviceId, accountId, field: snap.field, error: snap.message });
    else if (snap.options.accountId !== accountId) log.error('saved monitor is for another account; starting afresh', { deviceId, accountId });
    else return { live: liveMonitorFrom(snap), historyAfter: lastNoticeKey(snap.state.alerts.history) };
    return null;
  };

  function loadOne(load: DeviceLoad, nowMs: number): LoadResult {
    const { deviceId } = load;
    const gone = { deviceId, accounts: [] };
    if (load.body === null) {
      unwatch(deviceId);
      return gone;
    }
    const read = readDeviceAccounts(load.body);
    if ('error' in read) {
      log.error('stored snapshot unreadable; device not watched', { deviceId, error: read.error });
      unwatch(deviceId);
      return gone;
    }
    const before = new Map((byDevice.get(deviceId) ?? []).map((w) => [w.account.accountId, w]));
    const saved = new Map((load.monitors ?? []).map((m) => [m.accountId, m]));
    const next: Watched[] = [];
    for (const account of read.accounts) {
      const known = before.get(account.accountId);
      if (known !== undefined && known.account.venue === account.venue) {
        before.delete(account.accountId);
        index(known, false);
        // Its held marks stay: the changed account is stepped with the next batch, and gets them then.
        known.account = account;
        known.takenAtMs = read.takenAtMs;
        known.config = configOf(account);
        known.accountChanged = true;
        index(known, true);
        next.push(known);
        continue;
      }
      const savedState = saved.get(account.accountId);
      const back = savedState === undefined ? null : restored(deviceId, account.accountId, savedState);
      const w: Watched = {
        deviceId,
        account,
        takenAtMs: read.takenAtMs,
        config: configOf(account),
        live: back?.live ?? emptyLiveMonitor,
        accountChanged: true,
        // A monitor with nothing usable in the store is saved whole at its first step, pushes or not.
        savedAtMs: back === null ? Number.NEGATIVE_INFINITY : nowMs,
        historyAfter: back?.historyAfter ?? null,
        noticeTexts: new Map(),
        band: null,
        bandLeft: false,
        forecast: null,
        held: new Map(),
        heldSinceMs: nowMs,
        steppedAtMs: -Infinity,
      };
      index(w, true);
      next.push(w);
    }
    // Accounts the new snapshot no longer holds stop being watched (their saved state stays, unused).
    for (const gone of before.values()) {
      index(gone, false);
      holding.get(gone.account.venue)?.delete(gone);
    }
    byDevice.set(deviceId, next);
    return { deviceId, accounts: next.map((w) => ({ venue: w.account.venue, symbols: w.account.symbols })) };
  }

  return {
    load(loads, nowMs) {
      return loads.map((l) => loadOne(l, nowMs));
    },
    heldViews() {
      let n = 0;
      for (const watched of byDevice.values()) for (const w of watched) if (w.live.monitor?.view != null) n += 1;
      return n;
    },
    step(venue, events, prices, nowMs, firstEventAtMs = nowMs, onPart) {
      const venueIndex = bySymbol.get(venue);
      const held = holdingOf(venue);
      if (venueIndex === undefined) return { stepped: 0, early: 0, held: 0, saves: [] };
      // The monitors holding a symbol the batch is about, and those holding marks from earlier batches; each once.
      const touched = new Set<Watched>(held);
      const index = batchIndex(events);
      for (const s of index.symbols) for (const w of venueIndex.get(s) ?? []) touched.add(w);
      if (touched.size === 0) return { stepped: 0, early: 0, held: 0, saves: [] };
      const marks = new Map(prices.marks);
      const mids = new Map(prices.mids);
      const funding = new Map(prices.funding);
      const saves: ShareSave[] = [];
      let stepped = 0;
      let early = 0;
      let kept = 0;
      /** The counts and saves since the last part, which the next part (or the batch's end) carries. */
      const cut = (): StepResult => {
        const part = { stepped, early, held: kept, saves: saves.splice(0) };
        stepped = early = kept = 0;
        return part;
      };
      /** Inside its band and not due (or past the batch's budget): the marks wait for its next step, the newest per symbol. */
      const hold = (w: Watched, mine: readonly FeedEvent[]): void => {
        if (w.held.size === 0) w.heldSinceMs = firstEventAtMs;
        for (const e of mine) if (e.kind === 'venue' && e.event.kind === 'mark') w.held.set(e.event.symbol, e);
        held.add(w);
        kept += 1;
      };
      const stepOne = (w: Watched, mine: FeedEvent[], left: Left): void => {
        const leaves = left !== null;
        const tierLeft = left === 'tier';
        // Held marks first, as an earlier batch; a notice opens a batch of its own (liveMonitorBatch).
        const batches: FeedEvent[][] = [];
        const frameAtMs = w.held.size > 0 ? Math.min(w.heldSinceMs, firstEventAtMs) : firstEventAtMs;
        if (w.held.size > 0) {
          if (mine.length > 0 && isFeedNotice(mine[0]!)) batches.push([...w.held.values()], mine);
          else batches.push([...w.held.values(), ...mine]);
          w.held.clear();
          held.delete(w);
        } else batches.push(mine);
        const last = batches.at(-1)!;
        const changed = w.accountChanged;
        if (w.accountChanged) {
          // The snapshot's positions as a venue's positions event, at the batch's time (never ahead of it).
          const time = newestTime(batches.flat());
          if (time !== null) {
            const open = [...w.account.base.positions.values()];
            last.push({ kind: 'venue', event: { kind: 'positions', mode: 'snapshot', open, closed: [], time: epochMs(time) } satisfies VenueEvent });
          }
          w.accountChanged = false;
        }
        const state: AccountState = { ...w.account.base, marks, mids, funding };
        const decisions: AlertDecision[] = [];
        const before = w.live.monitor;
        // A calm step's marks were all inside the tier band (each checked when it came), and so were a
        // step's that only the forecast band asked for; a notice or a new snapshot is never calm. So the
        // band stays valid unless the exposure changed (tierBand: ~50 µs, 15 % of a share's step time in
        // the crash when rebuilt after every step): its edges hold for any marks inside them, wherever
        // the monitor was stepped last (tier-band.ts).
        const calmStep = !tierLeft && !w.bandLeft && w.band !== null && !changed && !batches.some((b) => b.some(isFeedNotice));
        try {
          for (const batch of batches) {
            const step = liveMonitorBatch(w.live, batch, state, w.config);
            w.live = step.live;
            decisions.push(...step.decisions);
          }
          const after = w.live.monitor;
          // Without a calm cadence every batch steps the monitor anyway: no band needed.
          if (after === null || calmEveryMs === 0) {
            w.band = null;
            w.forecast = null;
          } else {
            const sameBands = calmStep && before !== null && before.config === after.config && sameExposure(before.account, after.account);
            if (!sameBands) w.band = tierBand(after, sensitivityShares);
            // A calm step (every mark inside both bands, before the forecast band's time) that moved none
            // of the forecast band's other inputs keeps it: forecastBandHolds.
            if (!(sameBands && !leaves && w.forecast !== null && forecastBandHolds(before, after))) w.forecast = forecastBand(after);
          }
          // Nothing here reads the view again before the next step: let it die young (withoutView).
          if (after !== null) w.live = { ...w.live, monitor: withoutView(after) };
          w.bandLeft = false;
        } catch (error) {
          // One account's fault must not blind the relay to every other account on the venue.
          log.error('monitor step failed', { deviceId: w.deviceId, accountId: w.account.accountId, error: String(error) });
          return;
        }
        stepped += 1;
        if (leaves) early += 1;
        w.steppedAtMs = firstEventAtMs;
        const context = { deviceId: w.deviceId, accountId: w.account.accountId, takenAtMs: w.takenAtMs, staleAfterMs, nowMs };
        const pushes = decisions.length === 0 ? [] : alertPushes(decisions, context);
        // Only what is pushed must be durable before the push (with it, in one transaction). A step whose
        // decisions push nothing (a badge, a resolve: 40 % of the saves in the crash, 6 KB each) waits for
        // the periodic save: a restart restores the last pushed state and the next marks make those
        // decisions again, under the same ids, and they push nothing either.
        const wholeDue = nowMs - w.savedAtMs >= saveEveryMs;
        // Notices older than the ladder's longest re-entry period decide nothing: neither kept nor
        // saved (recent-history.ts). The history grows only with a notice; a restored one is cut at its
        // first whole save.
        if (decisions.length > 0 || wholeDue) w.live = withRecentHistory(w.live);
        if (pushes.length === 0 && !wholeDue) return;
        // A pushing step between whole saves saves its alert part alone (alert-part.ts: no options, no
        // estimates, only the notices after the whole snapshot's); a restart lays it over that snapshot.
        const part = wholeDue ? null : alertPartOf(w.live, w.account.accountId, w.historyAfter);
        let monitor: ShareSave['monitor'];
        if (part !== null) monitor = { deviceId: w.deviceId, accountId: w.account.accountId, state: null, alerts: alertPartJson(part, w.noticeTexts), savedAtMs: nowMs };
        else {
          const snapshot = snapshotLiveMonitor(w.live);
          if (snapshot === null) return;
          w.savedAtMs = nowMs;
          w.historyAfter = lastNoticeKey(snapshot.state.alerts.history);
          const state = wholeSnapshotJson(snapshot, w.noticeTexts);
          // The next parts carry only the notices after this save's: the texts start again from none.
          w.noticeTexts.clear();
          monitor = { deviceId: w.deviceId, accountId: w.account.accountId, state, savedAtMs: nowMs };
        }
        const kinds = new Map<string, string>(decisions.flatMap((d) => (d.kind === 'notify' ? [[`${d.alert.id}#${d.alert.reminder}`, d.alert.kind] as const] : [])));
        saves.push({
          monitor,
          pushes,
          firstEventAtMs: frameAtMs,
          early: leaves,
          alertKinds: pushes.map((p) => kinds.get(p.dedupeKey) ?? 'tier'),
        });
      };
      // Urgent first, in the order of what they may have to say: the monitors that crossed a tier or may
      // have (the newest marks cross a level, no band yet, a changed snapshot, a feed notice), then those
      // whose marks left only a band without crossing (the forecast band, or the tier band without a level
      // crossed: crossesTier), then those due at the calm cadence while the batch's budget
      // lasts; the rest keep their marks for the next batch (held monitors come first in it), so that a
      // busy share still answers within its budget and the next band-leaving mark is not queued behind a
      // whole pass. A monitor's step reads only its own state and the batch's prices (never changed by a
      // step): the order changes when a decision is made, never what it is (monitor-shard-order.test.ts).
      const tierFirst: [Watched, FeedEvent[], Left][] = [];
      const forecastNext: [Watched, FeedEvent[]][] = [];
      const due: [Watched, FeedEvent[]][] = [];
      // The budget counts the urgent steps too: in a burst they take it all, and the calm ones (reminders,
      // a tier left through its hysteresis: nothing that cannot wait a few batches) are put off, their marks kept, instead of lengthening every batch by the budget.
      const started = performance.now();
      for (const w of touched) {
        const mine = eventsFor(events, index, w.account.symbols);
        if (mine.length === 0 && w.held.size === 0) continue;
        const left = calmEveryMs > 0 ? leavesBands(w, mine) : null;
        if (left === 'tier' || w.accountChanged || mine.some(isFeedNotice)) tierFirst.push([w, mine, left]);
        else if (left === 'forecast') forecastNext.push([w, mine]);
        else if (firstEventAtMs - w.steppedAtMs >= calmEveryMs * CALM_SLACK) due.push([w, mine]);
        else hold(w, mine);
      }
      // The saves so far go out as a part (committed and pushed while the share steps on): once the
      // steps that may have crossed a tier are done, and after every partEveryMs of stepping.
      let partAt = started;
      const handOn = (now: number): void => {
        if (onPart === undefined || saves.length === 0) return;
        partAt = now;
        onPart(cut());
      };
      const afterStep = (): void => {
        if (onPart === undefined || saves.length === 0) return;
        const now = performance.now();
        if (now - partAt >= partEveryMs) handOn(now);
      };
      for (const [w, mine, left] of tierFirst) {
        stepOne(w, mine, left);
        afterStep();
      }
      handOn(performance.now());
      for (const [w, mine] of forecastNext) {
        stepOne(w, mine, 'forecast');
        afterStep();
      }
      // At least one a batch, so that a tight budget slows the calm cadence but never stops it.
      let calm = 0;
      for (const [w, mine] of due) {
        if (calm === 0 || performance.now() - started < calmBudgetMs) {
          stepOne(w, mine, null);
          calm += 1;
          afterStep();
        } else hold(w, mine);
      }
      return cut();
    },
  };
}
