import { describe, expect, it } from 'vitest';
import { deriveSeed, seededRandom } from '../../../tools/market-paths/seeded-random.ts';
import { probabilityAtSd, type Barrier } from './first-passage.ts';
import { driftPassageProbability, hasShape, shapedMedianSec, shapedProbability, type ShapedBarrier } from './shaped-passage.ts';

const flat = (distance: number, perSec: number, driftPerSec: number, jumpRatePerSec: number): ShapedBarrier => ({
  distance,
  variance: (t) => perSec * t,
  rate: () => perSec,
  shape: { driftPerSec, jumpRatePerSec },
});

describe('driftPassageProbability', () => {
  it('is the driftless 2 Phi(-d / sqrt v) without drift', () => {
    for (const [d, v] of [[0.01, 1e-4], [0.05, 1e-4], [0.002, 4e-6]] as const) {
      expect(driftPassageProbability(d, v, 0)).toBeCloseTo(probabilityAtSd(d / Math.sqrt(v)), 12);
    }
  });

  it('matches a Monte Carlo of a drifting walk (1 s steps over an hour)', () => {
    // sigma 1e-4 per sqrt s: sd over the hour 0.6 %; barrier 1 % away, drift 0.5 % per hour towards it.
    const sigma = 1e-4;
    const d = 0.01;
    const drift = 0.005 / 3600;
    const steps = 3600;
    const paths = 4000;
    const rng = seededRandom(deriveSeed(20261126, 'drift-passage'));
    let hit = 0;
    for (let i = 0; i < paths; i += 1) {
      let x = 0;
      for (let s = 0; s < steps; s += 1) {
        x += drift + sigma * rng.normal();
        if (x >= d) {
          hit += 1;
          break;
        }
      }
    }
    const p = driftPassageProbability(d, sigma * sigma * steps, drift * steps);
    const se = Math.sqrt((p * (1 - p)) / paths);
    // Discrete monitoring misses a few crossings between steps: the simulated share sits a little lower.
    expect(hit / paths).toBeLessThanOrEqual(p + 3 * se);
    expect(hit / paths).toBeGreaterThan(p - 3 * se - 0.03);
    expect(p).toBeGreaterThan(driftPassageProbability(d, sigma * sigma * steps, 0) + 0.1);
  });

  it('stays finite and in [0, 1] far into the tails', () => {
    for (const [d, v, m] of [[1, 1e-8, 0.5], [0.5, 1e-6, 10], [1e-6, 1, 100], [3, 1e-12, 2.9]] as const) {
      const p = driftPassageProbability(d, v, m);
      expect(Number.isFinite(p)).toBe(true);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
    expect(driftPassageProbability(1, 1e-8, 0.5)).toBeLessThan(1e-100);
  });
});

describe('shapedProbability and shapedMedianSec', () => {
  it('adds jumps as an independent Poisson clock', () => {
    const b = flat(0.02, 1e-9, 0, 1 / 86_400);
    const diffusionOnly = driftPassageProbability(0.02, 1e-9 * 3600, 0);
    expect(shapedProbability(b, 3600)).toBeCloseTo(1 - (1 - diffusionOnly) * Math.exp(-3600 / 86_400), 12);
    // A day of one jump per day: about 63 % even where the diffusion never gets there.
    expect(shapedProbability(flat(0.5, 1e-12, 0, 1 / 86_400), 86_400)).toBeCloseTo(1 - Math.exp(-1), 6);
  });

  it('grows with the drift and the jump rate', () => {
    const base = shapedProbability(flat(0.01, 1e-8, 0, 0), 3600);
    expect(shapedProbability(flat(0.01, 1e-8, 1e-6, 0), 3600)).toBeGreaterThan(base);
    expect(shapedProbability(flat(0.01, 1e-8, 0, 1e-5), 3600)).toBeGreaterThan(base);
  });

  it('puts the median where P = 1/2', () => {
    for (const b of [flat(0.01, 1e-8, 1e-6, 0), flat(0.01, 1e-8, 0, 1e-5), flat(0.03, 1e-9, 2e-7, 2e-6)]) {
      const m = shapedMedianSec(b);
      expect(Number.isFinite(m)).toBe(true);
      expect(shapedProbability(b, m)).toBeCloseTo(0.5, 3);
    }
    // A pure jump clock: the median is ln 2 / lambda.
    expect(shapedMedianSec(flat(1, 1e-16, 0, 1e-4))).toBeCloseTo(Math.LN2 / 1e-4, -1);
    expect(shapedMedianSec(flat(1, 1e-16, 0, 0))).toBe(Number.POSITIVE_INFINITY);
  });

  it('says when a shape adds nothing', () => {
    expect(hasShape(null)).toBe(false);
    expect(hasShape({ driftPerSec: 0, jumpRatePerSec: 0 })).toBe(false);
    expect(hasShape({ driftPerSec: 1e-9, jumpRatePerSec: 0 })).toBe(true);
    const plain: Barrier = flat(0.01, 1e-8, 0, 0);
    expect(plain.distance).toBe(0.01);
  });
});
