import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binanceMargin } from '../../exchanges/binance/margin.ts';
import { price, qty, ratio, usdt } from '../../units/units.ts';
import { buildTierTable } from '../margin/maintenance-tiers.ts';
import type { Account, Position } from '../positions/account.ts';
import { bufferTierBarrierOf, bufferTierSide, bufferTierStart, matrixOfPairs } from './buffer-reach.ts';
import { crossGroup } from './equity-buffer.ts';
import { tierProbability } from './tier-outlook.ts';
import { flatVariance, MS_PER_YEAR } from './volatility.ts';

/**
 * The pool's bound (buffer-reach.ts, `bufferTierSide`): the policy only compares P with a cutoff, so the
 * exact distance's search stops as soon as its bracket puts P on one side, and the bound that settled it
 * stands in for P. Over random pools, levels, horizons and cutoffs: whenever the search stops early, the
 * P it would have found is on the same side of the cutoff; when it runs to the end, its barrier is the
 * one `bufferTierBarrier` finds. Seeded, so a failure is the same failure on the next run.
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
  // The cutoff at the searched P itself: the bracket must close all the way before it can settle.
  atExact: fc.boolean(),
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
  it('whenever the search stops at a bound, the searched P is on the same side of the cutoff', () => {
    let stopped = 0;
    let ran = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const { group, curveOf, correlations } = pool(c);
        const start = bufferTierStart(group, c.level, curveOf, correlations, HORIZONS);
        const barrier = bufferTierBarrierOf(start);
        const exact = tierProbability(barrier.barrier, HORIZONS, c.horizonSec);
        const cutoff = c.atExact ? exact : c.cutoff;
        const side = bufferTierSide(start, HORIZONS, c.horizonSec, cutoff);
        if (typeof side !== 'number') {
          if (start.kind === 'search') ran += 1;
          expect(side).toEqual(barrier);
          return;
        }
        stopped += 1;
        expect(side >= cutoff).toBe(exact >= cutoff);
      }),
      { seed: 20261127, numRuns: 3000 },
    );
    // Exercised both ways, or it proves nothing.
    expect(stopped).toBeGreaterThan(200);
    expect(ran).toBeGreaterThan(100);
  });
});
