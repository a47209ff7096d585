import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priceAt } from './price-at.ts';
import { pricePath, type PricePathParams, type PricePoint } from './price-path.ts';
import { seededRandom } from './seeded-random.ts';

const MS_PER_YEAR = 365 * 24 * 3600 * 1000;
const base: PricePathParams = { startPrice: 100, startMs: 1_700_000_000_000, stepMs: 1000, steps: 2000, sigmaAnnual: 0.6 };

const logReturns = (path: readonly PricePoint[]): number[] =>
  path.slice(1).map((p, i) => Math.log(p.price / (path[i]?.price ?? Number.NaN)));

const stdev = (xs: readonly number[]): number => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
};

/** Lag-1 autocorrelation of squared returns: the fingerprint of volatility clustering. */
const squaredAutocorrelation = (xs: readonly number[]): number => {
  const sq = xs.map((x) => x * x);
  const mean = sq.reduce((a, b) => a + b, 0) / sq.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < sq.length; i += 1) {
    const d = (sq[i] ?? 0) - mean;
    den += d * d;
    if (i > 0) num += d * ((sq[i - 1] ?? 0) - mean);
  }
  return num / den;
};

const excessKurtosis = (xs: readonly number[]): number => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const m2 = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
  const m4 = xs.reduce((a, b) => a + (b - mean) ** 4, 0) / xs.length;
  return m4 / (m2 * m2) - 3;
};

describe('pricePath', () => {
  it('is deterministic under a seed and starts at the start price and time', () => {
    const params: PricePathParams = { ...base, clustering: { alpha: 0.1, beta: 0.85 }, jumps: { perDay: 200, meanLog: -0.01, sdLog: 0.02 }, jitter: 0.3 };
    const a = pricePath(params, seededRandom(5));
    expect(a).toEqual(pricePath(params, seededRandom(5)));
    expect(a).not.toEqual(pricePath(params, seededRandom(6)));
    expect(a).toHaveLength(base.steps + 1);
    expect(a[0]).toEqual({ t: base.startMs, price: base.startPrice });
  });

  it('recovers sigma from a plain GBM (no clustering, no jumps) within sampling error', () => {
    for (const [seed, sigma] of [[1, 0.3], [2, 0.8], [3, 1.5]] as const) {
      const steps = 20_000;
      const path = pricePath({ ...base, steps, sigmaAnnual: sigma }, seededRandom(seed));
      const estimate = stdev(logReturns(path)) / Math.sqrt(base.stepMs / MS_PER_YEAR);
      // The sample stdev has standard error ~ sigma / sqrt(2n); allow 5 of them.
      expect(Math.abs(estimate - sigma)).toBeLessThan((5 * sigma) / Math.sqrt(2 * steps));
    }
  });

  it('keeps the long-run volatility under clustering, and clusters it', () => {
    const steps = 40_000;
    const plain = logReturns(pricePath({ ...base, steps }, seededRandom(9)));
    const clustered = logReturns(pricePath({ ...base, steps, clustering: { alpha: 0.1, beta: 0.85 } }, seededRandom(9)));
    const perStep = base.sigmaAnnual * Math.sqrt(base.stepMs / MS_PER_YEAR);
    expect(Math.abs(stdev(clustered) / perStep - 1)).toBeLessThan(0.1);
    // GARCH(1,1) with these values has a lag-1 squared-return autocorrelation well above 0.1; plain GBM ~0.
    expect(squaredAutocorrelation(clustered)).toBeGreaterThan(0.1);
    expect(Math.abs(squaredAutocorrelation(plain))).toBeLessThan(0.03);
  });

  it('fattens the tails with jumps', () => {
    const steps = 40_000;
    const withJumps = logReturns(pricePath({ ...base, steps, jumps: { perDay: 500, meanLog: 0, sdLog: 0.01 } }, seededRandom(4)));
    expect(excessKurtosis(withJumps)).toBeGreaterThan(3);
  });

  it('follows the drift', () => {
    const steps = 20_000;
    const drift = 20_000; // per year: large enough to beat the noise over 20 000 s.
    const path = pricePath({ ...base, steps, sigmaAnnual: 0.2, driftAnnual: drift }, seededRandom(8));
    const years = (steps * base.stepMs) / MS_PER_YEAR;
    const total = Math.log((path.at(-1)?.price ?? Number.NaN) / base.startPrice);
    const noise = 0.2 * Math.sqrt(years);
    expect(Math.abs(total - (drift - 0.02) * years)).toBeLessThan(5 * noise);
  });

  it('never yields a non-finite or non-positive price, and times strictly increase (property)', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.double({ min: 1e-6, max: 1e7, noNaN: true }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        fc.integer({ min: 1, max: 3_600_000 }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        fc.boolean(),
        (seed, startPrice, sigmaAnnual, driftAnnual, stepMs, jitter, clusterAndJump) => {
          const params: PricePathParams = {
            startPrice, startMs: 0, stepMs, steps: 300, sigmaAnnual, driftAnnual, jitter,
            ...(clusterAndJump ? { clustering: { alpha: 0.2, beta: 0.79 }, jumps: { perDay: 1, meanLog: -0.5, sdLog: 2 } } : {}),
          };
          const path = pricePath(params, seededRandom(seed));
          return path.every((p, i) => Number.isFinite(p.price) && p.price > 0 && (i === 0 || p.t > (path[i - 1]?.t ?? Infinity)));
        },
      ),
      { numRuns: 300, seed: 20261126 },
    );
  });

  it('keeps irregular steps within the jitter band', () => {
    const path = pricePath({ ...base, jitter: 0.5 }, seededRandom(3));
    const gaps = path.slice(1).map((p, i) => p.t - (path[i]?.t ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(500);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1500);
    expect(new Set(gaps).size).toBeGreaterThan(100);
  });

  it('refuses parameters that cannot describe a path', () => {
    const rng = seededRandom(1);
    expect(() => pricePath({ ...base, startPrice: 0 }, rng)).toThrow(RangeError);
    expect(() => pricePath({ ...base, sigmaAnnual: Number.NaN }, rng)).toThrow(RangeError);
    expect(() => pricePath({ ...base, clustering: { alpha: 0.5, beta: 0.5 } }, rng)).toThrow(RangeError);
    expect(() => pricePath({ ...base, steps: 1.5 }, rng)).toThrow(RangeError);
  });
});

describe('priceAt', () => {
  it('holds the last price at or before t', () => {
    const path = pricePath({ ...base, steps: 10 }, seededRandom(1));
    expect(priceAt(path, base.startMs - 5)).toBe(path[0]?.price);
    expect(priceAt(path, base.startMs + 1000)).toBe(path[1]?.price);
    expect(priceAt(path, base.startMs + 3999)).toBe(path[3]?.price);
    expect(path[3]?.price).not.toBe(path[4]?.price);
    expect(priceAt(path, base.startMs + 10 ** 9)).toBe(path.at(-1)?.price);
  });
});
