import { describe, expect, it } from 'vitest';
import type { AlertDecision } from '../../shared/engine/alerts/alert-decision.ts';
import { createMonitor, monitorStep } from '../../shared/engine/monitor/account-monitor.ts';
import { parseAccountInput } from '../../shared/exchanges/parse-account-input.ts';
import { marginModels } from '../../shared/exchanges/venues.ts';
import { parseDeclarativePush } from '../../shared/protocol/declarative-push.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import { binanceDemoAccountJson, CRASH_START, scenarioSeries } from '../../tools/test-support/replay-documents.ts';
import { alertPushes, snapshotAgeLine } from './alert-pushes.ts';
import { readDeviceAccounts } from './watched-account.ts';

/** The monitor's real decisions for the Binance demo account through an hour of the crash. */
function crashDecisions(): AlertDecision[] {
  const input = parseAccountInput(binanceDemoAccountJson());
  if (isFieldError(input)) throw new Error(input.message);
  let monitor = createMonitor({ account: input.account, model: marginModels.binance, options: { accountId: 'binance:demo' } });
  const decisions: AlertDecision[] = [];
  for (const [t, marks] of scenarioSeries('crash', { startMs: CRASH_START, stepMs: 5_000, durationMs: 3_600_000, seed: 42 })) {
    const step = monitorStep(monitor, { kind: 'marks', marks }, t);
    monitor = step.monitor;
    decisions.push(...step.decisions);
  }
  return decisions;
}

const context = { deviceId: 'd1', accountId: 'binance:demo', takenAtMs: CRASH_START, staleAfterMs: 7 * 86_400_000, nowMs: CRASH_START };

describe('alertPushes', () => {
  const decisions = crashDecisions();
  const pushes = alertPushes(decisions, context);

  it('one push per notify on the push channel, none for a resolve or a badge', () => {
    const notified = decisions.filter((d) => d.kind === 'notify' && d.alert.channel === 'push');
    expect(decisions.some((d) => d.kind === 'resolve')).toBe(true);
    expect(notified.length).toBeGreaterThan(2);
    expect(pushes.map((p) => p.dedupeKey)).toEqual(notified.map((d) => (d.kind === 'notify' ? `${d.alert.id}#${d.alert.reminder}` : '')));
    expect(new Set(pushes.map((p) => p.dedupeKey)).size).toBe(pushes.length);
  });

  it('a Declarative Web Push message the PWA parses, under 3 KB, urgent for Critical and Liquidation, a topic per subject', () => {
    for (const [i, p] of pushes.entries()) {
      const message = parseDeclarativePush(p.payload);
      if (isFieldError(message)) throw new Error(`${message.field}: ${message.message}`);
      expect(new TextEncoder().encode(p.payload).length).toBeLessThan(3_000);
      const d = decisions.filter((x) => x.kind === 'notify' && x.alert.channel === 'push')[i];
      if (d?.kind !== 'notify') throw new Error('no decision');
      expect(p.urgency).toBe(d.alert.severity === 'critical' || d.alert.severity === 'liquidation' || d.alert.kind === 'stale' ? 'high' : 'normal');
      expect(p.topicKey).toBe(d.alert.subject);
      expect(p.ttlSec).toBe(300);
    }
  });

  it('an old snapshot: the body says when the positions are from and how old they are', () => {
    const old = alertPushes(decisions, { ...context, staleAfterMs: 60_000, takenAtMs: CRASH_START - 40 * 60_000 });
    const body = (p: { payload: string }) => (JSON.parse(p.payload) as { notification: { body: string } }).notification.body;
    expect(old.every((p) => / Positions as of 20:20 UTC, \d+ min old\.$/.test(body(p)))).toBe(true);
    expect(pushes.every((p) => !body(p).includes('Positions as of'))).toBe(true);
    expect(snapshotAgeLine(Date.UTC(2026, 0, 1, 9, 5), Date.UTC(2026, 0, 1, 12, 5))).toBe('Positions as of 09:05 UTC, 3 h old.');
  });
});

describe('readDeviceAccounts', () => {
  it('reads a stored snapshot into accounts with their symbols; a damaged row names the field', () => {
    const read = readDeviceAccounts(JSON.stringify({ takenAtMs: CRASH_START, accounts: [{ accountId: 'binance:demo', account: binanceDemoAccountJson() }] }));
    if ('error' in read) throw new Error(read.error);
    expect(read.accounts.map((a) => [a.accountId, a.venue, a.symbols])).toEqual([['binance:demo', 'binance', ['BTCUSDT', 'ETHUSDT', 'SOLUSDT']]]);
    expect(read.accounts[0]!.base.positions.size).toBe(3);
    expect(readDeviceAccounts('{')).toEqual({ error: 'body: not JSON' });
    const bad = { ...binanceDemoAccountJson(), walletBalance: 'lots' };
    expect(readDeviceAccounts(JSON.stringify({ takenAtMs: 1, accounts: [{ accountId: 'x', account: bad }] }))).toMatchObject({ error: expect.stringMatching(/^accounts\[0\]\.account\.walletBalance: /) });
  });
});
