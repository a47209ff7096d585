import { describe, expect, it } from 'vitest';
import type { AlertDecision } from '../../shared/engine/alerts/alert-decision.ts';
import { DEFAULT_ALERT_POLICY } from '../../shared/engine/alerts/alert-ladder.ts';
import { longestReentryMs, reentryPeriodMs } from '../../shared/engine/alerts/subject-alerts.ts';
import { liveMonitorBatch } from '../../shared/engine/monitor/live-batch.ts';
import { emptyLiveMonitor, type LiveMonitor, type LiveMonitorConfig } from '../../shared/engine/monitor/live-monitor.ts';
import type { AccountState, TimedPrice } from '../../shared/engine/positions/account-state.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import { marginModels } from '../../shared/exchanges/venues.ts';
import { epochMs, price } from '../../shared/units/units.ts';
import { binanceDemoAccountJson } from '../../tools/test-support/replay-documents.ts';
import { withRecentHistory } from './recent-history.ts';
import { readDeviceAccounts } from './watched-account.ts';

/**
 * The same marks through two monitors, one keeping its whole history (as a home does), one cut to the
 * notices of the ladder's longest re-entry period after every step (as the relay does): every decision
 * must be the same. The market swings BTC into the Margin call tier and out again every 50 minutes for
 * 12 hours: each swing re-enters a tier less than an hour (Margin call's re-entry period) after its last
 * notice, which the policy reads in the history (the notice waits; a forecast raised again is shown,
 * not pushed).
 */
const T = 1_764_000_000_000;
const MINUTE = 60_000;

function run(cut: (live: LiveMonitor) => LiveMonitor) {
  const body = JSON.stringify({ takenAtMs: T, accounts: [{ accountId: 'binance:main', account: binanceDemoAccountJson() }] });
  const read = readDeviceAccounts(body);
  if ('error' in read) throw new Error(read.error);
  const account = read.accounts[0]!;
  const config: LiveMonitorConfig = { model: marginModels.binance, takerFeeRate: account.takerFeeRate, options: account.options };
  const marks = new Map<string, TimedPrice>();
  let live = emptyLiveMonitor;
  const decisions: AlertDecision[][] = [];
  let longest = 0;
  for (let t = T; t <= T + 12 * 60 * MINUTE; t += 30_000) {
    const swing = Math.max(0, Math.sin((2 * Math.PI * (t - T)) / (50 * MINUTE)));
    const prices: Record<string, number> = { BTCUSDT: 97_000 - 13_000 * swing, ETHUSDT: 3_400 - 300 * swing, SOLUSDT: 190 - 15 * swing };
    const events: FeedEvent[] = Object.entries(prices).map(([symbol, p]) => {
      marks.set(symbol, { price: price(p), time: epochMs(t) });
      return { kind: 'venue', event: { kind: 'mark', symbol, price: price(p), time: epochMs(t), source: 'mark' } };
    });
    if (t === T) events.push({ kind: 'venue', event: { kind: 'positions', mode: 'snapshot', open: [...account.base.positions.values()], closed: [], time: epochMs(t) } });
    const state: AccountState = { ...account.base, marks, mids: new Map(), funding: new Map() };
    const step = liveMonitorBatch(live, events, state, config);
    live = cut(step.live);
    decisions.push([...step.decisions]);
    longest = Math.max(longest, live.monitor?.state.alerts.history.length ?? 0);
  }
  return { decisions, history: live.monitor!.state.alerts.history, longest, ladder: live.monitor!.config.policy.ladder };
}

describe('the relay keeps the notices of the last re-entry period only', () => {
  it('makes every decision the whole history makes, over 12 hours of swings in and out of a tier', () => {
    const whole = run((live) => live);
    const recent = run(withRecentHistory);
    expect(recent.decisions).toEqual(whole.decisions);
    // Not vacuous: the swings notify, re-enter within the period (some notices wait), and old notices were dropped.
    const notices = whole.decisions.flat().filter((d) => d.kind === 'notify');
    expect(notices.length).toBeGreaterThan(30);
    expect(whole.history.length).toBe(notices.length);
    expect(recent.history.length).toBeLessThan(whole.history.length / 4);
    // What is kept is the whole history's newest notices, those inside the longest re-entry period.
    expect(recent.history).toEqual(whole.history.slice(-recent.history.length));
    const period = longestReentryMs(recent.ladder);
    expect(period).toBe(60 * MINUTE);
    expect(recent.history.every((a) => a.t > T + 12 * 60 * MINUTE - period)).toBe(true);
    expect(recent.longest).toBeLessThan(whole.history.length / 4);
  });

  it('a shorter cut (half the period) changes decisions: the history it drops is read by the policy', () => {
    const whole = run((live) => live);
    const half = run((live) => {
      const m = live.monitor;
      if (m === null || m.state.now === null) return live;
      const from = m.state.now - longestReentryMs(m.config.policy.ladder) / 2;
      const history = m.state.alerts.history.filter((a) => a.t > from);
      return { ...live, monitor: { ...m, state: { ...m.state, alerts: { ...m.state.alerts, history } } } };
    });
    expect(half.decisions).not.toEqual(whole.decisions);
  });
});

describe('longestReentryMs', () => {
  it('is each ladder\'s own, asked again or after another ladder (found once per ladder)', () => {
    const ladder = DEFAULT_ALERT_POLICY.ladder;
    const slower = ladder.map((r) => (r.remindEveryMs === null ? r : { ...r, remindEveryMs: r.remindEveryMs * 3 }));
    const none = ladder.map((r) => ({ ...r, remindEveryMs: null, graceMs: null }));
    expect(longestReentryMs(ladder)).toBe(60 * MINUTE);
    expect(longestReentryMs(slower)).toBe(180 * MINUTE);
    expect(longestReentryMs(none)).toBe(0);
    expect(longestReentryMs(ladder)).toBe(60 * MINUTE);
    // Liquidation (no cadence, no grace) waits the ladder's shortest cadence: 15 min, then 45 min.
    const liquidation = ladder.findIndex((r) => r.remindEveryMs === null && r.graceMs === null && r.push);
    expect(reentryPeriodMs(ladder, liquidation)).toBe(15 * MINUTE);
    expect(reentryPeriodMs(slower, liquidation)).toBe(45 * MINUTE);
    expect(reentryPeriodMs(ladder, liquidation)).toBe(15 * MINUTE);
  });
});
