import type { MarginModel } from '../margin/margin-model.ts';
import type { Account } from '../positions/account.ts';
import { correlationFor } from '../projection/correlation.ts';
import { monitorConfig, type Monitor, type MonitorConfig, type MonitorOptions, type MonitorState } from './account-monitor.ts';
import { withMarks } from './with-marks.ts';

/**
 * A saved monitor: what a home writes to storage before its worker, page or process is killed, and
 * takes back on the next start, so that open alerts keep their ids (and are resolved, not notified
 * again), snoozes hold and the history goes on. Plain JSON, every number finite or null; the parser
 * (parse-monitor-snapshot.ts) reads it back field by field. docs/monitor-state.md has the format.
 *
 * Not in it, by design: the margin model (functions: the venue's, passed in again), the account (the
 * venue's truth, read again from the venue on restart; positions may have changed meanwhile) and the
 * last evaluation (deterministic: the first step after the restore rebuilds it).
 */
export const MONITOR_SNAPSHOT_VERSION = 1;

export interface MonitorSnapshot {
  readonly version: typeof MONITOR_SNAPSHOT_VERSION;
  /** The options the monitor ran with: the policy that opened the saved alerts goes on deciding them. */
  readonly options: MonitorOptions;
  /** Time, marks, volatility, correlation, the stale fact, the alert state (snoozes, history), rejected count. */
  readonly state: MonitorState;
  /** What the live monitor keeps beside its monitor (live-monitor.ts); null when saved from a bare monitor. */
  readonly live: LiveMonitorFacts | null;
}

export interface LiveMonitorFacts {
  /** Symbols the feed reported without a fresh mark, sorted. */
  readonly stale: readonly string[];
  /** The live monitor's clock (the newest event time), ms; null before the first event. */
  readonly now: number | null;
  /**
   * When each symbol's newest mark was handed to the monitor (batched live path): a stale alert's id
   * carries it, so it must survive a restart for the id to be the one an uncut run gives.
   */
  readonly markedAt: Readonly<Record<string, number>>;
}

/** The options alone: the config without the model and the horizons derived from the options. */
export function optionsOf(config: MonitorConfig): MonitorOptions {
  const { accountId, policy, volatility, correlation, horizonsSec, target, liquidationOdds, forecastTerms } = config;
  return { accountId, policy, volatility, correlation, horizonsSec, target, liquidationOdds, forecastTerms };
}

/** The monitor as plain data (shares the state's objects: the state is immutable; serialise it to keep it). */
export function snapshotMonitor(monitor: Monitor, live: LiveMonitorFacts | null = null): MonitorSnapshot {
  return { version: MONITOR_SNAPSHOT_VERSION, options: optionsOf(monitor.config), state: monitor.state, live };
}

export interface RestoreSetup {
  /** The account as the venue reports it now; valued at the saved marks, as the monitor values every account it hears. */
  readonly account: Account;
  /** The venue's margin rules: `marginModels[account.exchange]`. */
  readonly model: MarginModel;
}

/**
 * The monitor a snapshot describes (a snapshot read by parseMonitorSnapshot, or one this build made).
 * Its view is empty until the next step, which evaluates afresh: the same facts the saved monitor had,
 * so the same decisions.
 */
export function restoreMonitor(snapshot: MonitorSnapshot, setup: RestoreSetup): Monitor {
  const { state } = snapshot;
  // Positions opened or closed while the home was down: the correlation follows the account's symbols,
  // as it does when the monitor hears an account (the same state when they are unchanged).
  const correlation = correlationFor(state.correlation, setup.account.positions.map((p) => p.symbol));
  return {
    config: monitorConfig(snapshot.options, setup.model),
    account: withMarks(setup.account, state.marks),
    state: correlation === state.correlation ? state : { ...state, correlation },
    view: null,
    kept: null,
  };
}
