import { describe, expect, it } from 'vitest';
import { CRASH_ACCOUNT_ID, crashRun, reportOf } from '../../tools/test-support/crash-reports.ts';
import { callLevelsOf, DEFAULT_ALERT_POLICY } from '../engine/alerts/alert-ladder.ts';
import { evaluateAccount } from '../engine/margin/evaluate-account.ts';
import { buildTierTable } from '../engine/margin/maintenance-tiers.ts';
import { createMonitor, monitorStep, viewProjection, type Monitor } from '../engine/monitor/account-monitor.ts';
import type { Account, Position } from '../engine/positions/account.ts';
import { marginModels } from '../exchanges/venues.ts';
import { price, qty, ratio, usdt } from '../units/units.ts';
import type { AccountReport } from './account-report.ts';
import { emptyAlertLog, logDecisions, type AlertLog } from './alert-log.ts';

/**
 * The report's figures are the engine's: the same liquidation price, tier prices and top-up that the
 * engine computes for the same account, past liquidation and closed too; the engine's Infinity shows
 * as null beside a reason; what a suggestion buys is what the engine says of the account after it.
 */

const model = marginModels.binance;
const tiers = buildTierTable([{ floor: 0, mmr: 0.01 }, { floor: 50_000, mmr: 0.02 }]);
const position = (over: Partial<Position>): Position => ({
  symbol: 'BTCUSDT',
  side: 'long',
  qty: qty(1),
  entryPrice: price(60_000),
  markPrice: price(59_000),
  marginMode: 'cross',
  leverage: 10,
  tiers,
  takerFeeRate: ratio(0.0005),
  ...over,
});
const account = (walletBalance: number, positions: Position[]): Account => ({ exchange: 'binance', walletBalance: usdt(walletBalance), positions });

function monitored(a: Account): { state: Monitor; log: AlertLog } {
  const step = monitorStep(createMonitor({ account: a, model, options: { accountId: CRASH_ACCOUNT_ID } }), { kind: 'account', account: a }, 1_000);
  return { state: step.monitor, log: logDecisions(emptyAlertLog, step.decisions) };
}

/** The report against evaluateAccount and the monitor's own facts for the same account. */
function expectEngineFigures(state: Monitor, report: AccountReport): number {
  const engine = evaluateAccount(state.account, model, { callLevels: callLevelsOf(DEFAULT_ALERT_POLICY.ladder), target: report.account.targetRiskRatio });
  let compared = 0;
  engine.positions.forEach((e, i) => {
    const r = report.positions[i]!;
    expect(r.symbol).toBe(e.symbol);
    expect(r.liquidationPrice).toBe(e.liquidationPrice);
    expect(Object.fromEntries(r.tiers.map((t) => [t.level, t.price]))).toEqual(e.tierPrices);
    expect(r.riskRatio).toBe(Number.isFinite(e.riskRatio) ? e.riskRatio : null);
    compared += 1;
  });
  for (const f of state.view!.facts) {
    const s = report.subjects.find((x) => x.subject === f.subject)!;
    expect(s.topUp.kind === 'top-up' ? s.topUp.amountUsdt : 0).toBe(f.topUpUsdt);
    expect(s.reduction.kind === 'reduce' ? s.reduction.qty : null).toBe(f.reduction?.qty ?? null);
    // Version 2: the odds top-up beside the first, with the odds each buys.
    expect(s.oddsTopUp.kind === 'top-up' ? s.oddsTopUp.amountUsdt : 0).toBe(f.searches.oddsTopUpUsdt());
    if (s.oddsTopUp.kind === 'top-up') expect(s.oddsTopUp.liquidationOddsAfter).toBeLessThanOrEqual(0.01 + 1e-9);
    // (+ 0: the protocol writes an engine -0 as 0.)
    if (s.topUp.kind === 'top-up') expect(s.topUp.liquidationOddsAfter).toBe(f.searches.odds() === null ? null : f.searches.odds()!.afterTopUp + 0);
    expect(s.liquidationOdds?.probability ?? null).toBe(f.searches.odds() === null ? null : f.searches.odds()!.now + 0);
    compared += 1;
  }
  return compared;
}

describe('protective stop in the report', () => {
  it('every position of the crash run carries its stop as the engine computes it, from the monitor\'s worst minute', () => {
    const { reports } = crashRun(6);
    const kinds = new Set(reports.flatMap((r) => r.positions.map((p) => p.protectiveStop.kind)));
    expect(kinds.has('stop')).toBe(true);
    for (const r of reports) {
      for (const p of r.positions) {
        const s = p.protectiveStop;
        if (s.kind !== 'stop') continue;
        const falls = s.liquidationPrice < p.markPrice;
        expect(falls ? s.triggerPrice < p.markPrice && s.triggerPrice > s.liquidationPrice : s.triggerPrice > p.markPrice && s.triggerPrice < s.liquidationPrice).toBe(true);
        expect(s.qty).toBeLessThanOrEqual(p.qty);
        expect(s.restRiskRatio ?? Infinity).toBeLessThanOrEqual(0.8 + 1e-9);
        expect(s.worstMinuteMovePercent).not.toBeNull();
        expect(s.bufferPercent).toBeGreaterThan(s.worstMinuteMovePercent!);
      }
    }
  });
});

