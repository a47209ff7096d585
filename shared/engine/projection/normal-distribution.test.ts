import { describe, expect, it } from 'vitest';
import { erfc, normalCdf, normalQuantile } from './normal-distribution.ts';

const relativeError = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

describe('normalCdf', () => {
  // Reference values: mpmath.ncdf at 30 significant digits (independent arbitrary-precision library).
  const table: Array<[number, number]> = [
    [-37, 5.7255712225245768e-300],
    [-30, 4.9067139271481871e-198],
    [-20, 2.7536241186062337e-89],
    [-10, 7.6198530241605261e-24],
    [-8, 6.2209605742717841e-16],
    [-6, 9.8658764503769814e-10],
    [-5, 2.8665157187919391e-7],
    [-3.5, 0.00023262907903552504],
    [-3, 0.0013498980316300945],
    [-2, 0.022750131948179207],
    [-1, 0.15865525393145705],
    [-0.5, 0.3085375387259869],
    [0, 0.5],
    [0.5, 0.6914624612740131],
    [1, 0.84134474606854295],
    [3, 0.99865010196836991],
  ];
  it.each(table)('Phi(%s) matches mpmath to 1e-12 relative, tails included', (x, expected) => {
    expect(relativeError(normalCdf(x), expected)).toBeLessThan(1e-12);
  });

  it('is monotone and stays in [0, 1] across the switch between series and continued fraction', () => {
    let previous = 0;
    const violations: number[] = [];
    for (let x = -40; x <= 8; x += 0.001) {
      const p = normalCdf(x);
      if (p < previous || p > 1) violations.push(x);
      previous = p;
    }
    expect(violations).toEqual([]);
  });

  it('underflows to 0 far out, never NaN', () => {
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
  });
});

describe('erfc', () => {
  // Reference values: CPython math.erfc (libm), agreeing with A&S table 7.1.
  it.each([
    [0.1, 0.8875370839817152],
    [2, 0.004677734981047265],
    [2.49, 0.000429287867733913],
    [2.5, 0.0004069520174449589],
    [3.9, 3.4792248597231767e-8],
    [4, 1.5417257900280019e-8],
    [5, 1.5374597944280351e-12],
    [6.9, 1.7036041929656821e-22],
    [7, 4.1838256077794144e-23],
    [12, 1.3562611692059042e-64],
    [20, 5.3958656116079005e-176],
  ])('erfc(%s) (values at 3.9 and beyond: mpmath)', (z, expected) => {
    expect(relativeError(erfc(z), expected)).toBeLessThan(1e-13);
  });
});

describe('normalQuantile', () => {
  // Reference values: scipy.special.ndtri.
  it.each([
    [1e-300, -37.0470962993612],
    [1e-20, -9.262340089798409],
    [1e-10, -6.361340902404056],
    [1e-4, -3.7190164854556804],
    [0.01, -2.3263478740408408],
    [0.025, -1.9599639845400545],
    [0.25, -0.6744897501960817],
    [0.75, 0.6744897501960817],
    [0.975, 1.959963984540054],
    [0.995, 2.5758293035489004],
    [0.999999, 4.753424308817087],
  ])('Phi^-1(%s)', (p, expected) => {
    expect(relativeError(normalQuantile(p), expected)).toBeLessThan(1e-9);
  });

  it('has the limits and refuses probabilities outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(1.5)).toBeNaN();
    expect(normalQuantile(Number.NaN)).toBeNaN();
  });
});
