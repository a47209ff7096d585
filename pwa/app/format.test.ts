import { describe, expect, it } from 'vitest';
import { okxMargin } from '../../shared/exchanges/okx/margin.ts';
import { fmtAge, fmtPercent, fmtPrice, fmtProbability, fmtRho, fmtSigma, fmtUsdt, fmtVenueRatio, priceDecimals } from './format.ts';

describe('screen number formats', () => {
  it('prices at the symbol precision: six significant digits of its mark', () => {
    expect(priceDecimals(64_123.5)).toBe(1);
    expect(priceDecimals(3_120.25)).toBe(2);
    expect(priceDecimals(176.3)).toBe(3);
    expect(priceDecimals(0.123456)).toBe(6);
    expect(fmtPrice(89_511.13, priceDecimals(89_676))).toBe('89,511.1');
  });

  it('never prints NaN or Infinity', () => {
    for (const f of [fmtRho, fmtUsdt, fmtPercent, fmtProbability, fmtAge, (n: number | null) => fmtPrice(n, 2)]) {
      expect(f(Number.NaN)).toBe('—');
      expect(f(Number.POSITIVE_INFINITY)).toBe('—');
      expect(f(null)).toBe('—');
    }
    expect(priceDecimals(Number.NaN)).toBe(2);
  });

  it('probabilities near the ends are not rounded to certainty', () => {
    expect(fmtProbability(0.9996)).toBe('> 99.9\u00a0%');
    expect(fmtProbability(0.0004)).toBe('< 0.1\u00a0%');
    expect(fmtProbability(0.05)).toBe('5.0\u00a0%');
    // Seen in the forecast table: 0.965, 0.996, 0.99999, 1 read 97 %, 100 %, > 99.9 %, 100 %.
    expect([0.965, 0.9959, 0.99999, 1].map(fmtProbability)).toStrictEqual(['97\u00a0%', '99\u00a0%', '> 99.9\u00a0%', '100\u00a0%']);
  });

  it('a distance a hair from the tier is under 0.1 sigma, never 0.0 or -0.0', () => {
    expect([0.0004, 0.049, 0.05, 1.26, 0, -0.01, -1.26].map(fmtSigma)).toStrictEqual(['< 0.1 σ', '< 0.1 σ', '0.1 σ', '1.3 σ', '0.0 σ', '0.0 σ', '-1.3 σ']);
    expect(fmtSigma(Number.NaN)).toBe('—');
  });

  it("writes a venue ratio with no value as what it means, never 'undefined'", () => {
    // OKX's mgnRatio is equity over requirement: an account whose cross positions are gone has none (rho 0).
    expect(fmtVenueRatio(okxMargin.venueRatio(0).value, 0)).toBe('none (no maintenance requirement)');
    expect(fmtVenueRatio(okxMargin.venueRatio(Number.POSITIVE_INFINITY).value, null)).toBe('past liquidation');
    expect(fmtVenueRatio(okxMargin.venueRatio(0.8).value, 0.8)).toBe('1.2500');
  });
});
