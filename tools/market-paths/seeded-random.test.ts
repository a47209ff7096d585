import { describe, expect, it } from 'vitest';
import { deriveSeed, seededRandom } from './seeded-random.ts';

const draw = (seed: number, n: number, pick: 'next' | 'normal'): number[] => {
  const rng = seededRandom(seed);
  return Array.from({ length: n }, () => rng[pick]());
};

describe('seededRandom', () => {
  it('replays the same stream for the same seed and a different one for another seed', () => {
    expect(draw(42, 50, 'next')).toEqual(draw(42, 50, 'next'));
    expect(draw(42, 50, 'normal')).toEqual(draw(42, 50, 'normal'));
    expect(draw(42, 50, 'next')).not.toEqual(draw(43, 50, 'next'));
    expect(draw(0.5, 10, 'next')).not.toEqual(draw(0, 10, 'next'));
  });

  it('gives uniforms in [0, 1) with the mean and variance of U(0, 1)', () => {
    const xs = draw(7, 100_000, 'next');
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    // Standard error of the mean is sqrt(1/12/n) ~ 0.0009; 5 se either side.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.0046);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });

  it('gives normals with mean 0, variance 1 and the normal tail mass', () => {
    const zs = draw(11, 100_000, 'normal');
    const mean = zs.reduce((a, b) => a + b, 0) / zs.length;
    const variance = zs.reduce((a, b) => a + (b - mean) ** 2, 0) / zs.length;
    const beyond2 = zs.filter((z) => Math.abs(z) > 2).length / zs.length;
    expect(Math.abs(mean)).toBeLessThan(0.016);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    // P(|Z| > 2) = 0.0455; binomial se ~ 0.00066.
    expect(Math.abs(beyond2 - 0.0455)).toBeLessThan(0.0035);
    expect(zs.every(Number.isFinite)).toBe(true);
  });

  it('derives distinct, stable sub-seeds per label', () => {
    expect(deriveSeed(1, 'BTC')).toBe(deriveSeed(1, 'BTC'));
    expect(deriveSeed(1, 'BTC')).not.toBe(deriveSeed(1, 'ETH'));
    expect(deriveSeed(1, 'BTC')).not.toBe(deriveSeed(2, 'BTC'));
  });

  it('refuses a seed that is not finite', () => {
    expect(() => seededRandom(Number.NaN)).toThrow(RangeError);
  });
});
