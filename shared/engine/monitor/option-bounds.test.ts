import { describe, expect, it } from 'vitest';
import { readFields } from '../../units/field-error.ts';
import { DEFAULT_MONITOR_OPTIONS } from './account-monitor.ts';
import { parsePolicyOverrides } from './parse-policy-overrides.ts';
import { readMonitorOptions } from './read-monitor-options.ts';

/** A saved monitor's options as JSON, with one field replaced (path of keys; numbers index arrays). */
function savedWith(path: readonly (string | number)[], value: unknown): unknown {
  const saved = JSON.parse(JSON.stringify(DEFAULT_MONITOR_OPTIONS)) as Record<string, unknown>;
  let at: Record<string | number, unknown> = saved;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path[path.length - 1]!] = value;
  return saved;
}

// Each case: the same bad value given to a user's `policy` and to a saved monitor's options.
const CASES: ReadonlyArray<{ name: string; policy: unknown; saved: readonly (string | number)[]; bad: number }> = [
  { name: 'hysteresis', policy: { hysteresis: 1 }, saved: ['policy', 'hysteresis'], bad: 1 },
  { name: 'a tier level', policy: { ladder: [{ level: 1.5, name: 'x', severity: 'watch' }] }, saved: ['policy', 'ladder', 0, 'level'], bad: 1.5 },
  { name: 'a predict threshold', policy: { ladder: [{ level: 0.5, predict: { horizonSec: 60, threshold: 0 } }] }, saved: ['policy', 'ladder', 0, 'predict'], bad: 0 },
  { name: 'target', policy: { target: 0 }, saved: ['target'], bad: 0 },
  { name: 'odds', policy: { liquidationOdds: { horizonSec: 60, maxProbability: 1 } }, saved: ['liquidationOdds', 'maxProbability'], bad: 1 },
  { name: 'floor sigma', policy: { volatility: { floorSigmaAnnual: 100 } }, saved: ['volatility', 'floorSigmaAnnual'], bad: 100 },
  { name: 'prior sigma', policy: { volatility: { priorSigmaAnnual: 0 } }, saved: ['volatility', 'priorSigmaAnnual'], bad: 0 },
  { name: 'min return', policy: { volatility: { minReturnMs: -1 } }, saved: ['volatility', 'minReturnMs'], bad: -1 },
  { name: 'prior correlation', policy: { correlation: { priorCorrelation: 1 } }, saved: ['correlation', 'priorCorrelation'], bad: 1 },
];

describe('one table of option bounds for what a user sets and what a monitor saved', () => {
  it.each(CASES)('$name: both refuse the same value with the same rule', ({ policy, saved, bad }) => {
    const given = parsePolicyOverrides(policy);
    let savedValue: unknown = bad;
    // A predict rule is an object in the saved shape: put the bad threshold inside it.
    if (saved[saved.length - 1] === 'predict') savedValue = { horizonSec: 60, threshold: bad };
    const stored = readFields(() => readMonitorOptions(savedWith(saved, savedValue), 'options'));
    expect(given).toMatchObject({ kind: 'field-error' });
    expect(stored).toMatchObject({ kind: 'field-error' });
    const rule = (e: unknown): string => /expected (.*), got/.exec((e as { message: string }).message)?.[1] ?? '';
    expect(rule(given)).not.toBe('');
    expect(rule(stored)).toBe(rule(given));
  });

  it('the defaults a monitor saves read back', () => {
    expect(readFields(() => readMonitorOptions(savedWith(['accountId'], 'a'), 'options'))).toMatchObject({ accountId: 'a' });
  });
});
