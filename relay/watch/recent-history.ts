import { longestReentryMs } from '../../shared/engine/alerts/subject-alerts.ts';
import type { LiveMonitor } from '../../shared/engine/monitor/live-monitor.ts';

/**
 * The relay keeps only the part of a monitor's alert history the policy can still read. The policy
 * reads it for one thing: when a tier or forecast was last noticed (`lastNoticeAt`), against that
 * tier's re-entry period (`reentryPeriodMs`: at most an hour with the default ladder). A notice older
 * than the longest re-entry period of the ladder changes no decision: `max(now, last + period)` is
 * `now` and `now < last + period` is false, as with no notice at all, and the monitor's clock never
 * goes back. So the notices of the last such period are kept, the older ones dropped: a device kept
 * for weeks saves an hour's notices, not `historyLimit` (500, ~320 KB) of them. The homes keep the
 * whole history (the trader reads it there); the relay's is only for restarts.
 */

/** The live monitor with its history cut to the notices of the last longest re-entry period (itself when none is older). */
export function withRecentHistory(live: LiveMonitor): LiveMonitor {
  const monitor = live.monitor;
  if (monitor === null || monitor.state.now === null) return live;
  const { history } = monitor.state.alerts;
  const from = monitor.state.now - longestReentryMs(monitor.config.policy.ladder);
  // Oldest first, in the monitor's time: the first record still inside the period.
  let keep = 0;
  while (keep < history.length && history[keep]!.t <= from) keep += 1;
  if (keep === 0) return live;
  const alerts = { ...monitor.state.alerts, history: history.slice(keep) };
  return { ...live, monitor: { ...monitor, state: { ...monitor.state, alerts } } };
}
