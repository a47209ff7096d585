import type { AlertDecision } from '../../shared/engine/alerts/alert-decision.ts';
import { liveMonitorStep, type LiveMonitor, type LiveMonitorConfig } from '../../shared/engine/monitor/live-monitor.ts';
import { monitorInput } from './monitor-input.ts';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { AccountState } from '../../shared/engine/positions/account-state.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import type { Feed } from '../../shared/feed/feed.ts';
import type { AccountReport, VenueFigure } from '../../shared/protocol/account-report.ts';
import { accountReport } from '../../shared/protocol/account-report-builder.ts';
import { logDecisions, type AlertLog } from '../../shared/protocol/alert-log.ts';

/**
 * One watched account: its feed, the live monitor stepped on every feed event, and the alert log.
 * Decisions go out through `onDecisions` (the worker notifies and saves); the report is built on demand
 * from the monitor's last evaluation, the same way every home builds it (docs/protocol.md).
 */
export interface WatchedAccount {
  readonly accountId: string;
  readonly venue: VenueId;
  readonly mode: 'live' | 'demo';
}

export interface AccountWatch {
  readonly account: WatchedAccount;
  start(): void;
  stop(): void;
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
  /** Builds the feed; its events must be handed to the `onEvent` given. */
  readonly feed: (onEvent: (event: FeedEvent) => void) => Feed;
  readonly onDecisions: (watch: AccountWatch, decisions: readonly AlertDecision[]) => void;
}

function venueFigures(feed: AccountState): Record<string, VenueFigure> {
  const out: Record<string, VenueFigure> = {};
  for (const p of feed.positions.values()) {
    const at = feed.reportedAt.get(p.key);
    if (p.venueLiquidationPrice !== undefined && at !== undefined) out[`${p.symbol}:${p.side}`] = { liquidationPrice: p.venueLiquidationPrice, at };
  }
  return out;
}

function lastPriceAt(feed: AccountState): Record<string, number> {
  const out: Record<string, number> = {};
  for (const prices of [feed.marks, feed.mids]) for (const [symbol, p] of prices) out[symbol] = Math.max(out[symbol] ?? 0, p.time);
  return out;
}

export function createAccountWatch(setup: AccountWatchSetup): AccountWatch {
  let live = setup.restored.live;
  let log = setup.restored.log;
  const { config } = setup;
  const apply = (step: { live: LiveMonitor; decisions: readonly AlertDecision[] }): void => {
    live = step.live;
    if (step.decisions.length === 0) return;
    log = logDecisions(log, step.decisions);
    setup.onDecisions(watch, step.decisions);
  };
  const feed = setup.feed((event) => apply(liveMonitorStep(live, event, feed.state(), config)));
  const watch: AccountWatch = {
    account: setup.account,
    start: () => feed.start(),
    stop: () => feed.stop(),
    live: () => live,
    log: () => log,
    report(now) {
      const monitor = live.monitor;
      if (monitor === null || monitor.view === null) return null;
      const state = feed.state();
      const health = feed.health();
      return accountReport({
        accountId: setup.account.accountId,
        mode: setup.account.mode,
        account: monitor.account,
        model: config.model,
        view: monitor.view,
        ladder: monitor.config.policy.ladder,
        alertState: monitor.alerts,
        alertLog: log,
        stale: monitor.stale,
        feed: { connections: health.connections, staleSymbols: health.stale, lastMarkAt: lastPriceAt(state) },
        venueFigures: venueFigures(state),
        now,
      });
    },
    snooze(subject, minutes) {
      const now = live.now;
      if (live.monitor === null || now === null) return null;
      const untilMs = now + minutes * 60_000;
      apply(monitorInput(live, { kind: 'snooze', subject, untilMs }, now));
      return untilMs;
    },
  };
  return watch;
}
