import { DEFAULT_ALERT_POLICY } from '../../shared/engine/alerts/alert-ladder.ts';
import type { AlertDecision } from '../../shared/engine/alerts/alert-decision.ts';
import { monitorStep, type MarkHistory as WarmHistory, type MonitorOptions } from '../../shared/engine/monitor/account-monitor.ts';
import { isFeedNotice, liveMonitorBatch } from '../../shared/engine/monitor/live-batch.ts';
import { emptyLiveMonitor, liveMonitorFrom, snapshotLiveMonitor, type LiveMonitor } from '../../shared/engine/monitor/live-monitor.ts';
import type { MonitorSnapshot } from '../../shared/engine/monitor/monitor-snapshot.ts';
import type { Account, VenueId } from '../../shared/engine/positions/account.ts';
import { isMarkLeavingBand, tierBand, type TierBand } from '../../shared/engine/monitor/tier-band.ts';
import type { AccountState } from '../../shared/engine/positions/account-state.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import { defaultTakerFeeRate, venueAdapters } from '../../shared/exchanges/venues.ts';
import { createEventBatcher } from '../../shared/feed/event-batcher.ts';
import { createFeed, type Feed, type FeedOptions } from '../../shared/feed/feed.ts';
import { createManualFeed, manualSymbols } from '../../shared/feed/manual-feed.ts';
import type { AccountReport } from '../../shared/protocol/account-report.ts';
import { emptyAlertLog, logDecisions, type AlertEntry, type AlertLog } from '../../shared/protocol/alert-log.ts';
import { liveAccountReport } from '../../shared/protocol/feed-figures.ts';

/**
 * One account's data path, platform-free so it runs in the worker and in a Node test alike: its feed
 * (through the shared adapters), the batched live monitor (one evaluation per batch of events), the
 * alert log, and the account report built from them. The worker composes one per configured account
 * and decides where reports, alerts and snapshots go.
 */
export type RunnerPorts = Pick<FeedOptions, 'endpoints' | 'access' | 'socketFactory' | 'clock' | 'http' | 'hmac' | 'random'>;

export interface RunnerHooks {
  /** After every batch that moved the monitor (and on a snooze). */
  readonly onReport: (report: AccountReport) => void;
  /** Each decision that changed the log, with the entry as logged (its numbers, its resolve). */
  readonly onAlert: (entry: AlertEntry, action: 'notify' | 'resolve') => void;
  /** After each batch with decisions: the moment to save. */
  readonly onDecisions: () => void;
  /** Each batch's newest mark per symbol, venue time (for the rolling mark history). */
  readonly onMarks?: (marks: Readonly<Record<string, number>>, t: number) => void;
  /**
   * Where the report is built and handed to `onReport`: the worker's deferred work (shared/feed/deferred-work.ts),
   * after the alerts of every batch of the same burst are out; a job passed again before it ran may
   * replace the older one (the report is read when the job runs). Default: at once, in the batch.
   */
  readonly later?: (job: () => void) => void;
}

export interface SavedAccount {
  readonly monitor: MonitorSnapshot | null;
  readonly log: AlertLog;
}

export interface AccountRunner {
  start(): void;
  stop(): void;
  /** The report now, or null before the monitor has a whole account. */
  report(): AccountReport | null;
  /** The account as the monitor last evaluated it (what a relay snapshot carries), or null before that. */
  account(): Account | null;
  /** What to persist: the monitor snapshot (null: nothing yet) and the alert log. */
  saved(): SavedAccount;
  snooze(subject: string, untilMs: number | null): void;
  unsnooze(subject: string): void;
}

/** Who the runner watches; `manual`: positions typed by hand, valued at the venue's public marks. */
export interface RunnerAccount {
  readonly id: string;
  readonly venue: VenueId;
  readonly mode: 'demo' | 'live' | 'manual';
}

export interface RunnerSetup {
  readonly account: RunnerAccount;
  /** The typed account of a manual one (parse-account-input.ts), else null. */
  readonly manual?: Account | null;
  readonly options: Partial<Omit<MonitorOptions, 'accountId'>>;
  readonly restored: SavedAccount | null;
  readonly history?: WarmHistory;
  /** The batch window, ms (default 100: below every venue's mark interval). */
  readonly batchMs?: number;
}

/** The newest mark per symbol in a batch and the batch's time. */
function batchMarks(events: readonly FeedEvent[]): { marks: Record<string, number>; t: number } | null {
  const marks: Record<string, number> = {};
  let t = -1;
  for (const e of events) {
    if (e.kind !== 'venue' || e.event.kind !== 'mark') continue;
    marks[e.event.symbol] = e.event.price;
    t = Math.max(t, e.event.time);
  }
  return t < 0 ? null : { marks, t };
}