describe('the account report carries the engine’s figures', () => {
  it('through the crash scenario, at every tier and past liquidation', () => {
    const run = crashRun(30);
    // Replays the same run, comparing at each report's time.
    expect(run.reports.length).toBeGreaterThan(20);
    const last = run.reports[run.reports.length - 1]!;
    expect(last.positions.every((p) => p.status === 'past-liquidation')).toBe(true);
    expect(expectEngineFigures(run.last, reportOf(run.last, run.log, last.builtAt))).toBe(5);
  });

  it('a position past liquidation: rho null (the engine says Infinity), its liquidation and top-up the engine’s', () => {
    // Equity 1,000 + (50,000 - 60,000) < 0: past liquidation with a requirement.
    const { state, log } = monitored(account(1_000, [position({ markPrice: price(50_000) })]));
    expect(state.view!.risk.positions[0]!.riskRatio).toBe(Number.POSITIVE_INFINITY);
    const report = reportOf(state, log, 2_000);
    expect(report.positions[0]).toMatchObject({ status: 'past-liquidation', riskRatio: null, nextTier: null });
    expect(report.account.worstRiskRatio).toBe(null);
    expect(report.subjects[0]!.topUp.kind).toBe('top-up');
    expect(expectEngineFigures(state, report)).toBe(2);
    // The reason travels with the null: every tier is reached.
    expect(report.positions[0]!.tiers.map((t) => [t.reached, t.reach.kind])).toEqual(Array(4).fill([true, 'reached']));
  });

  it('a closed position (qty 0) says so, never "safe"; one the venue removed resolves its alerts as closed', () => {
    const closed = position({ qty: qty(0), marginMode: 'isolated', isolatedMargin: usdt(0) });
    const { state, log } = monitored(account(5_000, [position({}), closed]));
    const report = reportOf(state, log, 2_000);
    expect(report.positions[1]).toMatchObject({ status: 'closed', nextTier: null, liquidationPrice: null, reduction: { kind: 'none-needed' } });
    expect(report.subjects.find((s) => s.kind === 'isolated')!.topUp).toEqual({ kind: 'none-needed' });
    expect(expectEngineFigures(state, report)).toBe(4);

    // An isolated position in Margin call, then gone from the account: its alert resolves as closed.
    const risky = position({ symbol: 'ETHUSDT', marginMode: 'isolated', isolatedMargin: usdt(2_110), markPrice: price(58_580) });
    let m = monitored(account(5_000, [position({}), risky]));
    const open = reportOf(m.state, m.log, 2_000).alerts.find((a) => a.subject.includes('ETHUSDT') && a.kind === 'tier');
    expect(open).toMatchObject({ channel: 'push', resolved: null });
    const gone = account(5_000, [position({})]);
    const step = monitorStep(m.state, { kind: 'account', account: gone }, 5_000);
    m = { state: step.monitor, log: logDecisions(m.log, step.decisions) };
    const after = reportOf(m.state, m.log, 6_000);
    expect(after.positions.map((p) => p.key)).toEqual(['BTCUSDT:long']);
    expect(after.alerts.find((a) => a.id === open!.id)!.resolved).toEqual({ at: 5_000, reason: 'closed' });
  });

  it('the engine’s Infinity is null with its reason, where JSON of the engine’s view silently writes null', () => {
    // A long whose isolated margin exceeds its notional: no positive mark liquidates it.
    const safe = position({ marginMode: 'isolated', isolatedMargin: usdt(70_000) });
    const { state, log } = monitored(account(0, [safe]));
    const engineTier = viewProjection(state.view!).positions[0]!.tiers[3]!;
    expect(engineTier.medianTimeSec).toBe(Number.POSITIVE_INFINITY);
    expect(JSON.parse(JSON.stringify(viewProjection(state.view!))).positions[0].tiers[3].medianTimeSec).toBe(null);
    const report = reportOf(state, log, 2_000);
    const liq = report.positions[0]!.tiers[3]!;
    expect(report.positions[0]!.liquidationPrice).toBe(null);
    expect(liq).toMatchObject({ price: null, distancePercent: null, reach: { kind: 'out-of-reach', reason: 'no positive mark of this symbol reaches this level' } });
    // And structuredClone of the engine's own objects drops the lazy figures: why the protocol exists.
    expect(structuredClone(state.view!.risk.positions[0]!)).not.toHaveProperty('liquidationPrice');
  });

  it('what each suggestion buys: the engine’s rho and liquidation price of the account after it', () => {
    const btc = position({ qty: qty(2), markPrice: price(57_500) });
    const eth = position({ symbol: 'ETHUSDT', qty: qty(10), entryPrice: price(3_000), markPrice: price(2_900), tiers: buildTierTable([{ floor: 0, mmr: 0.01 }]) });
    const iso = position({ symbol: 'SOLUSDT', qty: qty(100), entryPrice: price(200), markPrice: price(186), marginMode: 'isolated', isolatedMargin: usdt(1_600), tiers: buildTierTable([{ floor: 0, mmr: 0.02 }]) });
    const a = account(6_500, [btc, eth, iso]);
    const { state, log } = monitored(a);
    const report = reportOf(state, log, 2_000);
    const target = report.account.targetRiskRatio;
    const pool = report.subjects.find((s) => s.kind === 'cross-pool')!;
    const own = report.subjects.find((s) => s.kind === 'isolated')!;
    expect(pool.riskRatio).toBeGreaterThan(target);
    expect(own.riskRatio).toBeGreaterThan(target);
    if (pool.topUp.kind !== 'top-up' || own.topUp.kind !== 'top-up' || own.reduction.kind !== 'reduce') throw new Error('expected suggestions');
    expect(pool.topUp.riskRatioAfter).toBeLessThanOrEqual(target + 1e-9);
    // Independently: the wallet topped up, valued by the engine.
    const topped = evaluateAccount({ ...a, walletBalance: usdt(a.walletBalance + pool.topUp.amountUsdt) }, model, { target });
    expect(pool.topUp.riskRatioAfter).toBeCloseTo(topped.riskRatio, 12);
    expect(pool.topUp.liquidationPricesAfter).toEqual([
      { key: 'BTCUSDT:long', price: topped.positions[0]!.liquidationPrice },
      { key: 'ETHUSDT:long', price: topped.positions[1]!.liquidationPrice },
    ]);
    expect(own.topUp.to).toBe('position');
    expect(own.topUp.riskRatioAfter).toBeLessThanOrEqual(target + 1e-9);
    expect(own.reduction.riskRatioAfter).toBeLessThanOrEqual(target + 1e-9);
    const reduced = evaluateAccount({ ...a, positions: [btc, eth, { ...iso, qty: qty(iso.qty - own.reduction.qty), isolatedMargin: usdt((1_600 * (iso.qty - own.reduction.qty)) / iso.qty) }] }, model, { target });
    expect(own.reduction.liquidationPriceAfter).toBe(reduced.positions[2]!.liquidationPrice);
  });
});

