import { describe, expect, it } from 'vitest';
import { btcusdtBrackets } from '../../../tools/test-support/binance-brackets.ts';
import { marginModels } from '../../exchanges/venues.ts';
import { alertNotification } from '../../protocol/alert-notification.ts';
import { logDecisions, emptyAlertLog } from '../../protocol/alert-log.ts';
import { parseAlertLog } from '../../protocol/parse-alert-log.ts';
import { price, qty, ratio, usdt } from '../../units/units.ts';
import type { AlertRecord } from '../alerts/alert-decision.ts';
import type { Account, Side } from '../positions/account.ts';
import { fundingPaid } from '../projection/funding-step.ts';
import { probabilityWithin } from '../projection/tier-outlook.ts';
import { createMonitor, monitorStep, type Monitor } from './account-monitor.ts';
import { snapshotMonitor } from './monitor-snapshot.ts';
import { parseMonitorSnapshot } from './parse-monitor-snapshot.ts';

const NOW = Date.UTC(2026, 10, 26, 14, 0);
const FUNDING_AT = Date.UTC(2026, 10, 26, 16, 0);
const model = marginModels.binance;

const account = (side: Side, wallet: number, mode: 'cross' | 'isolated' = 'cross'): Account => ({
  exchange: 'binance',
  walletBalance: usdt(mode === 'cross' ? wallet : 0),
  positions: [
    {
      symbol: 'BTCUSDT',
      side,
      qty: qty(1),
      entryPrice: price(97_000),
      markPrice: price(97_000),
      marginMode: mode,
      tiers: btcusdtBrackets(),
      takerFeeRate: ratio(0.0005),
      ...(mode === 'isolated' ? { isolatedMargin: usdt(wallet) } : {}),
    },
  ],
});

/** A monitor on a quiet market (the volatility floor), one tick at NOW with `funding` announced. */
function heard(acct: Account, funding: { rate: number; timeMs: number } | null): { monitor: Monitor; notices: AlertRecord[] } {
  const m0 = createMonitor({ account: acct, model, options: { accountId: 'a' } });
  const step = monitorStep(m0, { kind: 'marks', marks: { BTCUSDT: 97_000 }, ...(funding === null ? {} : { funding: { BTCUSDT: funding } }) }, NOW);
  return { monitor: step.monitor, notices: step.decisions.flatMap((d) => (d.kind === 'notify' ? [d.alert] : [])) };
}

describe('a funding payment in the forecast and the alert', () => {
  it('the payment is exact: rate x qty x mark, a long pays a positive rate, a short receives it', () => {
    expect(fundingPaid('long', 2, 50_000, 0.0001)).toBeCloseTo(10, 12);
    expect(fundingPaid('short', 2, 50_000, 0.0001)).toBeCloseTo(-10, 12);
    expect(fundingPaid('short', 2, 50_000, -0.0003)).toBeCloseTo(30, 12);
    const { monitor } = heard(account('long', 2_000), { rate: 0.0004, timeMs: FUNDING_AT });
    const fact = monitor.view?.facts[0]?.funding;
    expect(fact?.timeMs).toBe(FUNDING_AT);
    expect(fact?.costUsdt).toBeCloseTo(38.8, 9);
    const rho = monitor.view?.facts[0]?.riskRatio as number;
    const equity = monitor.view?.facts[0]?.equityUsdt as number;
    expect(fact?.riskRatioBefore).toBeCloseTo(rho, 12);
    expect(fact?.riskRatioAfter).toBeCloseTo((rho * equity) / (equity - 38.8), 12);
    // An isolated position pays from its own margin.
    const iso = heard(account('short', 2_000, 'isolated'), { rate: -0.0004, timeMs: FUNDING_AT }).monitor.view?.facts[0]?.funding;
    expect(iso?.costUsdt).toBeCloseTo(38.8, 9);
    // Paid already, or announced without effect: no fact.
    expect(heard(account('long', 2_000), { rate: 0.0004, timeMs: NOW - 1 }).monitor.view?.facts[0]?.funding).toBeNull();
    expect(heard(account('long', 2_000), null).monitor.view?.facts[0]?.funding).toBeNull();
  });

  it('a payment that alone crosses Margin call makes it certain from the payment on, and the alert says so early', () => {
    // About rho 0.79 at 97,000 (requirement 435 USDT); 0.0004 x 97,000 = 38.8 USDT takes it to 0.85.
    const acct = account('long', 551);
    const without = heard(acct, null);
    const withFunding = heard(acct, { rate: 0.0004, timeMs: FUNDING_AT });
    const reach = (m: Monitor) => m.view?.facts[0]?.searches.reach('0.8');
    const rho = without.monitor.view?.facts[0]?.riskRatio as number;
    expect(rho).toBeGreaterThan(0.78);
    expect(rho).toBeLessThan(0.8);
    // Before the payment nothing changes; from it on, the tier is certain.
    expect(probabilityWithin(reach(withFunding.monitor), 900)).toBe(probabilityWithin(reach(without.monitor), 900));
    expect(probabilityWithin(reach(withFunding.monitor), 14_400)).toBe(1);
    expect(reach(withFunding.monitor)?.medianTimeSec).toBeLessThanOrEqual(2 * 3600);
    // The predictive alert for Margin call comes now, two hours ahead, and carries the payment.
    const alert = withFunding.notices.find((a) => a.kind === 'predictive');
    expect(alert?.tier).toBe('0.8');
    expect(alert?.funding?.timeMs).toBe(FUNDING_AT);
    const log = logDecisions(emptyAlertLog, [{ kind: 'notify', alert: alert as AlertRecord, supersedes: [] }], 10);
    const entry = log.entries[0];
    if (entry === undefined) throw new Error('no entry');
    const text = alertNotification(entry, { accountLabel: 'Binance main' }).body;
    const after = (alert?.funding?.riskRatioAfter as number).toFixed(2);
    expect(text).toContain(`Funding at 16:00 UTC costs 39 USDT: ρ ${rho.toFixed(2)} → ${after}.`);
    // A saved monitor keeps it in its alert history, and reads it back.
    const saved = JSON.parse(JSON.stringify(snapshotMonitor(withFunding.monitor)));
    expect(parseMonitorSnapshot(saved)).toEqual(saved);
    expect(saved.state.alerts.history.some((a: AlertRecord) => a.funding?.timeMs === FUNDING_AT)).toBe(true);
    // The state with its funding notice (and shape, minute moves) is plain data: the same after a clone and JSON.
    expect(withFunding.monitor.state.funding['BTCUSDT']?.timeMs).toBe(FUNDING_AT);
    expect(structuredClone(withFunding.monitor.state)).toStrictEqual(withFunding.monitor.state);
    expect(JSON.parse(JSON.stringify(withFunding.monitor.state))).toStrictEqual(withFunding.monitor.state);
    // The log keeps it as plain data, and reads it back.
    const back = parseAlertLog(JSON.parse(JSON.stringify(log)));
    expect(back).toEqual(JSON.parse(JSON.stringify(log)));
  });

  it('a short is not pushed towards its tier by a payment it receives', () => {
    const acct = account('short', 551);
    const received = heard(acct, { rate: 0.0004, timeMs: FUNDING_AT });
    const none = heard(acct, null);
    expect(probabilityWithin(received.monitor.view?.facts[0]?.searches.reach('0.8'), 14_400)).toBe(probabilityWithin(none.monitor.view?.facts[0]?.searches.reach('0.8'), 14_400));
    expect(received.monitor.view?.facts[0]?.funding?.costUsdt).toBeCloseTo(-38.8, 9);
  });
});
