import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { crashRun } from '../../tools/test-support/crash-reports.ts';
import { DEFAULT_ALERT_POLICY } from '../engine/alerts/alert-ladder.ts';
import { buildTierTable } from '../engine/margin/maintenance-tiers.ts';
import { createMonitor, monitorStep } from '../engine/monitor/account-monitor.ts';
import { VENUE_IDS, type Account, type Position, type VenueId } from '../engine/positions/account.ts';
import { marginModels } from '../exchanges/venues.ts';
import { price, qty, ratio, usdt } from '../units/units.ts';
import type { AccountReport } from './account-report.ts';
import { accountReport } from './account-report-builder.ts';
import { emptyAlertLog, logDecisions } from './alert-log.ts';

/**
 * Every protocol value crosses postMessage and IndexedDB (structuredClone) and the relay and
 * chrome.storage (JSON) unchanged: over the crash scenario's real monitor outputs and over random
 * accounts on every venue. Fixed seeds; each property says how many cases it really checked.
 */

/** Every number in a value, with its path; a non-finite one is a bug the protocol promised away. */
function numbersIn(value: unknown, path = '$', out: Array<[string, number]> = []): Array<[string, number]> {
  if (typeof value === 'number') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => numbersIn(v, `${path}[${i}]`, out));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) numbersIn(v, `${path}.${k}`, out);
  return out;
}

/** A plain object only: no prototype but Object's or Array's, no getter, no function anywhere. */
function isPlain(value: unknown): boolean {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  if (typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype) return false;
  return Object.values(Object.getOwnPropertyDescriptors(value)).every((d) => 'value' in d && (d.enumerable !== true || isPlain(d.value)));
}

function expectCrossesBoundaries(report: AccountReport): void {
  expect(isPlain(report)).toBe(true);
  expect(structuredClone(report)).toStrictEqual(report);
  expect(JSON.parse(JSON.stringify(report))).toStrictEqual(report);
  expect(numbersIn(report).filter(([, n]) => !Number.isFinite(n))).toEqual([]);
}

