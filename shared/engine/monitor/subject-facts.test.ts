import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { btcusdtBrackets } from '../../../tools/test-support/binance-brackets.ts';
import { scenarioPath } from '../../../tools/market-paths/scenarios.ts';
import { marginModels } from '../../exchanges/venues.ts';
import { price, qty, ratio, usdt } from '../../units/units.ts';
import { crossParts, isolatedParts, riskRatio } from '../margin/risk-parts.ts';
import type { Account, Position } from '../positions/account.ts';
import type { RiskSearches } from '../margin/evaluate-account.ts';
import type { Reduction } from '../margin/suggested-actions.ts';
import { createMonitor, monitorStep, type Monitor } from './account-monitor.ts';
import { largestReducible } from './subject-facts.ts';

/**
 * Issue 13, ask 3: the smallest top-up back to the target and, beside it and never folded into it, the
 * top-up for P(liquidation in 24 h) <= 1 %, each with what it buys; and the stop to set in advance.
 */
const START = Date.UTC(2026, 10, 24, 9, 0);
const model = marginModels.binance;
const btc = (fields: Partial<Position> = {}): Position => ({
  symbol: 'BTCUSDT', side: 'long', qty: qty(1), entryPrice: price(97_000), markPrice: price(97_000), marginMode: 'cross',
  tiers: btcusdtBrackets(), takerFeeRate: ratio(0.0005), ...fields,
});

/** A monitor warmed on a stormy hour (volatility high enough for the 24 h odds to ask for more than the target). */
function warmed(account: Account, scenario: 'crash' | 'calm' = 'crash'): Monitor {
  const storm = scenarioPath(scenario, { startPrice: 97_000, startMs: START - 3_600_000, stepMs: 60_000, durationMs: 3_600_000, seed: 3 });
  const history = storm.map((p) => [p.t, { BTCUSDT: p.price }] as const);
  const monitor = createMonitor({ account, model, history, options: { accountId: 'a' } });
  return monitorStep(monitor, { kind: 'marks', marks: { BTCUSDT: 97_000 } }, START).monitor;
}

describe('subject facts: two top-ups side by side, the stop, and what each buys', () => {
  it('cross: the target top-up is the engine rule alone; the odds one is separate, uncapped, and buys P <= 1 %', () => {
    // rho 0.7, above the 0.5 target.
    const account: Account = { exchange: 'binance', walletBalance: usdt(model.requirement(btc(), 97_000) / 0.7), positions: [btc()] };
    const facts = warmed(account).view!.facts[0]!;
    const parts = crossParts(account, model);
    // The smallest top-up back to 0.5: requirement / 0.5 - equity, to the cent.
    expect(facts.topUpUsdt).toBeCloseTo(parts.requirement / 0.5 - parts.equity, 1);
    expect(facts.searches.oddsTopUpUsdt()).toBeGreaterThan(facts.topUpUsdt);
    const odds = facts.searches.odds()!;
    expect(odds.horizonSec).toBe(86_400);
    expect(odds.afterTopUp).toBeLessThanOrEqual(odds.now);
    expect(odds.afterOddsTopUp).toBeLessThanOrEqual(0.01 + 1e-9);
    expect(odds.afterOddsTopUp).toBeLessThan(odds.afterTopUp);
    expect(odds.afterReduction).not.toBeNull();
    // The target top-up leaves rho at the target; more would be the odds one.
    const after = crossParts({ ...account, walletBalance: usdt(account.walletBalance + facts.topUpUsdt) }, model);
    expect(riskRatio(after)).toBeLessThanOrEqual(0.5 + 1e-9);
    // The liquidation price is within the crash's worst minute of the mark: too close for a stop.
    expect(facts.searches.protectiveStop()).toBeNull();
  });

  it('the stop sits between the liquidation price and the mark, a buffer wider than the worst minute seen', () => {
    const account: Account = { exchange: 'binance', walletBalance: usdt(model.requirement(btc(), 97_000) / 0.1), positions: [btc()] };
    const monitor = warmed(account, 'calm');
    const stop = monitor.view!.facts[0]!.searches.protectiveStop()!;
    expect(stop.triggerPrice).toBeLessThan(97_000);
    expect(stop.triggerPrice).toBeGreaterThan(stop.liquidationPrice);
    const worst = Math.max(...monitor.state.minuteMoves['BTCUSDT']!.hours.map(([, m]) => m));
    expect(stop.triggerPrice / stop.liquidationPrice - 1).toBeGreaterThan(worst);
  });

  it('below the target: no top-up back to it is needed, the odds one stands alone', () => {
    const account: Account = { exchange: 'binance', walletBalance: usdt(model.requirement(btc(), 97_000) / 0.3), positions: [btc()] };
    const facts = warmed(account).view!.facts[0]!;
    expect(riskRatio(crossParts(account, model))).toBeLessThan(0.5);
    expect(facts.topUpUsdt).toBe(0);
    expect(facts.searches.odds()!.afterTopUp).toBe(facts.searches.odds()!.now);
    if (facts.searches.oddsTopUpUsdt() > 0) expect(facts.searches.odds()!.afterOddsTopUp).toBeLessThanOrEqual(0.01 + 1e-9);
  });

  it('isolated: the same split on the position, and its stop closes it (margin leaves with the quantity)', () => {
    const p = btc({ marginMode: 'isolated', isolatedMargin: usdt(model.requirement(btc(), 97_000) / 0.7) });
    const account: Account = { exchange: 'binance', walletBalance: usdt(0), positions: [p] };
    const facts = warmed(account).view!.facts.find((f) => f.subject.includes('isolated'))!;
    const parts = isolatedParts(p, model);
    expect(facts.topUpUsdt).toBeCloseTo(parts.requirement / 0.5 - parts.equity, 1);
    expect(facts.searches.oddsTopUpUsdt()).toBeGreaterThan(0);
    expect(facts.searches.odds()).toMatchObject({ horizonSec: 86_400 });
    const far = btc({ marginMode: 'isolated', isolatedMargin: usdt(model.requirement(btc(), 97_000) / 0.1) });
    const stop = warmed({ exchange: 'binance', walletBalance: usdt(0), positions: [far] }, 'calm').view!.facts.find((f) => f.subject.includes('isolated'))!.searches.protectiveStop();
    expect(stop).toMatchObject({ closesPosition: true, qty: 1 });
  });
});

