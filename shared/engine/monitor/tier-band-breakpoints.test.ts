import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { marginModels } from '../../exchanges/venues.ts';
import { price, qty, ratio, usdt } from '../../units/units.ts';
import { DEFAULT_LADDER } from '../alerts/alert-ladder.ts';
import { buildTierTable } from '../margin/maintenance-tiers.ts';
import type { Account, Position } from '../positions/account.ts';
import { createMonitor, monitorStep } from './account-monitor.ts';
import { breakpointsAlong, tierBand } from './tier-band.ts';

/**
 * A position past its top bracket: every price breakpoint of its tier table lies below the mark, and
 * the band's lower edge lies between the highest of them and the mark. The edge is fitted slice by
 * slice from the mark down, so the first slice must end at that highest breakpoint: a walk that skips
 * it fits one line across a bracket change and puts the edge where rho is not the level.
 */
const T0 = 1_760_000_000_000;
const model = marginModels.binance;
// Breakpoints of 20 BTC: 50k / 20 = 2,500, 250k / 20 = 12,500 and 1M / 20 = 50,000, all below 97,000.
const tiers = buildTierTable([
  { floor: 0, mmr: 0.004 },
  { floor: 50_000, mmr: 0.005 },
  { floor: 250_000, mmr: 0.01 },
  { floor: 1_000_000, mmr: 0.025 },
]);
const MARK = 97_000;
const long: Position = { symbol: 'BTCUSDT', side: 'long', qty: qty(20), entryPrice: price(MARK), markPrice: price(MARK), marginMode: 'cross', tiers, takerFeeRate: ratio(0.0005) };

const rhoAt = (account: Account, mark: number): number =>
  monitorStep(createMonitor({ account, model, options: { accountId: 'a' } }), { kind: 'marks', marks: { BTCUSDT: mark } }, T0).monitor.view!.risk.riskRatio;

describe('tier band past the top bracket', () => {
  it('finds the lower edge in the slice between the highest breakpoint and the mark, where rho is the next level', () => {
    // rho 0.6 at the mark: the next level up is the first ladder level above it.
    const account: Account = { exchange: 'binance', walletBalance: usdt(model.requirement(long, MARK) / 0.6), positions: [long] };
    const rho = rhoAt(account, MARK);
    const next = [...DEFAULT_LADDER.map((r) => r.level), 1].filter((l) => l > rho).sort((a, b) => a - b)[0]!;
    const monitor = monitorStep(createMonitor({ account, model, options: { accountId: 'a' } }), { kind: 'marks', marks: { BTCUSDT: MARK } }, T0).monitor;
    const below = tierBand(monitor)['BTCUSDT']?.below;
    expect(below).not.toBeNull();
    expect(model.priceBreakpoints(long).every((b) => !(b > 0 && Number.isFinite(b)) || b < below!)).toBe(true);
    expect(below!).toBeLessThan(MARK);
    // One symbol takes the whole way: at the edge, rho is the level.
    expect(rhoAt(account, below!)).toBeCloseTo(next, 9);
  });
});

describe('breakpointsAlong', () => {
  // As narrow found them before: every position's breakpoints through a set, those inside (0, Infinity), sorted.
  const before = (lists: readonly number[][]): number[] => {
    const all = new Set<number>();
    for (const list of lists) for (const b of list) all.add(b);
    const inside: number[] = [];
    for (const b of all) if (b > 0 && Number.isFinite(b)) inside.push(b);
    return inside.sort((a, b) => a - b);
  };
  const asModel = (lists: readonly number[][]) => {
    const byPosition = new Map<Position, number[]>(lists.map((list, i) => [{ ...long, qty: qty(i + 1) }, list]));
    return { movers: [...byPosition.keys()], model: { ...model, priceBreakpoints: (p: Position) => byPosition.get(p) ?? [] } };
  };

  it('is the breakpoints each once, inside (0, Infinity), ascending: for ordered lists, unordered ones, repeats and garbage', () => {
    const value = fc.oneof(fc.double({ min: -10, max: 200_000, noNaN: false }), fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, 2_500, 12_500));
    const list = fc.oneof(fc.array(value, { maxLength: 12 }), fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { maxLength: 12 }).map((xs) => [...xs].sort((a, b) => a - b)));
    fc.assert(
      fc.property(fc.array(list, { minLength: 1, maxLength: 3 }), (lists) => {
        const { movers, model: m } = asModel(lists);
        expect(breakpointsAlong(movers, m)).toEqual(before(lists));
      }),
      { numRuns: 3000 },
    );
    // The real tables: one position's, and a hedge's long and short with the same table (each breakpoint twice).
    const short: Position = { ...long, side: 'short' };
    expect(breakpointsAlong([long], model)).toEqual(before([model.priceBreakpoints(long)]));
    expect(breakpointsAlong([long, short], model)).toEqual([2_500, 12_500, 50_000]);
  });
});
