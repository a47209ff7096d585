import type { AlertDecision } from '../../shared/engine/alerts/alert-decision.ts';
import { isFeedNotice, liveMonitorBatch } from '../../shared/engine/monitor/live-batch.ts';
import type { LiveMonitor, LiveMonitorConfig } from '../../shared/engine/monitor/live-monitor.ts';
import { isMarkLeavingBand, tierBand, type TierBand } from '../../shared/engine/monitor/tier-band.ts';
import { monitorInput } from './monitor-input.ts';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import { createEventBatcher } from '../../shared/feed/event-batcher.ts';
import type { Feed } from '../../shared/feed/feed.ts';
import type { Clock } from '../../shared/ports/clock.ts';
import type { AccountReport } from '../../shared/protocol/account-report.ts';
import { logDecisions, type AlertLog } from '../../shared/protocol/alert-log.ts';
import { liveAccountReport } from '../../shared/protocol/feed-figures.ts';

/**
 * One watched account: its feed, the live monitor stepped once per batch of feed events (the coalesced
 * path, docs/performance.md), and the alert log. Decisions go out through `onDecisions` (the worker
 * notifies and saves); the report is built on demand from the monitor's last evaluation, the same way
 * every home builds it (docs/protocol.md).
 */

/**
 * The batch window: at or below every venue's mark interval (Bybit tickers 100 ms, OKX 200 ms, Binance
 * and Hyperliquid 1 s), so a batch holds at most the newest mark of each symbol and no notice waits a tick.
 * A mark that leaves its tier band (shared/engine/monitor/tier-band.ts) does not wait for it.
 */
export const BATCH_WINDOW_MS = 100;
export interface WatchedAccount {
  readonly accountId: string;
  readonly venue: VenueId;
  readonly mode: 'live' | 'demo';
}

export interface AccountWatch {
  readonly account: WatchedAccount;
  start(): void;
  stop(): void;
  /** Hands the pending batch to the monitor now (before a save, so the snapshot holds every event heard). */
  flush(): void;
  live(): LiveMonitor;
  log(): AlertLog;
  /** null until the monitor has evaluated a whole account. */
  report(now: number): AccountReport | null;
  /** Snoozes a subject for `minutes` of venue time; the policy's decisions go out as usual. */
  snooze(subject: string, minutes: number): number | null;
}

export interface AccountWatchSetup {
  readonly account: WatchedAccount;
  readonly config: LiveMonitorConfig;
  readonly restored: { readonly live: LiveMonitor; readonly log: AlertLog };
  /** Times the batch window. */
  readonly clock: Pick<Clock, 'setTimer'>;
  /** Builds the feed; its events must be handed to the `onEvent` given. */
  readonly feed: (onEvent: (event: FeedEvent) => void) => Feed;
  readonly onDecisions: (watch: AccountWatch, decisions: readonly AlertDecision[]) => void;
}

export function createAccountWatch(setup: AccountWatchSetup): AccountWatch {
  let live = setup.restored.live;
  let log = setup.restored.log;
  const { config } = setup;
  // Where the marks may move without crossing a tier: a mark that leaves it is judged at once, not after the window.
  let band: TierBand = {};
  const apply = (step: { live: LiveMonitor; decisions: readonly AlertDecision[] }): void => {
    live = step.live;
    // The notices first, then the band the next marks are judged against.
    if (step.decisions.length > 0) {
      log = logDecisions(log, step.decisions);
      setup.onDecisions(watch, step.decisions);
    }
    band = tierBand(live.monitor);
  };
  // A feed notice (stale, fresh) opens a batch of its own: stepped after the marks before it, before those after.
  const batcher = createEventBatcher<FeedEvent>(setup.clock, { windowMs: BATCH_WINDOW_MS, startsBatch: isFeedNotice, endsBatch: (e) => isMarkLeavingBand(band, e) }, (events) =>
    apply(liveMonitorBatch(live, events, feed.state(), config)),
  );
  const feed = setup.feed((event) => {
    batcher.push(event);
  });
  const watch: AccountWatch = {
    account: setup.account,
    start: () => feed.start(),
    stop: () => {
      feed.stop();
      batcher.flush();
      batcher.stop();
    },
    flush: () => batcher.flush(),
    live: () => live,
    log: () => log,
    report(now) {
      const monitor = live.monitor;
      if (monitor === null) return null;
      return liveAccountReport({
        accountId: setup.account.accountId,
        mode: setup.account.mode,
        monitor,
        model: config.model,
        ladder: monitor.config.policy.ladder,
        alertLog: log,
        feedState: feed.state(),
        health: feed.health(),
        now,
      });
    },
    snooze(subject, minutes) {
      batcher.flush(); // what arrived before the click is heard first: time never goes back
      const now = live.now;
      if (live.monitor === null || now === null) return null;
      const untilMs = now + minutes * 60_000;
      apply(monitorInput(live, { kind: 'snooze', subject, untilMs }, now));
      return untilMs;
    },
  };
  return watch;
}
