import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crashRun } from '../../tools/test-support/crash-reports.ts';
import { tierAlertEntry } from '../../tools/test-support/tier-alert-entry.ts';
import { alertNotification, subjectLabel, utcClockText } from './alert-notification.ts';
import { price, qty, usdt } from '../units/units.ts';

const entry = tierAlertEntry({
  subject: 'binance:main:isolated:BTCUSDT:long',
  tier: '0.8',
  tierName: 'Margin call',
  severity: 'margin-call',
  riskRatio: 0.8234,
  topUpUsdt: 412,
  markPrice: 58000,
  figures: {
    forecast: { tier: '0.9', tierName: 'Critical', probability: 0.634, horizonSec: 3600, medianTimeSec: 2460 },
    reduction: { symbol: 'BTCUSDT', side: 'long', qty: qty(0.18000000000000002), feeUsdt: usdt(3.1), closesPosition: false },
  },
});

describe('alertNotification', () => {
  it('says the tier, where, rho, the next tier’s odds and both suggestions with their numbers', () => {
    expect(alertNotification(entry, { accountLabel: 'Binance main' })).toEqual({
      tag: entry.id,
      title: 'Margin call · BTCUSDT long · Binance main',
      body: 'ρ 0.823. Critical: 63 % within 1 h. Add 412.00 USDT or reduce BTCUSDT by 0.18 (fee 3.10 USDT).',
      urgency: 'normal',
      subject: entry.subject,
    });
  });

  it('a forecast says how likely and how soon; Critical is urgent; past liquidation says so', () => {
    const predicted = alertNotification(
      { ...entry, kind: 'predictive', severity: 'critical', tierName: 'Critical', figures: { ...entry.figures, reduction: null } },
      { accountLabel: 'Binance main' },
    );
    expect(predicted.title).toBe('Critical likely · BTCUSDT long · Binance main');
    expect(predicted.body).toBe('63 % within 1 h, median 41 min; now ρ 0.823. Add 412.00 USDT.');
    expect(predicted.urgency).toBe('high');
    const past = alertNotification({ ...entry, severity: 'liquidation', tierName: 'Liquidation', reminders: 2, figures: { ...entry.figures, riskRatio: null, forecast: null, topUpUsdt: usdt(0), reduction: { ...entry.figures.reduction!, closesPosition: true } } }, { accountLabel: 'X' });
    expect(past.title).toBe('Reminder: Liquidation · BTCUSDT long · X');
    expect(past.body).toBe('past liquidation. Close BTCUSDT (fee 3.10 USDT).');
    expect(subjectLabel('binance:main:cross')).toBe('cross margin');
  });

  it('odds that are not certain never read 100 %', () => {
    const likely = alertNotification({ ...entry, figures: { ...entry.figures, forecast: { ...entry.figures.forecast!, probability: 0.9959, horizonSec: 14_400 } } }, { accountLabel: 'X' });
    expect(likely.body).toContain('Critical: 99 % within 4 h.');
  });

  it('the smallest action first; the 24 h odds top-up beside it, as large as it is; then the stop to set in advance', () => {
    // The wick case: a 50x short told to add 42,280 USDT for the odds: shown, not capped, after the small one.
    const stop = { symbol: 'BTCUSDT', side: 'long' as const, triggerPrice: price(57_123.456), fillPrice: price(56_952), qty: qty(0.4), feeUsdt: usdt(11.4), closesPosition: false, liquidationPrice: price(56_200) };
    const n = alertNotification({ ...entry, figures: { ...entry.figures, oddsTopUpUsdt: usdt(42_280), protectiveStop: stop } }, { accountLabel: 'Binance main' });
    expect(n.body).toBe(
      'ρ 0.823. Critical: 63 % within 1 h. Add 412.00 USDT or reduce BTCUSDT by 0.18 (fee 3.10 USDT). ' +
        'For 1 % odds of liquidation in 24 h: add 42,280.00 USDT. Stop in advance: sell 0.4 BTCUSDT at 57,123.5 (liquidation 56,200).',
    );
    expect(n.body.indexOf('412.00')).toBeLessThan(n.body.indexOf('42,280.00'));
    const closing = alertNotification({ ...entry, figures: { ...entry.figures, protectiveStop: { ...stop, side: 'short', closesPosition: true } } }, { accountLabel: 'X' });
    expect(closing.body).toContain('Stop in advance: buy all BTCUSDT at 57,123.5');
    // An odds top-up no larger than the first says nothing new.
    expect(alertNotification({ ...entry, figures: { ...entry.figures, oddsTopUpUsdt: usdt(300) } }, { accountLabel: 'X' }).body).not.toContain('24 h');
    expect(new TextEncoder().encode(JSON.stringify(n)).length).toBeLessThan(3 * 1024);
  });

  it('every alert of the crash scenario reads cleanly: no NaN, Infinity, undefined or null, and the top-up is the engine’s', () => {
    const { log } = crashRun();
    expect(log.entries.length).toBeGreaterThan(3);
    let withTopUp = 0;
    for (const e of log.entries) {
      const n = alertNotification(e, { accountLabel: 'Binance demo' });
      expect(`${n.title} ${n.body}`).not.toMatch(/NaN|Infinity|undefined|null/);
      expect(n.tag).toBe(e.id);
      if (e.kind !== 'stale' && e.figures.topUpUsdt > 0) {
        withTopUp += 1;
        expect(n.body).toContain(`Add ${e.figures.topUpUsdt.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} USDT`);
      }
    }
    expect(withTopUp).toBeGreaterThan(0);
  });
});

describe('utcClockText', () => {
  const byDate = (ms: number): string => new Date(ms).toISOString().slice(11, 16);

  it('is the Date\'s UTC clock for every time a Date holds: fractions cut towards zero, before 1970 and past 9999 too', () => {
    const times = fc.oneof(
      fc.double({ min: -8.64e15, max: 8.64e15, noNaN: true }),
      fc.integer({ min: -4_000_000_000_000, max: 4_000_000_000_000 }),
      // A minute's, an hour's and a day's edges, and a millisecond either side (fractions included).
      fc.tuple(fc.integer({ min: -2_000_000, max: 2_000_000 }), fc.constantFrom(60_000, 3_600_000, 86_400_000), fc.constantFrom(-1, -0.5, 0, 0.5, 1)).map(([n, unit, d]) => n * unit + d),
    );
    fc.assert(fc.property(times, (ms) => utcClockText(ms) === byDate(ms)), { numRuns: 20_000 });
    for (const ms of [0, -0, -1, -0.5, 0.999, 8.64e15, -8.64e15, -62_167_219_200_001, 253_402_300_799_999.5, 253_402_300_800_000, 1_764_003_600_000, 1_764_003_599_999.9]) expect(utcClockText(ms)).toBe(byDate(ms));
  });

  it('throws as the Date does where there is no such time', () => {
    for (const ms of [Number.NaN, 8.64e15 + 1, -8.64e15 - 1, Number.POSITIVE_INFINITY]) expect(() => utcClockText(ms)).toThrow(RangeError);
  });
});
