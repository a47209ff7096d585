import { describe, expect, it } from 'vitest';
import { crashRun } from '../../../tools/test-support/crash-reports.ts';
import type { AccountReport } from '../../../shared/protocol/account-report.ts';
import { price, qty, ratio, usdt } from '../../../shared/units/units.ts';
import type { AccountEntry } from '../monitor-feed.ts';
import { WITHIN_TARGET } from '../../../shared/ui/suggestion-text.ts';
import { overviewRows, suggestionText, worstFirst } from './overview-rows.ts';

/** The Overview's rows from real monitor reports (the Binance demo account through the crash). */
const run = crashRun(6);
const entry = (report: AccountReport, over: Partial<AccountEntry> = {}): AccountEntry => ({ accountId: report.account.accountId, label: 'Binance demo', report, restored: false, at: 1_000, ...over });
const withTier = run.reports.find((r) => r.badge.tier !== null && r.positions.every((p) => p.status === 'open'))!;
const pastLiq = run.reports.find((r) => r.positions.some((p) => p.status === 'past-liquidation'));

describe('overviewRows', () => {
  it('one row per position with the report figures, worst rho first', () => {
    const rows = overviewRows([entry(withTier)], 1_000);
    expect(rows).toHaveLength(withTier.positions.length);
    const rhos = rows.map((r) => r.rho ?? Infinity);
    expect(rhos).toStrictEqual([...rhos].sort((a, b) => b - a));
    for (const row of rows) {
      const p = withTier.positions.find((x) => x.key === row.key)!;
      expect(row.liquidationPrice).toBe(p.liquidationPrice);
      expect(row.rho).toBe(p.riskRatio);
      const next = p.tiers.find((t) => t.level === p.nextTier);
      expect(row.nextTier?.distancePercent ?? null).toBe(next?.distancePercent ?? null);
      const hour = next?.reach.kind === 'projected' ? next.reach.horizons.find((h) => h.horizonSec === 3600) : undefined;
      if (hour !== undefined) expect(row.nextTier?.p1h).toBe(hour.probability);
      expect(JSON.stringify(row)).not.toMatch(/NaN|Infinity/);
    }
  });

  it('the suggestion carries the engine top-up', () => {
    const rows = overviewRows([entry(withTier)], 1_000);
    const subject = withTier.subjects.find((s) => s.topUp.kind === 'top-up')!;
    const row = rows.find((r) => withTier.positions.find((p) => p.key === r.key)?.subject === subject.subject)!;
    expect(row.suggestion).toBe(suggestionText(subject));
    if (subject.topUp.kind === 'top-up') expect(row.suggestion).toContain(subject.topUp.amountUsdt.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
  });

  it('the odds top-up after the smallest action, as large as it is; the stop beside it', () => {
    const subject = withTier.subjects[0]!;
    const small = subject.topUp.kind === 'top-up' ? subject.topUp.amountUsdt : 0;
    const big = { ...subject, oddsTopUp: { kind: 'top-up' as const, amountUsdt: usdt(small + 42_280), to: 'wallet' as const, riskRatioAfter: null, liquidationPricesAfter: [], liquidationOddsAfter: 0.01 } };
    const text = suggestionText(big);
    expect(text).toMatch(/For 1 % odds of liquidation in 24 h: add [\d,]+\.\d\d USDT$/);
    expect(text.startsWith(suggestionText({ ...subject, oddsTopUp: { kind: 'none-needed' } }))).toBe(true);
    const report = { ...withTier, positions: withTier.positions.map((p) => ({ ...p, protectiveStop: { kind: 'stop' as const, triggerPrice: price(90_000), fillPrice: price(89_700), qty: qty(0.5), feeUsdt: usdt(22), closesPosition: false, bufferPercent: 1.5, worstMinuteMovePercent: 0.8, liquidationPrice: price(88_650), restRiskRatio: ratio(0.8), restLiquidationPrice: price(80_000) } })) };
    const row = overviewRows([entry(report)], 1_000).find((r) => r.status !== 'closed')!;
    expect(row.stop).toMatch(/^Stop in advance: (sell|buy) 0\.5 at 90,000 \(reduce-only; liq\. 88,650\)$/);
  });

  // Seen on the Overview: "No action needed. For 1 % odds of liquidation in 24 h: add 5,179.30 USDT", and below
  // it "Too close for a stop: ... reduce or add now". Within target is what the engine says, not that all is well.
  it('rho within target reads so, never "No action needed", and the odds top-up still follows it', () => {
    const report = run.reports.find((r) => r.subjects.some((s) => s.topUp.kind === 'none-needed' && s.oddsTopUp.kind === 'top-up'))!;
    const subject = report.subjects.find((s) => s.topUp.kind === 'none-needed' && s.oddsTopUp.kind === 'top-up')!;
    expect(subject.reduction.kind).toBe('none-needed');
    const odds = subject.oddsTopUp.kind === 'top-up' ? subject.oddsTopUp.amountUsdt : NaN;
    const money = odds.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    expect(suggestionText(subject)).toBe(`${WITHIN_TARGET}. For 1 % odds of liquidation in 24 h: add ${money} USDT`);
    const row = overviewRows([entry(report)], 1_000).find((r) => report.positions.find((p) => p.key === r.key)?.subject === subject.subject)!;
    expect(row.suggestion).not.toMatch(/No action needed/);
    expect(suggestionText({ ...subject, oddsTopUp: { kind: 'none-needed' } })).toBe(WITHIN_TARGET);
  });

  it('past liquidation sorts first and is never shown as safe', () => {
    expect(pastLiq).toBeDefined();
    const rows = overviewRows([entry(withTier), entry(pastLiq!, { accountId: 'other:x' })], 1_000);
    expect(rows[0]?.status).toBe('past-liquidation');
    expect(rows[0]?.rho === null || rows[0]!.rho >= 1).toBe(true);
    expect(rows[0]?.suggestion).not.toMatch(/within target/);
  });

  it('closed positions sort last and say so', () => {
    const rows = overviewRows([entry(withTier)], 1_000);
    const closed = { ...rows[0]!, status: 'closed' as const, rho: 0 };
    const sorted = worstFirst([closed, ...rows.slice(1)]);
    expect(sorted[sorted.length - 1]?.status).toBe('closed');
  });

  it('ages live data from receipt, and marks a restored report stale with its saved age', () => {
    const live = overviewRows([entry(withTier, { at: 10_000 })], 14_000)[0]!;
    expect(live.ageMs).toBe(withTier.dataAgeMs + 4_000);
    const restored = overviewRows([entry(withTier, { restored: true, at: 10_000 })], 70_000)[0]!;
    expect(restored.stale).toBe(true);
    expect(restored.ageMs).toBe(withTier.dataAgeMs + 60_000);
  });
});
