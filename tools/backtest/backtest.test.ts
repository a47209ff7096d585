import { describe, expect, it } from 'vitest';
import { runCommand } from '../test-support/run-command.ts';
import { backtestReport, percentile, POLICY_NAMES } from './backtest-figures.ts';
import { playIndices, type BacktestOptions } from './run-backtest.ts';
import { staticCallStep } from './static-margin-call.ts';

const backtest = (args: string[]) => runCommand('tools/backtest/backtest.ts', args);

const indices = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('npm run backtest -- --json', () => {
  it('prints the documented shape, with sane figures', { timeout: 60_000 }, async () => {
    const r = await backtest(['--paths', '6', '--seed', '7', '--delay-min', '5', '--workers', '2', '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out).sort()).toEqual(['paths', 'policies', 'seed']);
    expect(out['paths']).toBe(6);
    expect(out['seed']).toBe(7);
    const policies = out['policies'] as Array<Record<string, unknown>>;
    expect(policies).toHaveLength(2);
    expect(policies.filter((p) => String(p['name']).includes('static'))).toHaveLength(1);
    for (const p of policies) {
      expect(Object.keys(p).sort()).toEqual(['falseAlarmShare', 'leadTimeP10Sec', 'leadTimeP50Sec', 'liquidatedShare', 'name', 'pushesPerPositionDay']);
      for (const share of ['liquidatedShare', 'falseAlarmShare']) {
        expect(p[share]).toBeGreaterThanOrEqual(0);
        expect(p[share]).toBeLessThanOrEqual(1);
      }
      expect(p['pushesPerPositionDay']).toBeGreaterThanOrEqual(0);
      const p50 = p['leadTimeP50Sec'];
      const p10 = p['leadTimeP10Sec'];
      if (p50 !== null) expect(p10 as number).toBeLessThanOrEqual(p50 as number);
    }
    // The same run in one process gives the same figures: the split across workers changes nothing.
    const inProcess = backtestReport(playIndices(indices(6), { paths: 6, seed: 7, delayMs: 5 * 60_000 }), 7);
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
  const crash: BacktestOptions = { paths: 20, seed: 3, delayMs: 10 * 60_000, families: ['crash'] };
  const crashOutcomes = playIndices(indices(20), crash);

  it('warns earlier than the static margin call on crash paths', () => {
    const withEvents = crashOutcomes.filter((o) => o.event !== null);
    expect(withEvents.length).toBeGreaterThanOrEqual(4);
    for (const o of withEvents) expect(o.ours.leadTimeSec ?? -1).toBeGreaterThanOrEqual(o.static.leadTimeSec ?? Infinity);
    const [stat, ours] = backtestReport(crashOutcomes, crash.seed).policies;
    expect(stat?.name).toBe(POLICY_NAMES.static);
    expect(ours?.leadTimeP50Sec ?? 0).toBeGreaterThan(stat?.leadTimeP50Sec ?? Infinity);
  });

  it('is deterministic under its seed, and the seed matters', () => {
    expect(playIndices(indices(5), crash)).toEqual(crashOutcomes.slice(0, 5));
    const other = playIndices(indices(5), { ...crash, seed: 4 });
    expect(other).not.toEqual(crashOutcomes.slice(0, 5));
  });

  it('faces both policies with the same paths and accounts', () => {
    for (const o of crashOutcomes) {
      // Same account, same path: a liquidation with nobody acting is the same event for both.
      expect(o.ours.leadTimeSec === null).toBe(o.static.leadTimeSec === null);
    }
  });

  it('a longer reaction delay never saves more accounts (same paths, same alerts)', () => {
    // Trend paths, cross longs from 3x to 50x: slow bleeds, where a reaction delay matters most.
    const trend: BacktestOptions = { paths: 5, seed: 5, delayMs: 0, families: ['trend'] };
    const quick = backtestReport(playIndices(indices(5), trend), 5).policies;
    const slow = backtestReport(playIndices(indices(5), { ...trend, delayMs: 60 * 60_000 }), 5).policies;
    expect(slow[1]?.liquidatedShare ?? 0).toBeGreaterThan(quick[1]?.liquidatedShare ?? 1);
    for (let i = 0; i < 2; i += 1) expect(slow[i]?.liquidatedShare ?? 0).toBeGreaterThanOrEqual(quick[i]?.liquidatedShare ?? 1);
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