describe('the alert log', () => {
  it('a reminder refreshes the entry, a resolve closes it, the first notice keeps its time and what it replaced', () => {
    const run = crashRun(60);
    const tier = run.log.entries.find((e) => e.kind === 'tier' && e.tier === '0.8' && e.subject.endsWith(':cross'))!;
    expect(tier.openedAt).toBeLessThanOrEqual(tier.lastNotifiedAt);
    expect(tier.supersedes.length).toBeGreaterThan(0);
    const stale = run.log.entries.find((e) => e.kind === 'stale')!;
    expect(stale).toMatchObject({ kind: 'stale', reason: 'no mark price for BTCUSDT', resolved: { reason: 'data-fresh' } });
    const open = run.log.entries.filter((e) => e.resolved === null);
    // Every open entry is open in the policy too (its id among the subjects' open alerts).
    const policyOpen = new Set(Object.values(run.last.state.alerts.subjects).flatMap((s) => [...s.tiers, ...(s.prediction ? [s.prediction] : [])].map((a) => a.id)));
    expect(open.length).toBeGreaterThan(0);
    for (const e of open) expect(policyOpen.has(e.id)).toBe(true);
    const reminded = logDecisions(emptyAlertLog, [
      { kind: 'notify', supersedes: ['x'], alert: { ...sampleRecord, reminder: 0, t: 10 } },
      { kind: 'notify', supersedes: [], alert: { ...sampleRecord, reminder: 1, t: 20, riskRatio: Number.POSITIVE_INFINITY } },
      { kind: 'resolve', id: sampleRecord.id, subject: sampleRecord.subject, t: 30, reason: 'recovered' },
    ]);
    expect(reminded.entries).toHaveLength(1);
    expect(reminded.entries[0]).toMatchObject({ openedAt: 10, lastNotifiedAt: 20, reminders: 1, supersedes: ['x'], resolved: { at: 30, reason: 'recovered' }, figures: { riskRatio: null } });
  });
});

const sampleRecord = {
  id: 'a:cross|tier|0.8|10',
  kind: 'tier' as const,
  subject: 'a:cross',
  t: 10,
  severity: 'margin-call' as const,
  tier: '0.8',
  tierName: 'Margin call',
  channel: 'push' as const,
  reminder: 0,
  riskRatio: 0.85,
  equityUsdt: 100,
  requirementUsdt: 85,
  forecast: null,
  symbol: 'BTCUSDT',
  side: 'long' as const,
  topUpUsdt: 70,
  reduction: null,
  marks: { BTCUSDT: 59_000 },
  reason: null,
};
