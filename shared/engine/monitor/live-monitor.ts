import type { AlertDecision } from '../alerts/alert-decision.ts';
import { nextDueAt } from '../alerts/next-due-at.ts';
import type { MarginModel } from '../margin/margin-model.ts';
import type { Account } from '../positions/account.ts';
import { accountOf, type AccountState } from '../positions/account-state.ts';
import type { FeedEvent } from '../positions/feed-notices.ts';
import { createMonitor, monitorStep, type MarkHistory, type Monitor, type MonitorInput, type MonitorOptions } from './account-monitor.ts';
import { restoreMonitor, snapshotMonitor, type MonitorSnapshot } from './monitor-snapshot.ts';
import { markFunding } from './mark-funding.ts';

/**
 * The live engine: a feed's events, in the order the feed emits them, through the account monitor.
 * It is the only glue between `shared/feed` and `monitorStep`, so the extension, the relay and the demo
 * drive the monitor exactly as the replay does: marks as `marks`, every change of positions, balance or
 * tiers as a whole `account`, the feed's stale / fresh notices as `stale` / `recovered`.
 *
 * Time is the venue's (each event's own time), never the wall clock, and never goes back: a replay
 * of the marks a live session saw gives the same alert ids.
 *
 * A home that is killed and started again saves `snapshotLiveMonitor(live)` and starts from
 * `liveMonitorFrom(snapshot)`: the monitor is restored (open alerts, snoozes, history) as soon as the
 * feed holds a whole account again, instead of a fresh one that would notify everything anew.
 */
export interface LiveMonitor {
  /** Null until the feed holds a whole account (balance, positions, tiers, a mark for each). */
  readonly monitor: Monitor | null;
  /** Symbols the feed currently reports without a fresh mark. */
  readonly stale: readonly string[];
  readonly now: number | null;
  /** A saved monitor to restore once the account is whole (instead of creating one); null once restored. */
  readonly resume: MonitorSnapshot | null;
  /**
   * When each symbol's newest mark was handed to the monitor (batch time), kept by `liveMonitorBatch`:
   * a stale notice's `since` is the replay's (the tick that carried the mark), not the frame's own time.
   */
  readonly markedAt: Readonly<Record<string, number>>;
  /**
   * Stale symbols that came with a restored snapshot: the feed running now never flagged them, so it
   * will never say they are fresh. Its first mark for one says so in its place (the stale episode then
   * resolves under its old id). A stale or fresh notice from the feed hands the symbol back to the feed.
   */
  readonly restoredStale: readonly string[];
}

export interface LiveMonitorConfig {
  readonly model: MarginModel;
  readonly takerFeeRate: number;
  readonly options?: Partial<MonitorOptions>;
  readonly history?: MarkHistory;
}

export const emptyLiveMonitor: LiveMonitor = { monitor: null, stale: [], now: null, resume: null, markedAt: {}, restoredStale: [] };

/** A live monitor that goes on from a saved one (a snapshot read by parseMonitorSnapshot). */
export const liveMonitorFrom = (snapshot: MonitorSnapshot): LiveMonitor => ({
  monitor: null,
  stale: snapshot.live?.stale ?? [],
  now: snapshot.live?.now ?? snapshot.state.now,
  resume: snapshot,
  markedAt: snapshot.live?.markedAt ?? {},
  restoredStale: snapshot.live?.stale ?? [],
});

/** What a home saves; null while there is nothing to save (no whole account yet, nothing to resume). */
export function snapshotLiveMonitor(live: LiveMonitor): MonitorSnapshot | null {
  const facts = { stale: live.stale, now: live.now, markedAt: live.markedAt };
  if (live.monitor !== null) return snapshotMonitor(live.monitor, facts);
  return live.resume === null ? null : { ...live.resume, live: facts };
}

export interface LiveStep {
  readonly live: LiveMonitor;
  readonly decisions: readonly AlertDecision[];
}

/** Venue events that change the account the monitor hears (anything but marks, acks and errors). */
export const ACCOUNT_EVENTS: ReadonlySet<string> = new Set(['positions', 'balance', 'tiers', 'account-mode', 'instruments']);

/** The venue's time of an event (its own, or when it was fetched); null for the few without one. */
export function eventTime(event: FeedEvent): number | null {
  if (event.kind !== 'venue') return 'time' in event ? event.time : null;
  const e = event.event;
  return 'time' in e ? e.time : 'fetchedAt' in e ? e.fetchedAt : null;
}

/** `account`: the feed's account changed; the monitor hears the whole account, if it is whole yet. */
type LiveInput = MonitorInput | 'account';

