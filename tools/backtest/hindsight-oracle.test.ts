import { describe, expect, it } from 'vitest';
import { deriveSeed } from '../market-paths/seeded-random.ts';
import { accountFor } from './backtest-accounts.ts';
import { backtestPath } from './backtest-paths.ts';
import { oracleContext, replayPlan } from './hindsight-oracle.ts';
import { STATIC_LEVEL } from './static-margin-call.ts';
import { accountDigest, ORACLE_KEYS, pathDigest, type PathOutcome, type PolicyKey, type PolicyOutcome } from './play-path.ts';
import { playIndices, type BacktestOptions } from './run-backtest.ts';
import { capitalOf, qtyOf } from './trader-model.ts';

const run = (o: PathOutcome, key: PolicyKey): PolicyOutcome => {
  const r = o.runs[key];
  if (r === undefined) throw new Error(`${key} was not played`);
  return r;
};
const indices = (n: number) => Array.from({ length: n }, (_, i) => i);

// Calm and trend paths, 3x to 50x, a one-minute reaction: among them a path (8, calm, 50x) whose account
// dies untouched and which the static call's and ours' top-up traders save, so "never worse" has
// something to be worse than.
const options: BacktestOptions = { paths: 12, seed: 11, delayMs: 60_000, families: ['calm', 'trend'], targets: [0.5], forecastRules: [] };
const outcomes = playIndices(indices(12), options);

describe('the hindsight oracle (a bound, not a policy)', () => {
  it('plays the same path and account as every other policy, and its capital is explained', () => {
    outcomes.forEach((o, i) => {
      const families = options.families ?? [];
      const path = backtestPath(o.family, deriveSeed(options.seed, `path-${i}`));
      expect(o.family).toBe(families[i % families.length]);
      const account = accountFor(o.recipe, path.ticks[0]?.[1] ?? {});
      for (const key of ORACLE_KEYS) {
        const r = run(o, key);
        expect(r.pathDigest).toBe(pathDigest(path));
        expect(r.accountDigest).toBe(accountDigest(account));
        expect(r.pathDigest).toBe(run(o, 'static').pathDigest);
        expect(r.startCapitalUsdt).toBe(capitalOf(account));
        expect(r.startQty).toBe(qtyOf(account));
        // No money but the trader's top-ups, what its reductions and stops realised.
        expect(r.endCapitalUsdt - r.startCapitalUsdt).toBeCloseTo(r.topUpUsdt + r.reducedPnlUsdt + r.realisedUsdt, 6);
        expect(r.endQty).toBeCloseTo(r.startQty - r.closedQty - (r.stops?.closedQty ?? 0), 9);
      }
      expect(run(o, 'oracleReduce').topUpUsdt).toBe(0);
    });
  });

  it('is never liquidated where ours or the static call (same trader) is not, and a stop never makes it worse', () => {
    const liq = (o: PathOutcome, key: PolicyKey): number => (run(o, key).liquidated ? 1 : 0);
    for (const o of outcomes) {
      expect(liq(o, 'oracle')).toBeLessThanOrEqual(Math.min(liq(o, 'ours'), liq(o, 'static')));
      expect(liq(o, 'oracleReduce')).toBeLessThanOrEqual(Math.min(liq(o, 'oursReduce'), liq(o, 'staticReduce')));
      expect(liq(o, 'oracleStop')).toBeLessThanOrEqual(liq(o, 'oracle'));
      expect(liq(o, 'oracleStopReduce')).toBeLessThanOrEqual(liq(o, 'oracleReduce'));
    }
    // The check has teeth: on some path the account dies untouched, and a policy's trader saves it.
    const saved = outcomes.filter((o) => o.event === 'liquidation' && (!run(o, 'ours').liquidated || !run(o, 'static').liquidated || !run(o, 'oursReduce').liquidated));
    expect(saved.length).toBeGreaterThanOrEqual(1);
    // The verdicts read the same runs: ours saves exactly where the account dies untouched and ours' trader survives.
    for (const o of outcomes) {
      expect(o.hindsight.topup === 'ours-saves').toBe(o.event === 'liquidation' && !run(o, 'ours').liquidated);
      // Ours saving a path the bound calls unsaveable would be a bug in the bound: the verdicts say so.
      if (o.hindsight.topup === 'ours-saves') expect(run(o, 'oracle').liquidated).toBe(false);
      if (o.hindsight.reduce === 'ours-saves') expect(run(o, 'oracleReduce').liquidated).toBe(false);
      expect(o.hindsight.topup === 'unsaveable').toBe(run(o, 'oracle').liquidated);
    }
  });

  it('pushes nothing and spends nothing on a path the account survives untouched', () => {
    const quiet = outcomes.filter((o) => o.event !== 'liquidation');
    expect(quiet.length).toBeGreaterThan(0);
    for (const o of quiet) {
      for (const key of ['oracle', 'oracleReduce'] as const) {
        expect(run(o, key).liquidated).toBe(false);
        expect(run(o, key).pushes).toBe(0);
        expect(run(o, key).topUpUsdt + run(o, key).closedQty).toBe(0);
      }
    }
  });

  it("replays the static call's own push through the same trader: the same action, the same money, the same fate", () => {
    // The oracle's machinery (valuation, delay, sizing, fills) is the other policies' trader: given the
    // static call's one push, it must do exactly what the static call's trader did.
    const rule = { delayMs: options.delayMs, targetRho: 0.5, sizing: 'topup' } as const;
    let checked = 0;
    outcomes.forEach((o, i) => {
      const st = run(o, 'static');
      if (st.pushes !== 1) return;
      const path = backtestPath(o.family, deriveSeed(options.seed, `path-${i}`));
      const ctx = oracleContext(path, accountFor(o.recipe, path.ticks[0]?.[1] ?? {}));
      const k = ctx.rhos.findIndex((r) => r >= STATIC_LEVEL);
      const replayed = replayPlan(ctx, { firstPush: k, repeat: false, stopAt: null }, rule);
      expect(replayed.trader.topUpUsdt).toBeCloseTo(st.topUpUsdt, 6);
      expect(replayed.trader.actions).toBe(st.actions);
      expect(replayed.liquidatedAt !== null).toBe(st.liquidated);
      checked += st.actions;
    });
    expect(checked).toBeGreaterThan(0);
  });
});
