import { describe, expect, it } from 'vitest';
import { runCommand } from '../test-support/run-command.ts';
import { backtestReport, percentile, POLICY_NAMES } from './backtest-figures.ts';
import { playIndices, type BacktestOptions } from './run-backtest.ts';
import { deriveSeed } from '../market-paths/seeded-random.ts';
import { accountFor } from './backtest-accounts.ts';
import { backtestPath } from './backtest-paths.ts';
import { accountDigest, pathDigest, type PathOutcome, type PolicyKey, type PolicyOutcome } from './play-path.ts';
import { staticCallStep } from './static-margin-call.ts';
import { capitalOf, qtyOf } from './trader-model.ts';

/** A policy's run on a path; the test fails if it was not played. */
const run = (o: PathOutcome, key: PolicyKey): PolicyOutcome => {
  const r = o.runs[key];
  if (r === undefined) throw new Error(`${key} was not played`);
  return r;
};

const backtest = (args: string[]) => runCommand('tools/backtest/backtest.ts', args);

const indices = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('npm run backtest -- --json', () => {
  it('prints the documented shape, with sane figures, the same as one process', { timeout: 120_000 }, async () => {
    const r = await backtest(['--quick', '--paths', '6', '--seed', '7', '--delay-min', '5', '--workers', '2', '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out).sort()).toEqual(['delayMin', 'families', 'forecast', 'frontiers', 'hindsight', 'paths', 'policies', 'seed']);
    expect(out['paths']).toBe(6);
    expect(out['seed']).toBe(7);
    const policies = out['policies'] as Array<Record<string, unknown>>;
    expect(policies.map((p) => [p['name'], p['trader']])).toEqual([
      [POLICY_NAMES.static, 'topup'],
      [POLICY_NAMES.ours, 'topup'],
      [POLICY_NAMES.prefunded, 'topup'],
      [POLICY_NAMES.protectedAtOpen, 'topup'],
      [POLICY_NAMES.stopLossAtOpen, 'topup'],
      [POLICY_NAMES.protected, 'topup'],
      [POLICY_NAMES.protectedLate, 'topup'],
      [POLICY_NAMES.oracle, 'topup'],
      [POLICY_NAMES.oracleStop, 'topup'],
      [POLICY_NAMES.staticReduce, 'reduce'],
      [POLICY_NAMES.oursReduce, 'reduce'],
      [POLICY_NAMES.preReduced, 'reduce'],
      [POLICY_NAMES.protectedReduce, 'reduce'],
      [POLICY_NAMES.oracleReduce, 'reduce'],
      [POLICY_NAMES.oracleStopReduce, 'reduce'],
    ]);
    for (const p of policies) {
      expect(Object.keys(p).sort()).toEqual([
        'closedSharePerPath', 'falseAlarmShare', 'idleActionShare', 'leadTimeP10Sec', 'leadTimeP50Sec', 'liquidatedShare', 'name', 'needlessStopShare', 'pushesPerPositionDay', 'reducedPnlPerPath',
        'stopRealisedPerPath', 'stoppedShare', 'topUpPerPath', 'trader',
      ]);
      // The reducing trader adds no capital and says what it closed; the top-up trader closes nothing.
      const reduce = p['trader'] === 'reduce';
      if (reduce) expect(p['topUpPerPath']).toBe(0);
      expect(p['closedSharePerPath'] === null).toBe(!reduce);
      // Stop figures only for the traders who place stops; a stop fill realises a loss or a gain, but what it realised is finite.
      const stops = String(p['name']).includes('stop');
      expect(p['stoppedShare'] === null).toBe(!stops);
      if (stops) expect((p['needlessStopShare'] as number) <= (p['stoppedShare'] as number)).toBe(true);
      expect(p['liquidatedShare']).toBeGreaterThanOrEqual(0);
      expect(p['liquidatedShare']).toBeLessThanOrEqual(1);
      expect(p['pushesPerPositionDay']).toBeGreaterThanOrEqual(0);
      expect(p['topUpPerPath']).toBeGreaterThanOrEqual(0);
      const p50 = p['leadTimeP50Sec'];
      if (p50 !== null) expect(p['leadTimeP10Sec'] as number).toBeLessThanOrEqual(p50 as number);
    }
    // Only forecasts can be false: the static call and the prefunded trader have none.
    for (const i of [0, 2, 7, 9]) expect(policies[i]?.['falseAlarmShare']).toBeNull();
    const families = out['families'] as Array<Record<string, unknown>>;
    expect(families.map((f) => f['family'])).toEqual(['storm', 'calm', 'trend', 'crash', 'wick']);
    const frontiers = out['frontiers'] as { capital: Array<Record<string, unknown>>; sizing: Array<Record<string, unknown>>; forecast: Array<Record<string, unknown>> };
    expect(frontiers.capital.map((c) => c['targetRho'])).toEqual([0.3, 0.5]);
    expect(frontiers.sizing.map((c) => c['targetRho'])).toEqual([0.3, 0.5]);
    expect(frontiers.forecast.map((f) => f['threshold'])).toEqual([0.25, 0.5]);
    // The same run in one process gives the same figures: the split across workers changes nothing.
    const quick = { targets: [0.3, 0.5], forecastRules: [{ horizonSec: 3600, threshold: 0.25 }, { horizonSec: 3600, threshold: 0.5 }] };
    const inProcess = backtestReport(playIndices(indices(6), { paths: 6, seed: 7, delayMs: 5 * 60_000, ...quick }), 7, 5);
    expect(out).toEqual(JSON.parse(JSON.stringify(inProcess)));
  });

  it('refuses a bad option with one line and exit status 2', { timeout: 30_000 }, async () => {
    const r = await backtest(['--paths', 'many']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--paths');
  });

  it('refuses an unknown flag and a stray argument, naming them', { timeout: 30_000 }, async () => {
    for (const [args, message] of [
      [['--bogus-flag'], /^unknown option --bogus-flag; usage: npm run backtest -- /],
      [['--paths', '6', 'stray'], /^unexpected argument "stray"; usage: /],
    ] as const) {
      const r = await backtest([...args]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('the backtest itself', () => {
  // 20 crash paths: leverages 3x to 50x, as cross longs, cross shorts, isolated longs and hedges.
  const crash: BacktestOptions = { paths: 20, seed: 3, delayMs: 10 * 60_000, families: ['crash'], targets: [0.5], forecastRules: [] };
  const crashOutcomes = playIndices(indices(20), crash);

  it('warns earlier than the static margin call on crash paths', () => {
    const withEvents = crashOutcomes.filter((o) => o.event !== null);
    expect(withEvents.length).toBeGreaterThanOrEqual(4);
    for (const o of withEvents) expect(run(o, 'ours').leadTimeSec ?? -1).toBeGreaterThanOrEqual(run(o, 'static').leadTimeSec ?? Infinity);
    const [stat, ours] = backtestReport(crashOutcomes, crash.seed, 10).policies;
    expect(stat?.name).toBe(POLICY_NAMES.static);
    expect(ours?.leadTimeP50Sec ?? 0).toBeGreaterThan(stat?.leadTimeP50Sec ?? Infinity);
  });

  it('is deterministic under its seed, and the seed matters', { timeout: 60_000 }, () => {
    expect(playIndices(indices(5), crash)).toEqual(crashOutcomes.slice(0, 5));
    const other = playIndices(indices(5), { ...crash, seed: 4 });
    expect(other).not.toEqual(crashOutcomes.slice(0, 5));
  });

  it('faces every policy with the same path and account, and no money but the top-ups', { timeout: 60_000 }, () => {
    // Checked against the path and the account rebuilt here, not against each other only.
    // Trend and crash paths, 3x to 50x, a one-minute reaction: where both traders act and spend.
    const mixed: BacktestOptions = { paths: 10, seed: 11, delayMs: 60_000, families: ['trend', 'crash'], targets: [0.1, 0.5], forecastRules: [], traders: ['topup'] };
    const outcomes = playIndices(indices(10), mixed);
    outcomes.forEach((o, i) => {
      const path = backtestPath(o.family, deriveSeed(mixed.seed, `path-${i}`));
      expect(o.family).toBe(i % 2 === 0 ? 'trend' : 'crash');
      const account = accountFor(o.recipe, path.ticks[0]?.[1] ?? {});
      const capital = capitalOf(account);
      const guarded = (['protectedAtOpen', 'stopLossAtOpen', 'protected', 'protectedLate'] as const).map((k) => run(o, k));
      const sizing = o.sizing.map((s) => ({ static: s.static as PolicyOutcome, ours: s.ours as PolicyOutcome, prefunded: s.prefunded as PolicyOutcome }));
      const main = { static: run(o, 'static'), ours: run(o, 'ours'), prefunded: run(o, 'prefunded') };
      const runs = [main.static, main.ours, main.prefunded, ...guarded, ...sizing.flatMap((s) => [s.static, s.ours, s.prefunded])];
      for (const r of runs) {
        expect(r.pathDigest).toBe(pathDigest(path));
        expect(r.accountDigest).toBe(accountDigest(account));
        expect(r.trader).toBe('topup');
      }
      for (const s of [main, ...sizing]) {
        for (const r of [s.static, s.ours]) {
          expect(r.startCapitalUsdt).toBe(capital);
          expect(r.endCapitalUsdt - r.startCapitalUsdt).toBeCloseTo(r.topUpUsdt, 6);
          expect(r.realisedUsdt).toBe(0);
          expect(r.endQty).toBe(r.startQty);
        }
        // The equal-capital pair: ours' spend on this path, up front, and nothing after.
        expect(s.prefunded.startCapitalUsdt).toBeCloseTo(capital + s.ours.topUpUsdt, 6);
        expect(s.prefunded.endCapitalUsdt).toBe(s.prefunded.startCapitalUsdt);
        expect(s.prefunded.topUpUsdt).toBe(0);
      }
      // The stop traders: same start; what the capital did is their top-ups and what their stops realised.
      for (const r of guarded) {
        expect(r.startCapitalUsdt).toBe(capital);
        expect(r.endCapitalUsdt - r.startCapitalUsdt).toBeCloseTo(r.topUpUsdt + r.realisedUsdt, 6);
        expect(r.stops).not.toBeNull();
        expect(r.endQty).toBeCloseTo(r.startQty - (r.stops?.closedQty ?? 0), 9);
      }
    });
    expect(outcomes.some((o) => (run(o, 'stopLossAtOpen').stops?.filled ?? 0) > 0 && run(o, 'stopLossAtOpen').realisedUsdt < 0)).toBe(true);
    // Something happened: the check is not about runs where nobody spent anything.
    expect(outcomes.some((o) => run(o, 'ours').topUpUsdt > 0)).toBe(true);
    expect(outcomes.some((o) => o.sizing.some((s) => (s.static?.topUpUsdt ?? 0) > 0))).toBe(true);
  });

  it('the reducing trader: same path and account for every policy, no capital added, and every quantity and USDT explained', { timeout: 60_000 }, () => {
    const mixed: BacktestOptions = { paths: 10, seed: 11, delayMs: 60_000, families: ['trend', 'crash'], targets: [0.1, 0.5], forecastRules: [], traders: ['reduce'] };
    const outcomes = playIndices(indices(10), mixed);
    outcomes.forEach((o, i) => {
      const path = backtestPath(o.family, deriveSeed(mixed.seed, `path-${i}`));
      const account = accountFor(o.recipe, path.ticks[0]?.[1] ?? {});
      const capital = capitalOf(account);
      expect(o.runs.ours).toBeUndefined();
      const sizing = o.sizing.map((s) => ({ static: s.staticReduce as PolicyOutcome, ours: s.oursReduce as PolicyOutcome, pre: s.preReduced as PolicyOutcome }));
      const main = { static: run(o, 'staticReduce'), ours: run(o, 'oursReduce'), pre: run(o, 'preReduced') };
      const guarded = run(o, 'protectedReduce');
      for (const r of [main.static, main.ours, main.pre, guarded, ...sizing.flatMap((s) => [s.static, s.ours, s.pre])]) {
        expect(r.pathDigest).toBe(pathDigest(path));
        expect(r.accountDigest).toBe(accountDigest(account));
        expect(r.trader).toBe('reduce');
        // Equal capital by construction: nobody adds any; the capital moves only by what closing realised.
        expect(r.topUpUsdt).toBe(0);
        expect(r.startCapitalUsdt).toBe(capital);
        expect(r.startQty).toBe(qtyOf(account));
        expect(r.endCapitalUsdt - r.startCapitalUsdt).toBeCloseTo(r.reducedPnlUsdt + r.realisedUsdt, 6);
        expect(r.endQty).toBeCloseTo(r.startQty - r.closedQty - (r.stops?.closedQty ?? 0), 9);
        expect(r.closedShare).toBeGreaterThanOrEqual(0);
        expect(r.closedShare).toBeLessThanOrEqual(1 + 1e-9);
      }
      // The equal-size pair closed, at the first tick, exactly what ours closed on the path.
      for (const s of [main, ...sizing]) expect(s.pre.closed).toEqual(s.ours.closed);
    });
    // Something happened: both policies' traders closed something, and closing realised money.
    expect(outcomes.some((o) => run(o, 'oursReduce').closedQty > 0)).toBe(true);
    expect(outcomes.some((o) => o.sizing.some((s) => (s.staticReduce?.closedQty ?? 0) > 0))).toBe(true);
    expect(outcomes.some((o) => run(o, 'oursReduce').reducedPnlUsdt !== 0)).toBe(true);
  });

  it('a longer reaction delay never saves more accounts (same paths, same alerts)', { timeout: 60_000 }, () => {
    // Trend paths, cross longs from 3x to 50x: slow bleeds, where a reaction delay matters most.
    const trend: BacktestOptions = { paths: 5, seed: 5, delayMs: 0, families: ['trend'], targets: [0.1, 0.5], forecastRules: [] };
    const quick = backtestReport(playIndices(indices(5), trend), 5, 0).policies;
    const slow = backtestReport(playIndices(indices(5), { ...trend, delayMs: 60 * 60_000 }), 5, 60).policies;
    const at = (policies: typeof quick, name: string) => policies.find((p) => p.name === name)?.liquidatedShare ?? NaN;
    expect(at(slow, POLICY_NAMES.ours)).toBeGreaterThanOrEqual(at(quick, POLICY_NAMES.ours));
    expect(at(slow, POLICY_NAMES.static)).toBeGreaterThanOrEqual(at(quick, POLICY_NAMES.static));
    // With a top-up to rho 0.1 (the frontier's largest), acting at once saves what acting an hour late does not.
    const share = (o: ReturnType<typeof playIndices>, key: 'ours' | 'static') => o.filter((x) => x.sizing[0]?.[key]?.liquidated).length;
    const quickRuns = playIndices(indices(5), trend);
    const slowRuns = playIndices(indices(5), { ...trend, delayMs: 60 * 60_000 });
    expect(share(slowRuns, 'ours')).toBeGreaterThan(share(quickRuns, 'ours'));
    expect(share(slowRuns, 'static')).toBeGreaterThanOrEqual(share(quickRuns, 'static'));
  });
});

describe('pieces', () => {
  it('percentile interpolates between order statistics', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([3, 1, 2], 0.5)).toBe(2);
    expect(percentile([0, 10], 0.1)).toBeCloseTo(1, 12);
  });

  it('the static call fires on crossing 0.8 upwards, once per crossing', () => {
    let state = { isAbove: false };
    const fired: boolean[] = [];
    for (const rho of [0.5, 0.81, 0.9, 0.79, 0.8, 0.85]) {
      const step = staticCallStep(state, rho);
      state = step.state;
      fired.push(step.pushes);
    }
    expect(fired).toEqual([false, true, false, false, true, false]);
  });
});
