import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '../engine/alerts/alert-decision.ts';
import { alertEntry, emptyAlertLog, logDecisions } from './alert-log.ts';

const record: AlertRecord = {
  id: 'binance:main:cross:tier:0.8:1',
  kind: 'tier',
  subject: 'binance:main:cross',
  t: 1_764_000_000_000,
  severity: 'margin-call',
  tier: '0.8',
  tierName: 'Margin call',
  channel: 'push',
  reminder: 0,
  riskRatio: 0.81,
  equityUsdt: 1200,
  requirementUsdt: 972,
  forecast: { tier: '0.9', tierName: 'Critical', probability: 0.4, horizonSec: 3600, medianTimeSec: Number.POSITIVE_INFINITY },
  symbol: 'BTCUSDT',
  side: 'long',
  topUpUsdt: -0,
  oddsTopUpUsdt: 310.5,
  reduction: { symbol: 'BTCUSDT', side: 'long', qty: 0.02, feeUsdt: 0.8, closesPosition: false },
  protectiveStop: { symbol: 'BTCUSDT', side: 'long', triggerPrice: 90_000, fillPrice: 89_900, qty: 0.05, feeUsdt: 2.2, closesPosition: true, liquidationPrice: 88_000 },
  marks: { BTCUSDT: 95_000, ETHUSDT: -0, '1000PEPEUSDT': 0.012 },
  reason: null,
  funding: { timeMs: 1_764_003_600_000, costUsdt: 12.5, riskRatioBefore: 0.81, riskRatioAfter: Number.NaN },
};

describe('alertEntry', () => {
  it('is the entry a log opens for a first notice, keys in the order the homes have stored them', () => {
    const entry = alertEntry(record, ['x']);
    expect(logDecisions(emptyAlertLog, [{ kind: 'notify', alert: record, supersedes: ['x'] }]).entries).toEqual([entry]);
    expect(Object.keys(entry)).toEqual(['id', 'subject', 'severity', 'channel', 'openedAt', 'lastNotifiedAt', 'reminders', 'supersedes', 'resolved', 'kind', 'tier', 'tierName', 'figures']);
    if (entry.kind === 'stale') throw new Error('a tier entry');
    expect(Object.keys(entry.figures)).toEqual(['riskRatio', 'equityUsdt', 'requirementUsdt', 'forecast', 'topUpUsdt', 'oddsTopUpUsdt', 'protectiveStop', 'reduction', 'marks', 'funding']);
    // Protocol numbers: -0 read as 0, a number that is not finite as null; the marks in the record's order.
    expect(Object.is(entry.figures.topUpUsdt, 0)).toBe(true);
    expect(entry.figures.forecast?.medianTimeSec).toBeNull();
    expect(entry.figures.funding?.riskRatioAfter).toBeNull();
    expect(JSON.stringify(entry.figures.marks)).toBe('{"BTCUSDT":95000,"ETHUSDT":0,"1000PEPEUSDT":0.012}');
    expect(Object.is(entry.figures.marks['ETHUSDT'], 0)).toBe(true);
  });

  it('has no funding key without a payment, and a stale notice its reason', () => {
    const { funding: _, ...without } = record;
    const entry = alertEntry(without, []);
    if (entry.kind === 'stale') throw new Error('a tier entry');
    expect('funding' in entry.figures).toBe(false);
    const stale = alertEntry({ ...record, kind: 'stale', tier: null, tierName: null, reason: null }, []);
    expect(Object.keys(stale)).toEqual(['id', 'subject', 'severity', 'channel', 'openedAt', 'lastNotifiedAt', 'reminders', 'supersedes', 'resolved', 'kind', 'reason']);
    expect(stale).toMatchObject({ kind: 'stale', reason: 'no fresh data' });
  });
});
