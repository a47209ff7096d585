import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_POLICY } from '../../shared/engine/alerts/alert-ladder.ts';
import { emptyLiveMonitor, liveMonitorFrom } from '../../shared/engine/monitor/live-monitor.ts';
import { createMonitor, monitorStep } from '../../shared/engine/monitor/account-monitor.ts';
import { snapshotMonitor } from '../../shared/engine/monitor/monitor-snapshot.ts';
import { marginModels } from '../../shared/exchanges/venues.ts';
import { btcusdtBrackets } from '../../tools/test-support/binance-brackets.ts';
import { emptyAlertLog } from '../../shared/protocol/alert-log.ts';
import type { Account } from '../../shared/engine/positions/account.ts';
import { price, qty, ratio, usdt } from '../../shared/units/units.ts';
import { restore, saveable, SAVED_MONITOR_VERSION } from './monitor-store.ts';

const policy = DEFAULT_ALERT_POLICY;
const account: Account = {
  exchange: 'binance',
  walletBalance: usdt(1_000),
  positions: [{ symbol: 'BTCUSDT', side: 'long', qty: qty(0.5), entryPrice: price(60_000), markPrice: price(60_000), marginMode: 'cross', tiers: btcusdtBrackets(), takerFeeRate: ratio(0.0005) }],
};

/** A live monitor with a few minutes of marks behind it (volatility learnt), as the worker would hold it. */
function liveWithHistory() {
  let monitor = createMonitor({ account, model: marginModels.binance, options: { accountId: 'binance:demo', policy } });
  for (let i = 1; i <= 10; i += 1) monitor = monitorStep(monitor, { kind: 'marks', marks: { BTCUSDT: 60_000 - i * 150 } }, 1_000_000 + i * 60_000).monitor;
  return { ...emptyLiveMonitor, monitor, now: monitor.state.now };
}

describe('restore: the stored monitor read back with the engine parser', () => {
  it('gives back what was saved: volatility, alert state and clock, through JSON', () => {
    const live = liveWithHistory();
    const stored = JSON.parse(JSON.stringify(saveable('binance:demo', live, emptyAlertLog, 5)));
    const r = restore(stored, 'binance:demo', policy);
    expect(r.problems).toEqual([]);
    expect(r.live).toEqual(liveMonitorFrom(JSON.parse(JSON.stringify(snapshotMonitor(live.monitor, { stale: [], now: live.now, markedAt: {} })))));
    expect(r.live.resume?.state.volatility).toEqual(JSON.parse(JSON.stringify(live.monitor.state.volatility)));
  });
  it('a new worker that never held a whole account saves nothing and restores a fresh monitor', () => {
    const stored = JSON.parse(JSON.stringify(saveable('okx:demo', emptyLiveMonitor, emptyAlertLog, 5)));
    expect(stored.snapshot).toBeNull();
    expect(restore(stored, 'okx:demo', policy)).toEqual({ live: emptyLiveMonitor, log: emptyAlertLog, problems: [] });
  });
  it('takes the quiet hours of the settings now, but refuses a snapshot saved under another ladder', () => {
    const stored = JSON.parse(JSON.stringify(saveable('binance:demo', liveWithHistory(), emptyAlertLog, 5)));
    const quiet = { ...policy, quietHours: { startMinute: 0, endMinute: 60, utcOffsetMinutes: 0 } };
    expect(restore(stored, 'binance:demo', quiet).live.resume?.options.policy.quietHours).toEqual(quiet.quietHours);
    const other = { ...policy, ladder: policy.ladder.map((r, i) => (i === 0 ? { ...r, level: 0.4 } : r)) };
    expect(restore(stored, 'binance:demo', other)).toMatchObject({ live: emptyLiveMonitor, problems: ['$.snapshot.options.policy.ladder: saved under another ladder'] });
  });
  it.each([
    ['garbage', '$: expected an object'],
    [{ kind: 'monitor' }, '$.kind: expected "saved-monitor"'],
    [{ kind: 'saved-monitor', version: 1 }, `$.version: this build reads version ${SAVED_MONITOR_VERSION}, got 1`],
    [{ kind: 'saved-monitor', version: SAVED_MONITOR_VERSION, accountId: 'okx:demo' }, '$.accountId: expected binance:demo'],
  ])('refuses %j naming the field, and starts afresh', (raw, problem) => {
    expect(restore(raw, 'binance:demo', policy)).toEqual({ live: emptyLiveMonitor, log: emptyAlertLog, problems: [problem] });
  });
  it('a snapshot with one bad field is refused by the engine parser (named), the log beside it kept', () => {
    const stored = JSON.parse(JSON.stringify(saveable('binance:demo', liveWithHistory(), emptyAlertLog, 5)));
    stored.snapshot.state.now = 'yesterday';
    const r = restore(stored, 'binance:demo', policy);
    expect(r.live).toEqual(emptyLiveMonitor);
    expect(r.log).toEqual(emptyAlertLog);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/^\$\.snapshot\.state\.now: /);
  });
});
