import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binanceMargin } from '../../exchanges/binance/margin.ts';
import { price, qty, ratio, usdt } from '../../units/units.ts';
import { buildTierTable } from '../margin/maintenance-tiers.ts';
import type { Account, Position } from '../positions/account.ts';
import { bufferTierBarrierOf, bufferTierStart, matrixOfPairs } from './buffer-reach.ts';
import { crossGroup } from './equity-buffer.ts';
import { tierProbability } from './tier-outlook.ts';
import { flatVariance, MS_PER_YEAR } from './volatility.ts';

/**
 * The pool's bound (buffer-reach.ts, `BufferTierStart`): the linear P read before the exact distance
 * is searched is an upper bound on the searched P when B_L at kLinear is still positive, a lower bound
 * otherwise. The policy skips the search whenever the bound alone puts P on one side of its cutoff, so
 * over random pools, levels, horizons and cutoffs: whenever the bound skips, the searched P is on the
 * same side. Seeded, so a failure is the same failure on the next run.
 */
const tiers = buildTierTable([
  { floor: 0, mmr: 0.004 },
  { floor: 50_000, mmr: 0.005 },
  { floor: 250_000, mmr: 0.01 },
  { floor: 1_000_000, mmr: 0.025 },
  { floor: 5_000_000, mmr: 0.05 },
]);

const legArb = fc.record({
  side: fc.constantFrom('long' as const, 'short' as const),
  notional: fc.double({ min: 500, max: 2_000_000, noNaN: true }),
  mark: fc.double({ min: 0.01, max: 100_000, noNaN: true }),
  entryMove: fc.double({ min: -0.3, max: 0.3, noNaN: true }),
  annualVol: fc.double({ min: 0.1, max: 3, noNaN: true }),
});

const caseArb = fc.record({
  legs: fc.array(legArb, { minLength: 2, maxLength: 6 }),
  wallet: fc.double({ min: 100, max: 500_000, noNaN: true }),
  correlation: fc.double({ min: -0.3, max: 0.95, noNaN: true }),
  level: fc.constantFrom(0.5, 0.65, 0.8, 0.9, 1),
  horizonSec: fc.constantFrom(900, 3600, 4 * 3600, 86_400),
  cutoff: fc.double({ min: 0, max: 1, noNaN: true }),
});

const HORIZONS = [900, 3600, 4 * 3600, 86_400];

type Case = typeof caseArb extends fc.Arbitrary<infer C> ? C : never;

function pool(c: Case) {
  const positions: Position[] = c.legs.map((l, i) => ({
    symbol: `S${i}USDT`,
    side: l.side,
    qty: qty(l.notional / l.mark),
    entryPrice: price(l.mark * (1 + l.entryMove)),
    markPrice: price(l.mark),
    marginMode: 'cross',
    tiers,
    takerFeeRate: ratio(0.0005),
  }));
  const account: Account = { exchange: 'binance', walletBalance: usdt(c.wallet), positions };
  const vol = new Map(c.legs.map((l, i) => [`S${i}USDT`, flatVariance((l.annualVol / Math.sqrt(MS_PER_YEAR / 1000)) ** 2)]));
  const curveOf = (s: string) => vol.get(s) ?? flatVariance(0);
  return { group: crossGroup(account, binanceMargin), curveOf, correlations: matrixOfPairs((a, b) => (a === b ? 1 : c.correlation)) };
}

describe('the pool tier bound', () => {
  it('whenever the linear bound settles the side of a cutoff, the searched P is on that side', () => {
    let settled = 0;
    let searched = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const { group, curveOf, correlations } = pool(c);
        const start = bufferTierStart(group, c.level, curveOf, correlations, HORIZONS);
        const exact = tierProbability(bufferTierBarrierOf(start).barrier, HORIZONS, c.horizonSec);
        if (start.kind !== 'search') return;
        searched += 1;
        const linear = tierProbability(start.linear, HORIZONS, c.horizonSec);
        // The bound itself, on its side (the decision rests on it).
        if (start.bounds === 'upper') expect(exact).toBeLessThanOrEqual(linear);
        else expect(exact).toBeGreaterThanOrEqual(linear);
        const settles = start.bounds === 'upper' ? linear < c.cutoff : linear >= c.cutoff;
        if (!settles) return;
        settled += 1;
        expect(exact >= c.cutoff).toBe(linear >= c.cutoff);
      }),
      { seed: 20261127, numRuns: 3000 },
    );
    // The property must have been exercised both ways, or it proves nothing.
    expect(searched).toBeGreaterThan(500);
    expect(settled).toBeGreaterThan(100);
  });
});
