import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_POLICY } from '../../shared/engine/alerts/alert-ladder.ts';
import { buildTierTable } from '../../shared/engine/margin/maintenance-tiers.ts';
import { emptyLiveMonitor, liveMonitorStep } from '../../shared/engine/monitor/live-monitor.ts';
import { applyVenueEvent, emptyAccountState } from '../../shared/engine/positions/account-state.ts';
import type { FeedHealth } from '../../shared/engine/positions/feed-notices.ts';
import type { VenueEvent } from '../../shared/engine/positions/venue-events.ts';
import { marginModels } from '../../shared/exchanges/venues.ts';
import { emptyAlertLog, logDecisions } from '../../shared/protocol/alert-log.ts';
import { epochMs, price, qty, usdt } from '../../shared/units/units.ts';
import { summaryLine, tierWords, venueView, type DemoVenue } from './view-model.ts';

const health: FeedHealth = {
  connections: { public: 'ready', private: 'ready' },
  stale: [],
  counters: { framesIn: 1, framesOut: 0, malformed: 0, dropped: 0, venueErrors: 0, reconnects: 0, snapshots: 1, restFailures: 0 },
};
const demo: DemoVenue = { accountId: 'binance:demo', model: marginModels.binance, ladder: DEFAULT_ALERT_POLICY.ladder, takerFeeRate: 0.0005 };

/** The feed's events through the account state and the live monitor, as the demo wires them. */
function viewAt(mark: number, stale: readonly string[] = []) {
  const events: VenueEvent[] = [
    { kind: 'positions', mode: 'snapshot', open: [{ key: 'BTCUSDT:BOTH', symbol: 'BTCUSDT', side: 'long', qty: qty(1), entryPrice: price(60_000), marginMode: 'cross', venueLiquidationPrice: price(55_100) }], closed: [], time: epochMs(1) },
    { kind: 'balance', walletBalance: usdt(5_000), includesIsolatedMargin: false, time: epochMs(1) },
    { kind: 'tiers', tables: [{ symbol: 'BTCUSDT', table: buildTierTable([{ floor: 0, mmr: 0.01 }]) }], fetchedAt: epochMs(1) },
    { kind: 'mark', symbol: 'BTCUSDT', price: price(mark), time: epochMs(2), source: 'mark' },
  ];
  let feed = emptyAccountState('binance');
  let live = emptyLiveMonitor;
  let log = emptyAlertLog;
  for (const event of events) {
    feed = applyVenueEvent(feed, event);
    const step = liveMonitorStep(live, { kind: 'venue', event }, feed, { model: demo.model, takerFeeRate: demo.takerFeeRate, options: { accountId: demo.accountId } });
    live = step.live;
    log = logDecisions(log, step.decisions);
  }
  return venueView(feed, { ...health, stale }, live, log, demo, 10_000);
}

describe('demo view model', () => {
  it('a complete account: the monitor’s figures as protocol data, the venue’s liquidation beside ours with its time', () => {
    const view = viewAt(59_000);
    expect(view.missing).toEqual([]);
    const report = view.report!;
    // rho = 590 / (5,000 - 1,000) by Binance's definition.
    expect(report.account.riskRatio).toBeCloseTo(590 / 4_000, 12);
    expect(tierWords(report)).toBe('safe');
    expect(report.dataAgeMs).toBe(10_000 - 2);
    expect(report.positions[0]).toMatchObject({ symbol: 'BTCUSDT', entryPrice: 60_000, markPrice: 59_000, status: 'open', venueFigure: { liquidationPrice: 55_100, at: 1 } });
    // Liquidation: 5,000 + (P - 60,000) = 0.01 P.
    expect(report.positions[0]!.liquidationPrice).toBeCloseTo(55_000 / 0.99, 6);
    expect(report.feed.symbols).toEqual([{ symbol: 'BTCUSDT', state: 'fresh', lastMarkAt: 2 }]);
    const past = viewAt(50_000, ['BTCUSDT']).report!;
    expect(tierWords(past)).toBe('liquidation');
    expect(past.positions[0]).toMatchObject({ status: 'past-liquidation', riskRatio: null });
    expect(past.feed.symbols).toEqual([{ symbol: 'BTCUSDT', state: 'stale', since: 2 }]);
    expect(past.alerts[0]).toMatchObject({ kind: 'tier', tier: '1', resolved: null });
    expect(JSON.stringify(past)).not.toMatch(/NaN|Infinity/);
    expect(structuredClone(past)).toStrictEqual(past);
  });

  it('an incomplete account lists what it waits for; the summary line says it too', () => {
    const view = venueView(emptyAccountState('okx'), health, emptyLiveMonitor, emptyAlertLog, demo, 0);
    expect(view.report).toBe(null);
    expect(view.missing).toEqual(['balance', 'positions']);
    expect(summaryLine([view, viewAt(59_000), viewAt(50_000, ['BTCUSDT'])])).toBe(
      'okx: waiting (balance, positions) | binance ρ 0.147 safe | binance ρ ∞ (past liquidation) liquidation stale BTCUSDT',
    );
  });
});