describe('the cross pool names the position that carries the largest requirement', () => {
  it('the largest, not the first; of two equal, the first in the account (as a stable sort by requirement)', () => {
    const legs: Array<[string, number]> = [['AAAUSDT', 0.5], ['BBBUSDT', 1], ['CCCUSDT', 2], ['DDDUSDT', 2], ['EEEUSDT', 1.5]];
    const positions = legs.map(([symbol, q]) => btc({ symbol, qty: qty(q) }));
    const requirement = positions.reduce((sum, p) => sum + model.requirement(p, 97_000), 0);
    // rho 0.6, above the 0.5 target: reducing the largest position alone gets back to it, and the reduction names it.
    const account: Account = { exchange: 'binance', walletBalance: usdt(requirement / 0.6), positions };
    const monitor = monitorStep(createMonitor({ account, model, options: { accountId: 'a' } }), { kind: 'marks', marks: Object.fromEntries(legs.map(([s]) => [s, 97_000])) }, START).monitor;
    const pool = monitor.view!.facts[0]!;
    expect(pool.subject).toBe('a:cross');
    expect(pool.symbol).toBe('CCCUSDT');
    expect(pool.reduction?.symbol).toBe('CCCUSDT');
  });
});

describe('the pool reducible position, found without the sort', () => {
  it('is the first reducible one in a stable sort by requirement, largest first (ties, and a requirement that is not finite)', () => {
    const requirementArb = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(0, 1, 2, 3, 5) }, { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY) });
    fc.assert(
      fc.property(fc.array(fc.record({ requirement: requirementArb, reducible: fc.boolean(), cross: fc.boolean() }), { minLength: 1, maxLength: 12 }), (rows) => {
        const cross = rows.flatMap((r, i) => (r.cross ? [i] : []));
        fc.pre(cross.length > 0);
        const positions = rows.map((r) => ({ maintenanceMargin: r.requirement }));
        // Searches whose reductions are answered already: reductionOf reads them and searches nothing.
        const searches = {
          account: { exchange: 'binance', walletBalance: usdt(0), positions: rows.map(() => btc()) },
          reductions: rows.map((r): Reduction => (r.reducible ? { kind: 'reduce', qty: 1, feeUsdt: 0, closesPosition: false } : { kind: 'unreachable', reason: 'test' })),
        } as unknown as RiskSearches;
        const sorted = [...cross].sort((a, b) => (positions[b]?.maintenanceMargin ?? 0) - (positions[a]?.maintenanceMargin ?? 0));
        expect(largestReducible(searches, positions, cross)).toBe(sorted.find((i) => rows[i]!.reducible));
      }),
      { seed: 27, numRuns: 2000 },
    );
  });
});

describe("subject facts: the marks an alert records, asked only then", () => {
  it('the pool reads every position of the account in its order, an isolated position its own; the first answer is kept', () => {
    const eth: Position = btc({ symbol: 'ETHUSDT', qty: qty(10), entryPrice: price(3_000), markPrice: price(3_100) });
    const sol: Position = btc({ symbol: 'SOLUSDT', qty: qty(100), entryPrice: price(200), markPrice: price(190), marginMode: 'isolated', isolatedMargin: usdt(5_000) });
    const account: Account = { exchange: 'binance', walletBalance: usdt(50_000), positions: [eth, sol, btc()] };
    const facts = warmed(account, 'calm').view!.facts;
    const pool = facts.find((f) => f.subject.endsWith(':cross'))!;
    const isolated = facts.find((f) => f.symbol === 'SOLUSDT' && f !== pool)!;
    expect(JSON.stringify(pool.searches.marks())).toBe(JSON.stringify({ ETHUSDT: 3_100, SOLUSDT: 190, BTCUSDT: 97_000 }));
    expect(isolated.searches.marks()).toStrictEqual({ SOLUSDT: 190 });
    expect(pool.searches.marks()).toBe(pool.searches.marks());
    // Plain data: it is what an alert record carries across postMessage and JSON.
    expect(structuredClone(pool.searches.marks())).toStrictEqual(pool.searches.marks());
  });
});
