import type { AccountState } from '../engine/positions/account-state.ts';
import type { Monitor } from '../engine/monitor/account-monitor.ts';
import type { AccountReport, VenueFigure } from './account-report.ts';
import { accountReport, type ReportInputs } from './account-report-builder.ts';

/**
 * What an account report carries from the feed besides the monitor's evaluation, the same in every
 * home: the venue's own liquidation figure per position with the time it was reported, and the time
 * of the newest price per symbol (mark, or mid until a mark arrives).
 */
export function venueFigures(feed: AccountState): Record<string, VenueFigure> {
  const out: Record<string, VenueFigure> = {};
  for (const p of feed.positions.values()) {
    const at = feed.reportedAt.get(p.key);
    if (p.venueLiquidationPrice !== undefined && at !== undefined) out[`${p.symbol}:${p.side}`] = { liquidationPrice: p.venueLiquidationPrice, at };
  }
  return out;
}

export function lastPriceAt(feed: AccountState): Record<string, number> {
  const out: Record<string, number> = {};
  for (const prices of [feed.marks, feed.mids]) for (const [symbol, p] of prices) out[symbol] = Math.max(out[symbol] ?? 0, p.time);
  return out;
}

/** What a home knows of a running feed and its monitor; the report is the same in every home. */
export interface LiveReportInputs {
  readonly accountId: string;
  readonly mode: ReportInputs['mode'];
  readonly monitor: Monitor;
  readonly model: ReportInputs['model'];
  readonly ladder: ReportInputs['ladder'];
  readonly alertLog: ReportInputs['alertLog'];
  readonly feedState: AccountState;
  readonly health: { readonly connections: NonNullable<ReportInputs['feed']>['connections']; readonly stale: readonly string[] };
  readonly now: number;
}

/** The AccountReport of a live monitor and its feed; null until the monitor has evaluated the account. */
export function liveAccountReport(inputs: LiveReportInputs): AccountReport | null {
  const { monitor, feedState } = inputs;
  if (monitor.view === null) return null;
  return accountReport({
    accountId: inputs.accountId,
    mode: inputs.mode,
    account: monitor.account,
    model: inputs.model,
    view: monitor.view,
    ladder: inputs.ladder,
    alertState: monitor.state.alerts,
    alertLog: inputs.alertLog,
    stale: monitor.state.stale,
    feed: { connections: inputs.health.connections, staleSymbols: inputs.health.stale, lastMarkAt: lastPriceAt(feedState) },
    venueFigures: venueFigures(feedState),
    minuteMoves: monitor.state.minuteMoves,
    now: inputs.now,
  });
}
