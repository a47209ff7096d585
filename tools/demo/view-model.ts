import type { TierRule } from '../../shared/engine/alerts/alert-ladder.ts';
import type { MarginModel } from '../../shared/engine/margin/margin-model.ts';
import type { LiveMonitor } from '../../shared/engine/monitor/live-monitor.ts';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import { accountOf, type AccountState, type MissingPiece } from '../../shared/engine/positions/account-state.ts';
import type { FeedHealth } from '../../shared/engine/positions/feed-notices.ts';
import type { AccountReport, VenueFigure } from '../../shared/protocol/account-report.ts';
import { accountReport } from '../../shared/protocol/account-report-builder.ts';
import type { AlertLog } from '../../shared/protocol/alert-log.ts';

/**
 * What the demo page shows for one venue: the feed's own counters and, once the live monitor has
 * evaluated the account, its figures as protocol data (shared/protocol), the same data a PWA screen,
 * the extension's popup and the relay get. Nothing here computes a figure: the report is the monitor's.
 */
export interface VenueView {
  readonly venue: VenueId;
  readonly connections: FeedHealth['connections'];
  readonly counters: FeedHealth['counters'];
  /** What the account still lacks (empty once complete). */
  readonly missing: readonly string[];
  /** null: the monitor has not seen a whole account yet. */
  readonly report: AccountReport | null;
  readonly lastMarginCall: string | null;
}

export interface DemoVenue {
  readonly accountId: string;
  readonly model: MarginModel;
  readonly ladder: readonly TierRule[];
  readonly takerFeeRate: number;
}

const missingText = (m: MissingPiece): string => ('symbol' in m ? `${m.what} ${m.symbol}` : m.what);

/** The venue's own liquidation estimates, by position key, with the time the venue sent each. */
function venueFigures(feed: AccountState): Record<string, VenueFigure> {
  const out: Record<string, VenueFigure> = {};
  for (const p of feed.positions.values()) {
    const at = feed.reportedAt.get(p.key);
    if (p.venueLiquidationPrice !== undefined && at !== undefined) out[`${p.symbol}:${p.side}`] = { liquidationPrice: p.venueLiquidationPrice, at };
  }
  return out;
}

/** The newest price time per symbol: its mark, or its mid where the venue values by mids (Hyperliquid). */
function lastPriceAt(feed: AccountState): Record<string, number> {
  const out: Record<string, number> = {};
  for (const prices of [feed.marks, feed.mids]) for (const [symbol, p] of prices) out[symbol] = Math.max(out[symbol] ?? 0, p.time);
  return out;
}

export function venueView(feed: AccountState, health: FeedHealth, live: LiveMonitor, log: AlertLog, venue: DemoVenue, now: number): VenueView {
  const whole = accountOf(feed, { takerFeeRate: venue.takerFeeRate });
  const monitor = live.monitor;
  const report =
    monitor === null || monitor.view === null
      ? null
      : accountReport({
          accountId: venue.accountId,
          mode: 'demo',
          account: monitor.account,
          model: venue.model,
          view: monitor.view,
          ladder: venue.ladder,
          alertState: monitor.state.alerts,
          alertLog: log,
          stale: monitor.state.stale,
          feed: {
            connections: health.connections,
            staleSymbols: health.stale,
            lastMarkAt: lastPriceAt(feed),
          },
          venueFigures: venueFigures(feed),
          minuteMoves: monitor.state.minuteMoves,
          now,
        });
  return {
    venue: feed.venue,
    connections: health.connections,
    counters: health.counters,
    missing: whole.ok ? [] : whole.missing.map(missingText),
    report,
    lastMarginCall: feed.lastMarginCall === null ? null : feed.lastMarginCall.positions.map((p) => p.symbol).join(', '),
  };
}

/** The badge's tier in words ("safe" below the ladder, never with nothing open), as the page, the journal and the summary line say it. */
export const tierWords = (report: AccountReport): string =>
  report.badge.tierName?.toLowerCase() ?? (report.positions.length === 0 ? 'no positions' : 'safe');

/** Symbols the report shows without a fresh mark. */
export const staleSymbols = (view: VenueView): string[] => view.report?.feed.symbols.filter((s) => s.state === 'stale').map((s) => s.symbol) ?? [];

/** One line per refresh for a terminal: each venue's worst rho and tier, and what is wrong with the data. */
export function summaryLine(views: readonly VenueView[]): string {
  return views
    .map((v) => {
      if (v.report === null) return `${v.venue}: waiting (${v.missing.join(', ') || 'connecting'})`;
      const worst = v.report.account.worstRiskRatio;
      const rho = worst === null ? '∞ (past liquidation)' : worst.toFixed(3);
      const stale = staleSymbols(v);
      return `${v.venue} ρ ${rho} ${tierWords(v.report)}${stale.length > 0 ? ` stale ${stale.join(',')}` : ''}`;
    })
    .join(' | ');
}
