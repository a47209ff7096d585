import { describe, expect, test } from 'vitest';
import { buildTierTable } from './maintenance-tiers.ts';
import { checkedTierTable } from './tier-table-check.ts';

/** Each rule of a venue tier table, broken once; a good table comes back as the engine builds it. */
describe('checkedTierTable', () => {
  const good = [
    { floor: 50_000, cap: 600_000, mmr: 0.005, deduction: 50 },
    { floor: 0, cap: 50_000, mmr: 0.004, deduction: 0 },
  ];

  test('a good table, rows in any order, is the table buildTierTable makes', () => {
    expect(checkedTierTable(good, 'notional')).toEqual(buildTierTable(good, 'notional'));
    expect(checkedTierTable(good, 'qty')).toEqual(buildTierTable(good, 'qty'));
    // Equal rates in consecutive tiers and a deduction of 0 are allowed.
    expect(typeof checkedTierTable([{ floor: 0, mmr: 0.01 }, { floor: 10, mmr: 0.01, deduction: 0 }], 'notional')).toBe('object');
  });

  test.each([
    ['no rows', [], /no tiers/],
    ['a first tier above 0', [{ floor: 1, mmr: 0.01 }], /first tier starts at 1/],
    ['a rate of 0', [{ floor: 0, mmr: 0 }], /tier 1: maintenance rate 0 is not a fraction/],
    ['a rate of 1', [{ floor: 0, mmr: 1 }], /tier 1: maintenance rate 1 is not a fraction/],
    ['a rate as a percentage', [{ floor: 0, mmr: 0.01 }, { floor: 10, mmr: 50 }], /tier 2: maintenance rate 50/],
    ['a cap equal to its floor', [{ floor: 0, cap: 0, mmr: 0.01 }], /tier 1: cap 0 is not above floor 0/],
    ['a negative deduction', [{ floor: 0, mmr: 0.01 }, { floor: 10, mmr: 0.02, deduction: -1 }], /tier 2: negative deduction -1/],
    ['a repeated floor', [{ floor: 0, mmr: 0.01 }, { floor: 0, mmr: 0.02 }], /tier 2: floor 0 repeats or falls/],
    ['a falling rate', [{ floor: 0, mmr: 0.5 }, { floor: 10, mmr: 0.01 }], /tier 2: maintenance rate falls from 0.5 to 0.01/],
  ])('refuses %s, saying which tier and why', (_what, rows, message) => {
    const result = checkedTierTable(rows, 'notional');
    expect(typeof result).toBe('string');
    expect(result).toMatch(message);
  });
});
