import { createMonitor, monitorStep, type Monitor, type MonitorInput } from '../../shared/engine/monitor/account-monitor.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import { DEFAULT_ALERT_POLICY } from '../../shared/engine/alerts/alert-ladder.ts';
import { parseAccountInput } from '../../shared/exchanges/parse-account-input.ts';
import { marginModels } from '../../shared/exchanges/venues.ts';
import type { AccountReport } from '../../shared/protocol/account-report.ts';
import { accountReport } from '../../shared/protocol/account-report-builder.ts';
import { emptyAlertLog, logDecisions, type AlertLog } from '../../shared/protocol/alert-log.ts';
import { binanceDemoAccountJson, CRASH_START, scenarioSeries } from './replay-documents.ts';

/**
 * Real monitor outputs for the protocol tests: the Binance demo account through one hour of the crash
 * scenario (every tier, then past liquidation), with a feed outage and a snooze on the way, a report
 * built every `every` ticks from the monitor's view as a home would build it.
 */
export const CRASH_ACCOUNT_ID = 'binance:demo';

export interface CrashRun {
  readonly reports: readonly AccountReport[];
  readonly log: AlertLog;
  readonly last: Monitor;
}

export function reportOf(monitor: Monitor, log: AlertLog, now: number): AccountReport {
  if (monitor.view === null) throw new Error('the monitor has not evaluated yet');
  return accountReport({
    accountId: CRASH_ACCOUNT_ID,
    mode: 'demo',
    account: monitor.account,
    model: marginModels[monitor.account.exchange],
    view: monitor.view,
    ladder: DEFAULT_ALERT_POLICY.ladder,
    alertState: monitor.state.alerts,
    alertLog: log,
    stale: monitor.state.stale,
    feed: null,
    minuteMoves: monitor.state.minuteMoves,
    now,
  });
}

export function crashRun(every = 6): CrashRun {
  const input = parseAccountInput(binanceDemoAccountJson());
  if (isFieldError(input)) throw new Error(input.message);
  const hour = 3_600_000;
  let state = createMonitor({
    account: input.account,
    model: marginModels.binance,
    options: { accountId: CRASH_ACCOUNT_ID },
    history: scenarioSeries('calm', { startMs: CRASH_START - hour, stepMs: 60_000, durationMs: hour - 60_000, seed: 41 }),
  });
  let log = emptyAlertLog;
  const reports: AccountReport[] = [];
  const ticks = scenarioSeries('crash', { startMs: CRASH_START, stepMs: 5_000, durationMs: hour, seed: 42 });
  const step = (input: MonitorInput, t: number) => {
    const next = monitorStep(state, input, t);
    state = next.monitor;
    log = logDecisions(log, next.decisions);
  };
  ticks.forEach(([t, marks], i) => {
    step({ kind: 'marks', marks }, t);
    // A feed outage of two minutes, ten minutes in, and a snooze of the pool right after it.
    if (i === 120) step({ kind: 'stale', since: t - 10_000, reason: 'no mark price for BTCUSDT' }, t);
    if (i === 144) step({ kind: 'recovered' }, t);
    if (i === 150) step({ kind: 'snooze', subject: `${CRASH_ACCOUNT_ID}:cross`, untilMs: t + 600_000 }, t);
    if (i % every === 0 || i === ticks.length - 1) reports.push(reportOf(state, log, t + 1_500));
  });
  return { reports, log, last: state };
}