describe('protocol data crosses every boundary unchanged', () => {
  const run = crashRun(3);

  test('reports of the crash scenario: structuredClone and JSON give the same value back', () => {
    let checked = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: run.reports.length - 1 }), (i) => {
        expectCrossesBoundaries(run.reports[i] as AccountReport);
        checked += 1;
      }),
      { seed: 8_2026, numRuns: 120 },
    );
    expect(checked).toBe(120);
    // The scenario really covers what matters: past liquidation, open and resolved alerts, a stale one, a snooze.
    const all = run.reports;
    expect(all.some((r) => r.positions.some((p) => p.status === 'past-liquidation'))).toBe(true);
    expect(all.some((r) => r.account.worstRiskRatio === null)).toBe(true);
    expect(all.some((r) => r.alerts.some((a) => a.kind === 'stale' && a.resolved !== null))).toBe(true);
    expect(all.some((r) => r.alerts.some((a) => a.kind === 'predictive' && a.resolved?.reason === 'reached'))).toBe(true);
    expect(all.some((r) => r.subjects.some((s) => s.snooze !== null))).toBe(true);
    expect(all.some((r) => r.subjects.some((s) => s.reduction.kind === 'unreachable'))).toBe(true);
    expect(all.some((r) => r.positions.some((p) => p.tiers.some((t) => t.reach.kind === 'projected')))).toBe(true);
    // Every report of the run, not only the sampled ones.
    for (const r of all) expect(numbersIn(r).filter(([, n]) => !Number.isFinite(n))).toEqual([]);
  });

  test('the alert log crosses them too', () => {
    expect(isPlain(run.log)).toBe(true);
    expect(structuredClone(run.log)).toStrictEqual(run.log);
    expect(JSON.parse(JSON.stringify(run.log))).toStrictEqual(run.log);
  });

  const tiersArb = fc
    .array(fc.record({ width: fc.double({ min: 1_000, max: 5_000_000, noNaN: true }), step: fc.double({ min: 0.0005, max: 0.02, noNaN: true }) }), {
      minLength: 1,
      maxLength: 3,
    })
    .map((rows) => {
      let floor = 0;
      let mmr = 0.002;
      return rows.map((r) => {
        const row = { floor, mmr };
        floor += r.width;
        mmr += r.step;
        return row;
      });
    });

  const positionArb = (venue: VenueId) =>
    fc
      .record({
        symbol: fc.constantFrom('AAA', 'BBB', 'CCC'),
        side: fc.constantFrom('long' as const, 'short' as const),
        // A closed slot (qty 0) now and then: a venue can report one.
        qty: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 9, arbitrary: fc.double({ min: 0.001, max: 50, noNaN: true }) }),
        entry: fc.double({ min: 0.5, max: 80_000, noNaN: true }),
        markMove: fc.double({ min: 0.7, max: 1.3, noNaN: true }),
        isolated: fc.boolean(),
        leverage: fc.integer({ min: 1, max: 100 }),
        extraFraction: fc.double({ min: 0, max: 2, noNaN: true }),
        tiers: tiersArb,
        fee: fc.double({ min: 0, max: 0.001, noNaN: true }),
      })
      .map((r): Position => ({
        symbol: r.symbol,
        side: r.side,
        qty: qty(r.qty),
        entryPrice: price(r.entry),
        markPrice: price(r.entry * r.markMove),
        marginMode: r.isolated ? 'isolated' : 'cross',
        ...(r.isolated ? { isolatedMargin: usdt(((r.qty * r.entry) / r.leverage) * (1 + r.extraFraction)) } : {}),
        leverage: r.leverage,
        tiers: buildTierTable(r.tiers, venue === 'okx' ? 'qty' : 'notional'),
        takerFeeRate: ratio(r.fee),
      }));

  const accountArb = fc.constantFrom(...VENUE_IDS).chain((venue) =>
    fc
      .record({ wallet: fc.double({ min: 0, max: 500_000, noNaN: true }), positions: fc.uniqueArray(positionArb(venue), { minLength: 1, maxLength: 4, selector: (p) => `${p.symbol}:${p.side}` }) })
      .map(({ wallet, positions }): Account => {
        // One mark per symbol, as the venues have it.
        const marks = new Map<string, Position['markPrice']>();
        for (const p of positions) if (!marks.has(p.symbol)) marks.set(p.symbol, p.markPrice);
        return { exchange: venue, walletBalance: usdt(wallet), positions: positions.map((p) => ({ ...p, markPrice: marks.get(p.symbol)! })) };
      }),
  );

  test('reports of random accounts on every venue', () => {
    const seen = { checked: 0, pastLiquidation: 0, closed: 0, topUps: 0, reductions: 0, unreachable: 0 };
    fc.assert(
      fc.property(accountArb, (account) => {
        const model = marginModels[account.exchange];
        const first = monitorStep(createMonitor({ account, model, options: { accountId: 'acct' } }), { kind: 'account', account }, 1_000);
        const state = first.monitor;
        if (state.view === null) throw new Error('no view');
        const report = accountReport({
          accountId: 'acct',
          mode: 'manual',
          account: state.account,
          model,
          view: state.view,
          ladder: DEFAULT_ALERT_POLICY.ladder,
          alertState: state.state.alerts,
          alertLog: logDecisions(emptyAlertLog, first.decisions),
          stale: null,
          feed: null,
          now: 2_000,
        });
        expectCrossesBoundaries(report);
        seen.checked += 1;
        // What a suggestion buys is the engine's valuation of the account after it: at or below the target.
        const target = report.account.targetRiskRatio;
        for (const s of report.subjects) {
          if (s.topUp.kind === 'top-up') expect(s.topUp.riskRatioAfter).toBeLessThanOrEqual(target * (1 + 1e-9));
          if (s.reduction.kind === 'reduce') expect(s.reduction.riskRatioAfter).toBeLessThanOrEqual(target * (1 + 1e-9));
        }
        if (report.positions.some((p) => p.status === 'past-liquidation')) seen.pastLiquidation += 1;
        if (report.positions.some((p) => p.status === 'closed')) seen.closed += 1;
        if (report.subjects.some((s) => s.topUp.kind === 'top-up')) seen.topUps += 1;
        if (report.subjects.some((s) => s.reduction.kind === 'reduce')) seen.reductions += 1;
        if (report.positions.some((p) => p.reduction.kind === 'unreachable')) seen.unreachable += 1;
      }),
      { seed: 20_261_126, numRuns: 150 },
    );
    expect(seen.checked).toBe(150);
    // The generator reaches every case the types describe, not only the easy ones.
    expect(seen.pastLiquidation).toBeGreaterThan(5);
    expect(seen.closed).toBeGreaterThan(5);
    expect(seen.topUps).toBeGreaterThan(20);
    expect(seen.reductions).toBeGreaterThan(5);
  });
});