/** What the monitor should hear about one feed event (already folded into `feedState`). */
function inputsFor(live: LiveMonitor, event: FeedEvent, feedState: AccountState): { inputs: LiveInput[]; stale: readonly string[] } {
  if (event.kind === 'venue') {
    const e = event.event;
    if (e.kind === 'mark') {
      // Before the account is whole, a mark may be the piece that completes it.
      const notice = markFunding(e);
      const marks = { [e.symbol]: e.price };
      const markInput: LiveInput = live.monitor === null ? 'account' : notice === null ? { kind: 'marks', marks } : { kind: 'marks', marks, funding: { [e.symbol]: notice } };
      if (!live.restoredStale.includes(e.symbol)) return { inputs: [markInput], stale: live.stale };
      // Stale since before a restart: this first mark is the fresh notice the new feed never sends.
      const stale = live.stale.filter((s) => s !== e.symbol);
      return { inputs: stale.length === 0 && live.stale.length > 0 ? [{ kind: 'recovered' }, markInput] : [markInput], stale };
    }
    if (e.kind === 'funding') {
      const notice = markFunding(e);
      return { inputs: live.monitor === null || notice === null ? [] : [{ kind: 'funding', funding: { [e.symbol]: notice } }], stale: live.stale };
    }
    return { inputs: ACCOUNT_EVENTS.has(e.kind) ? ['account'] : [], stale: live.stale };
  }
  if (event.kind === 'stale') {
    const stale = [...new Set([...live.stale, ...event.symbols])].sort();
    if (live.stale.length > 0) return { inputs: [], stale };
    const lastFresh = Math.min(...event.symbols.map((s) => feedState.marks.get(s)?.time ?? event.time));
    return { inputs: [{ kind: 'stale', since: lastFresh, reason: `no mark price for ${event.symbols.join(', ')}` }], stale };
  }
  if (event.kind === 'fresh') {
    const stale = live.stale.filter((s) => !event.symbols.includes(s));
    return { inputs: live.stale.length > 0 && stale.length === 0 ? [{ kind: 'recovered' }] : [], stale };
  }
  return { inputs: [], stale: live.stale };
}

/** A saved monitor back, once the feed holds a whole account (the venue's account now, valued at the saved marks). */
export function resumed(live: LiveMonitor, feedState: AccountState, config: LiveMonitorConfig): LiveMonitor {
  if (live.monitor !== null || live.resume === null) return live;
  const view = accountOf(feedState, { takerFeeRate: config.takerFeeRate });
  return view.ok ? { ...live, monitor: restoreMonitor(live.resume, { account: view.account, model: config.model }), resume: null } : live;
}

export function liveMonitorStep(saved: LiveMonitor, event: FeedEvent, feedState: AccountState, config: LiveMonitorConfig): LiveStep {
  // Restored before this event is heard, so that the event reaches it as it would have reached the saved one.
  const live = resumed(saved, feedState, config);
  const t = eventTime(event) ?? live.now;
  if (t === null) return { live, decisions: [] };
  const now = live.now === null ? t : Math.max(live.now, t);
  const { inputs, stale } = inputsFor(live, event, feedState);
  const decisions: AlertDecision[] = [];
  // Reminders and held notices due before this event fall due first, at their own time: what a home's
  // wake-up timer does between events, so that live and replay agree even without one.
  let monitor = live.monitor === null ? null : dueUntil(live.monitor, now, decisions);
  for (const input of inputs) {
    let step: MonitorInput;
    if (input === 'account') {
      const view = accountOf(feedState, { takerFeeRate: config.takerFeeRate });
      if (!view.ok) continue;
      step = { kind: 'account', account: view.account };
      monitor ??= startMonitor(view.account, config);
    } else {
      step = input;
    }
    if (monitor === null) continue;
    const result = monitorStep(monitor, step, now);
    monitor = result.monitor;
    decisions.push(...result.decisions);
  }
  return { live: { ...live, monitor, stale, now, restoredStale: stillRestored(live.restoredStale, event) }, decisions };
}

/** The restored stale symbols the feed has not yet spoken of after `event` (see `LiveMonitor.restoredStale`). */
export function stillRestored(restoredStale: readonly string[], event: FeedEvent): readonly string[] {
  if (restoredStale.length === 0) return restoredStale;
  if (event.kind === 'stale' || event.kind === 'fresh') return restoredStale.filter((s) => !event.symbols.includes(s));
  if (event.kind === 'venue' && event.event.kind === 'mark') {
    const symbol = event.event.symbol;
    return restoredStale.includes(symbol) ? restoredStale.filter((s) => s !== symbol) : restoredStale;
  }
  return restoredStale;
}

/** The monitor the live path starts once the feed's account is whole. */
export function startMonitor(account: Account, config: LiveMonitorConfig): Monitor {
  return createMonitor({
    account,
    model: config.model,
    ...(config.options === undefined ? {} : { options: config.options }),
    ...(config.history === undefined ? {} : { history: config.history }),
  });
}

/** Steps the monitor through every reminder due strictly before `until`, appending its decisions. */
export function dueUntil(monitor: Monitor, until: number, into: AlertDecision[]): Monitor {
  let m = monitor;
  const policy = m.config.policy;
  for (let due = nextDueAt(m.state.alerts, m.state.now ?? until, policy); due !== null && due < until; due = nextDueAt(m.state.alerts, due, policy)) {
    const step = monitorStep(m, { kind: 'clock' }, due);
    m = step.monitor;
    into.push(...step.decisions);
  }
  return m;
}

/** A home's wake-up timer fired at `now` (see `nextDueAt` for when to set it): reminders fall due. */
export function liveMonitorClock(live: LiveMonitor, now: number): LiveStep {
  if (live.monitor === null || (live.now !== null && now < live.now)) return { live, decisions: [] };
  const decisions: AlertDecision[] = [];
  const stepped = monitorStep(dueUntil(live.monitor, now, decisions), { kind: 'clock' }, now);
  decisions.push(...stepped.decisions);
  return { live: { ...live, monitor: stepped.monitor, now }, decisions };
}
