import { describe, expect, it } from 'vitest';
import { crashRun } from '../../../tools/test-support/crash-reports.ts';
import { positionView, venuePage } from './position-view.ts';

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
    expect(JSON.stringify(view.forecast)).not.toMatch(/NaN|Infinity/);
  });

  it('suggestions say what they buy, from the report', () => {
    const p = report.positions.find((q) => report.subjects.find((s) => s.subject === q.subject)?.topUp.kind === 'top-up')!;
    const view = positionView(entries, report.account.accountId, p.key)!;
    const subject = report.subjects.find((s) => s.subject === p.subject)!;
    if (subject.topUp.kind !== 'top-up') throw new Error('fixture');
    expect(view.suggestions[0]?.what).toContain(subject.topUp.amountUsdt.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
    expect(view.suggestions[0]?.buys).toMatch(/^ρ \d\.\d{3}; liquidation/);
  });

  it('an unknown position gives null, and each venue has its trading page', () => {
    expect(positionView(entries, 'binance:demo', 'NOPE:long')).toBeNull();
    expect(venuePage('okx', 'BTC-USDT-SWAP')).toBe('https://www.okx.com/trade-swap/btc-usdt-swap');
    expect(venuePage('binance', 'BTCUSDT')).toBe('https://www.binance.com/en/futures/BTCUSDT');
  });
});