export function createAccountRunner(setup: RunnerSetup, ports: RunnerPorts, hooks: RunnerHooks): AccountRunner {
  const { account } = setup;
  const venue = account.venue;
  const adapter = venueAdapters[venue];
  const config = {
    model: adapter.margin,
    takerFeeRate: defaultTakerFeeRate[venue],
    options: { ...setup.options, accountId: account.id },
    ...(setup.history === undefined ? {} : { history: setup.history }),
  };
  const ladder = setup.options.policy?.ladder ?? DEFAULT_ALERT_POLICY.ladder;
  // Restored: the monitor resumes (same open alerts, same ids) once the feed holds a whole account again.
  let live: LiveMonitor = setup.restored?.monitor == null ? emptyLiveMonitor : liveMonitorFrom(setup.restored.monitor);
  let log: AlertLog = setup.restored?.log ?? emptyAlertLog;
  let feed: Feed | null = null;
  let stopped = false;
  // Where the marks may move without crossing a tier: a mark that leaves it is judged at once, not after the window.
  let band: TierBand = {};

  const report = (): AccountReport | null => {
    const monitor = live.monitor;
    if (feed === null || monitor === null) return null;
    return liveAccountReport({
      accountId: account.id,
      mode: account.mode,
      monitor,
      model: adapter.margin,
      ladder,
      alertLog: log,
      feedState: feed.state(),
      health: feed.health(),
      // The venue's clock (the simulator's runs faster than ours): figures are aged against the data.
      now: live.now ?? monitor.state.now ?? ports.clock.now(),
    });
  };

  const hear = (decisions: readonly AlertDecision[]): void => {
    if (decisions.length === 0) return;
    log = logDecisions(log, decisions);
    for (const d of decisions) {
      const id = d.kind === 'notify' ? d.alert.id : d.kind === 'resolve' ? d.id : null;
      const entry = id === null ? undefined : log.entries.find((e) => e.id === id);
      if (entry !== undefined) hooks.onAlert(entry, d.kind === 'notify' ? 'notify' : 'resolve');
    }
    hooks.onDecisions();
  };

  const publishNow = (): void => {
    // Stopped (removed or edited) while its report waited: the page must not see it again.
    if (stopped) return;
    const r = report();
    if (r !== null) hooks.onReport(r);
  };
  const publish = (): void => (hooks.later === undefined ? publishNow() : hooks.later(publishNow));

  const onBatch = (events: readonly FeedEvent[]): void => {
    if (feed === null) return;
    const step = liveMonitorBatch(live, events, feed.state(), config);
    live = step.live;
    // The notices first, then the band the next marks are judged against.
    hear(step.decisions);
    band = tierBand(live.monitor);
    const m = batchMarks(events);
    if (m !== null) hooks.onMarks?.(m.marks, m.t);
    publish();
  };

  const batcher = createEventBatcher<FeedEvent>(
    ports.clock,
    { windowMs: setup.batchMs ?? 100, startsBatch: isFeedNotice, endsBatch: (e) => isMarkLeavingBand(band, e) },
    onBatch,
  );
  const applyToMonitor = (input: Parameters<typeof monitorStep>[1]): void => {
    if (live.monitor === null || live.now === null) return;
    const step = monitorStep(live.monitor, input, live.now);
    live = { ...live, monitor: step.monitor };
    hear(step.decisions);
    publish();
  };

  return {
    start() {
      stopped = false;
      const onEvent = (e: FeedEvent): void => batcher.push(e);
      const manual = setup.manual ?? null;
      // A manual account reads no private stream: the public marks only, with the typed account laid over them.
      feed ??= manual === null ? createFeed({ adapter, ...ports, onEvent }) : createManualFeed(manual, createFeed({ adapter, ...ports, access: {}, watch: manualSymbols(manual), onEvent }), onEvent, () => ports.clock.now());
      feed.start();
    },
    stop() {
      stopped = true;
      feed?.stop();
      batcher.stop();
    },
    report,
    account: () => live.monitor?.account ?? null,
    saved() {
      // Reminders and notices are driven by batches: what is pending is handed on before saving.
      batcher.flush();
      return { monitor: snapshotLiveMonitor(live), log };
    },
    snooze: (subject, untilMs) => applyToMonitor({ kind: 'snooze', subject, untilMs }),
    unsnooze: (subject) => applyToMonitor({ kind: 'unsnooze', subject }),
  };
}
