import { describe, expect, test } from 'vitest';
import type { AlertDecision, AlertRecord } from '../../shared/engine/alerts/alert-decision.ts';
import { alertText } from './alert-text.ts';

const record = (patch: Partial<AlertRecord>): AlertRecord => ({
  id: 'binance:demo:cross|tier|0.8|1', kind: 'tier', subject: 'binance:demo:cross', t: 1, severity: 'margin-call', tier: '0.8',
  tierName: 'Margin call', channel: 'push', reminder: 0, riskRatio: 0.8123, equityUsdt: 1000, requirementUsdt: 812.3, forecast: null,
  symbol: 'BTCUSDT', side: 'long', topUpUsdt: 412.5, reduction: { symbol: 'BTCUSDT', side: 'long', qty: 0.18, feeUsdt: 3.9, closesPosition: false },
  marks: { BTCUSDT: 58_000 }, reason: null, ...patch,
});
const notify = (patch: Partial<AlertRecord>): AlertDecision => ({ kind: 'notify', alert: record(patch), supersedes: [] });

describe('alert lines in the demo journal', () => {
  test('a tier alert names the tier, rho and both suggested actions with their numbers', () => {
    expect(alertText(notify({}))).toBe('ALERT Margin call (ρ 0.812): add 412.50 USDT or reduce BTCUSDT by 0.1800');
  });
  test('a forecast says how likely and how soon; a reminder says so; a closing reduction says it closes', () => {
    const forecast = { tier: '0.9', tierName: 'Critical', probability: 0.63, horizonSec: 3600, medianTimeSec: 2460 };
    expect(alertText(notify({ kind: 'predictive', forecast }))).toMatch(/^FORECAST Critical within 1 h: 63 %/);
    expect(alertText(notify({ reminder: 2 }))).toMatch(/^REMINDER Margin call/);
    expect(alertText(notify({ reduction: { symbol: 'SOLUSDT', side: 'long', qty: 10, feeUsdt: 1, closesPosition: true } }))).toMatch(/\(close it\)$/);
  });
  test('a ratio past liquidation never prints Infinity or NaN; non-notifying decisions print nothing', () => {
    const text = alertText(notify({ riskRatio: Number.POSITIVE_INFINITY, topUpUsdt: null, reduction: null }));
    expect(text).toBe('ALERT Margin call');
    expect(alertText({ kind: 'resolve', id: 'x', subject: 's', t: 1, reason: 'recovered' })).toBeNull();
    expect(alertText(notify({ kind: 'stale', reason: 'no mark price for BTCUSDT' }))).toBe('ALERT data stale: no mark price for BTCUSDT');
  });
});
