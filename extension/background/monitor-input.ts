import type { AlertDecision } from '../../shared/engine/alerts/alert-decision.ts';
import { monitorStep, type MonitorInput } from '../../shared/engine/monitor/account-monitor.ts';
import type { LiveMonitor } from '../../shared/engine/monitor/live-monitor.ts';


/** A user's input (snooze) to a live monitor at venue time `now`: the monitor's own step, the live wrapper kept. */
export function monitorInput(live: LiveMonitor, input: MonitorInput, now: number): { live: LiveMonitor; decisions: readonly AlertDecision[] } {
  if (live.monitor === null) return { live, decisions: [] };
  const step = monitorStep(live.monitor, input, now);
  return { live: { ...live, monitor: step.monitor }, decisions: step.decisions };
}
