import { describe, expect, it } from 'vitest';
import { crashRun } from '../../../tools/test-support/crash-reports.ts';
import { price, qty, ratio, usdt } from '../../../shared/units/units.ts';
import { fmtProbability, fmtSigma } from '../format.ts';
import type { AlertItem } from '../monitor-feed.ts';
import { chartMarkers, positionView, venuePage } from './position-view.ts';

const run = crashRun(6);
const report = run.reports.find((r) => r.badge.tier !== null && r.positions.every((p) => p.status === 'open'))!;
const entries = [{ accountId: report.account.accountId, label: 'Binance demo', report, restored: false, at: 0 }];

describe('positionView', () => {
  it('price lines for entry, each tier below liquidation with a price, and liquidation', () => {
    const p = report.positions[0]!;
    const view = positionView(entries, report.account.accountId, p.key)!;
    expect(view.lines[0]).toStrictEqual({ title: 'Entry', price: p.entryPrice, kind: 'entry' });
    expect(view.lines.filter((l) => l.kind === 'tier').map((l) => l.price)).toStrictEqual(p.tiers.filter((t) => t.level !== '1' && t.price !== null).map((t) => t.price));
    expect(view.lines.at(-1)).toStrictEqual({ title: 'Liquidation', price: p.liquidationPrice, kind: 'liquidation' });
  });

  it('a forecast row per tier with a cell per horizon, no NaN', () => {
    const p = report.positions[0]!;
    const view = positionView(entries, report.account.accountId, p.key)!;
    expect(view.forecast).toHaveLength(p.tiers.length);
    expect(view.horizons.length).toBeGreaterThan(0);
    for (const row of view.forecast) expect(row.cells).toHaveLength(view.horizons.length);
    // A projected tier's cell: its odds and its distance in sigma, each as the formatters write it.
    const projected = p.tiers.findIndex((t) => t.reach.kind === 'projected');
    expect(projected).toBeGreaterThanOrEqual(0);
    const reach = p.tiers[projected]!.reach;
    if (reach.kind === 'projected')
      view.horizons.forEach((h, i) => {
        const x = reach.horizons.find((y) => y.horizonSec === h)!;
        expect(view.forecast[projected]!.cells[i]).toStrictEqual({ odds: fmtProbability(x.probability), sigma: fmtSigma(x.distanceSd) });
      });
    expect(JSON.stringify(view.forecast)).not.toMatch(/NaN|Infinity/);
    // A tier reached (or out of reach) reads so across the row; a projected one per horizon.
    p.tiers.forEach((t, i) => expect(view.forecast[i]!.whole).toBe(t.reach.kind === 'reached' ? 'reached' : t.reach.kind === 'out-of-reach' ? 'out of reach' : null));
    const reached = { ...report, positions: report.positions.map((q) => (q.key === p.key ? { ...q, tiers: q.tiers.map((t) => ({ ...t, reach: { kind: 'reached' as const } })) } : q)) };
    expect(positionView([{ ...entries[0]!, report: reached }], report.account.accountId, p.key)!.forecast.every((f) => f.whole === 'reached')).toBe(true);
  });

  it('suggestions say what they buy, from the report', () => {
    const p = report.positions.find((q) => report.subjects.find((s) => s.subject === q.subject)?.topUp.kind === 'top-up')!;
    const view = positionView(entries, report.account.accountId, p.key)!;
    const subject = report.subjects.find((s) => s.subject === p.subject)!;
    if (subject.topUp.kind !== 'top-up') throw new Error('fixture');
    expect(view.suggestions[0]?.what).toContain(subject.topUp.amountUsdt.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
    expect(view.suggestions[0]?.detail).toMatch(/^buys ρ \d\.\d{3}; liquidation/);
  });

  it('the odds top-up after the smallest actions, as large as it is, and the stop to set in advance, with what each buys', () => {
    const p = report.positions[0]!;
    const subject = report.subjects.find((s) => s.subject === p.subject)!;
    const small = subject.topUp.kind === 'top-up' ? subject.topUp.amountUsdt : 0;
    const odds = { kind: 'top-up' as const, amountUsdt: usdt(small + 42_280), to: 'wallet' as const, riskRatioAfter: ratio(0.05), liquidationPricesAfter: [{ key: p.key, price: price(40_000) }], liquidationOddsAfter: 0.01 };
    const stop = {
      kind: 'stop' as const, triggerPrice: price(p.markPrice * 0.97), fillPrice: price(p.markPrice * 0.967), qty: qty(0.25), feeUsdt: usdt(12.5), closesPosition: false,
      bufferPercent: 1.8, worstMinuteMovePercent: 0.9, liquidationPrice: price(p.markPrice * 0.953), restRiskRatio: ratio(0.8), restLiquidationPrice: price(p.markPrice * 0.9),
    };
    const changed = {
      ...report,
      positions: report.positions.map((q) => (q.key === p.key ? { ...q, protectiveStop: stop } : q)),
      subjects: report.subjects.map((s) => (s.subject === p.subject ? { ...s, oddsTopUp: odds, liquidationOdds: { horizonSec: 86_400, probability: 0.3 } } : s)),
    };
    const view = positionView([{ ...entries[0]!, report: changed }], report.account.accountId, p.key)!;
    const whats = view.suggestions.map((s) => s.what);
    const oddsAt = whats.findIndex((w) => w.startsWith('For 1 % odds of liquidation in 24 h: add'));
    expect(oddsAt).toBeGreaterThanOrEqual(0);
    expect(whats.slice(0, oddsAt).every((w) => /^(Add|Reduce|Close|No reduction)/.test(w))).toBe(true);
    expect(whats[oddsAt]).toContain(odds.amountUsdt.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
    expect(view.suggestions[oddsAt]?.detail).toContain('P(liquidation within 24 h) 1');
    const last = view.suggestions.at(-1)!;
    expect(last.what).toMatch(/^Stop in advance: reduce-only (sell|buy) 0\.25 /);
    expect(last.detail).toContain('1.80 % before liquidation');
    expect(last.detail).toContain('ρ 0.800');
    expect(JSON.stringify(view.suggestions)).not.toMatch(/NaN|Infinity|undefined|null/);
    const tooClose = { ...changed, positions: changed.positions.map((q) => (q.key === p.key ? { ...q, protectiveStop: { kind: 'too-close' as const, liquidationPrice: price(1), triggerPrice: null, bufferPercent: 2 } } : q)) };
    const closeLine = positionView([{ ...entries[0]!, report: tooClose }], report.account.accountId, p.key)!.suggestions.at(-1)!;
    expect(closeLine.what).toBe('Too close for a stop in advance');
    // A stop that cannot be set buys nothing: the line says why, not "buys ...".
    expect(closeLine.detail).toMatch(/^liquidation at [\d,.]+ is within the 2\.00 % buffer: reduce or add now$/);
  });

  it('an unknown position gives null, and each venue has its trading page', () => {
    expect(positionView(entries, 'binance:demo', 'NOPE:long')).toBeNull();
    expect(venuePage('okx', 'BTC-USDT-SWAP')).toBe('https://www.okx.com/trade-swap/btc-usdt-swap');
    expect(venuePage('binance', 'BTCUSDT')).toBe('https://www.binance.com/en/futures/BTCUSDT');
  });
});

describe('chartMarkers', () => {
  const items: AlertItem[] = run.log.entries.map((entry) => ({ accountId: report.account.accountId, label: 'Binance demo', entry }));

  it("one marker per second of the crash's alerts, the worst of that second, oldest first; a forecast reads 'likely'", () => {
    const markers = chartMarkers(items);
    const seconds = [...new Set(items.map((a) => Math.floor(a.entry.openedAt / 1000)))].sort((a, b) => a - b);
    expect(markers.map((m) => m.timeSec)).toStrictEqual(seconds);
    // The crash raises forecasts and tiers, and a stale alert for the outage.
    expect(markers.some((m) => m.text === 'Margin call')).toBe(true);
    expect(markers.some((m) => m.text.endsWith(' likely'))).toBe(true);
    expect(markers.some((m) => m.text === 'stale')).toBe(true);
  });

  it('in one second: the tier over its own forecast, the worse tier over the milder', () => {
    const [tier] = items.filter((a) => a.entry.kind === 'tier' && a.entry.severity === 'margin-call');
    const [forecast] = items.filter((a) => a.entry.kind === 'predictive' && a.entry.severity === 'margin-call');
    const [worse] = items.filter((a) => a.entry.kind === 'tier' && a.entry.severity === 'critical');
    expect(tier && forecast && worse).toBeTruthy();
    const at = (a: AlertItem): AlertItem => ({ ...a, entry: { ...a.entry, openedAt: 1_700_000_000_400 as typeof a.entry.openedAt } });
    expect(chartMarkers([at(tier!), at(forecast!)])).toStrictEqual([{ timeSec: 1_700_000_000, text: 'Margin call', severity: 'margin-call', forecast: false }]);
    expect(chartMarkers([at(forecast!), at(tier!)])).toStrictEqual([{ timeSec: 1_700_000_000, text: 'Margin call', severity: 'margin-call', forecast: false }]);
    expect(chartMarkers([at(worse!), at(tier!)])[0]!.text).toBe('Critical');
    expect(chartMarkers([at(forecast!)])[0]).toMatchObject({ text: 'Margin call likely', forecast: true });
  });
});

