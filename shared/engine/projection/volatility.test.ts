import { describe, expect, it } from 'vitest';
import { pricePath, type PricePoint } from '../../../tools/market-paths/price-path.ts';
import { deriveSeed, seededRandom } from '../../../tools/market-paths/seeded-random.ts';
import {
  annualisedSigma,
  DEFAULT_VOLATILITY_OPTIONS,
  emptyVolatility,
  integratedVariance,
  integratedVariances,
  rawSigmaPerSqrtMs,
  sigmaPerSqrtSec,
  updateVolatility,
  varianceOverHorizon,
  varianceRate,
  varianceRates,
  warmVolatility,
  MS_PER_YEAR,
  type VarianceCurve,
  type VolatilityOptions,
} from './volatility.ts';

const options = DEFAULT_VOLATILITY_OPTIONS;
const rawAnnual = (state: Parameters<typeof rawSigmaPerSqrtMs>[0]) => rawSigmaPerSqrtMs(state) * Math.sqrt(MS_PER_YEAR);

/** A fine GBM path (100 ms steps), then ticks kept at irregular, seeded times: 0.2 s to 60 s apart. */
function irregularTicks(sigmaAnnual: number, hours: number, seed: number): PricePoint[] {
  const fine = pricePath(
    { startPrice: 50_000, startMs: 1_760_000_000_000, stepMs: 100, steps: hours * 36_000, sigmaAnnual },
    seededRandom(deriveSeed(seed, 'fine')),
  );
  const gaps = seededRandom(deriveSeed(seed, 'gaps'));
  const kept: PricePoint[] = [];
  for (let i = 0; i < fine.length; ) {
    const point = fine[i];
    if (point === undefined) break;
    kept.push(point);
    // Mostly short gaps with some long ones: the mix that breaks an estimator weighting ticks equally.
    i += gaps.next() < 0.8 ? 2 + Math.floor(gaps.next() * 20) : 100 + Math.floor(gaps.next() * 500);
  }
  return kept;
}

describe('EW volatility per unit time', () => {
  /**
   * The estimator's own sampling error: S / W with S = sum w_i r_i^2 has variance
   * 2 sigma^4 sum (w_i dt_i)^2 / (sum w_i dt_i)^2 (w_i the decay weights), so the relative error of sigma
   * is half the square root of that. Long gaps carry most of the weight, so it is a few per cent.
   */
  function relativeStandardError(ticks: readonly PricePoint[], halfLifeMs: number, minReturnMs: number): number {
    // The spans the estimator measures returns over: from an anchor to the first tick minReturnMs later.
    const spans: Array<{ end: number; dt: number }> = [];
    let anchor = ticks[0]?.t ?? 0;
    for (const p of ticks) {
      if (p.t - anchor > 0 && p.t - anchor >= minReturnMs) {
        spans.push({ end: p.t, dt: p.t - anchor });
        anchor = p.t;
      }
    }
    const last = spans[spans.length - 1]?.end ?? 0;
    let sum = 0;
    let sumSquares = 0;
    for (const { end, dt } of spans) {
      const weighted = dt * 2 ** (-(last - end) / halfLifeMs);
      sum += weighted;
      sumSquares += weighted * weighted;
    }
    return 0.5 * Math.sqrt((2 * sumSquares) / (sum * sum));
  }

  it.each([
    [0.4, 1, 24, 0],
    [0.9, 2, 24, 0],
    [1.5, 3, 24, 60_000],
    [0.9, 9, 1, 60_000],
  ])(
    'recovers sigma %s from ticks at irregular intervals (seed %s, half-life %s h, min return span %s ms)',
    (sigmaAnnual, seed, halfLifeHours, minReturnMs) => {
      const ticks = irregularTicks(sigmaAnnual, 12, seed);
      const intervals = ticks.slice(1).map((p, i) => p.t - (ticks[i]?.t ?? 0));
      expect(Math.max(...intervals) / Math.min(...intervals)).toBeGreaterThan(100);
      const halfLifeMs = halfLifeHours * 3_600_000;
      const state = warmVolatility(ticks, { ...options, halfLifeMs, minReturnMs });
      const error = relativeStandardError(ticks, halfLifeMs, minReturnMs);
      expect(error).toBeLessThan(0.08);
      expect(Math.abs(rawAnnual(state) / sigmaAnnual - 1)).toBeLessThan(4 * error);
    },
  );

  it('measures returns over at least a minute, so a smooth fall shows in the estimate', () => {
    // 45 min of a steady 12 % fall under 1 s ticks with no noise at all.
    const start = 1_760_000_000_000;
    const fall = Array.from({ length: 45 * 60 + 1 }, (_, i) => ({ t: start + i * 1000, price: 97_000 * Math.exp((Math.log(0.88) * i) / 2700) }));
    const noPrior = { ...options, priorWeightMs: 0 };
    const perTick = warmVolatility(fall, { ...noPrior, minReturnMs: 0 });
    const perMinute = warmVolatility(fall, noPrior);
    // A drift's square scales with dt^2: 60 s returns see sqrt(60) ~ 7.7 times the sigma of 1 s ones.
    expect(rawAnnual(perMinute)).toBeGreaterThan(7 * rawAnnual(perTick));
    expect(annualisedSigma(sigmaPerSqrtSec(perMinute, options))).toBeGreaterThan(1);
  });

  it('follows a change of regime within a few half-lives', () => {
    const calm = irregularTicks(0.3, 6, 4);
    const last = calm[calm.length - 1];
    if (last === undefined) throw new Error('empty path');
    const loud = pricePath(
      { startPrice: last.price, startMs: last.t, stepMs: 1000, steps: 8 * 3600, sigmaAnnual: 1.2 },
      seededRandom(5),
    ).slice(1);
    const state = warmVolatility([...calm, ...loud], options);
    expect(rawAnnual(state)).toBeGreaterThan(1.1);
    expect(rawAnnual(state)).toBeLessThan(1.3);
  });

  it('a warm start carries the history: the state is the same as ticking through it one by one', () => {
    const ticks = irregularTicks(0.7, 2, 6);
    const warm = warmVolatility(ticks, options);
    let stepwise = emptyVolatility(options);
    for (const p of ticks) stepwise = updateVolatility(stepwise, p.price, p.t, options);
    expect(warm).toEqual(stepwise);
    // Without history the estimate is the prior; with a day of minute klines at 1.4, it is near 1.4.
    expect(annualisedSigma(sigmaPerSqrtSec(emptyVolatility(options), options))).toBeCloseTo(options.priorSigmaAnnual, 9);
    const klines = pricePath(
      { startPrice: 3000, startMs: 0, stepMs: 60_000, steps: 24 * 60, sigmaAnnual: 1.4 },
      seededRandom(7),
    );
    const fromKlines = warmVolatility(klines, options);
    expect(Math.abs(annualisedSigma(sigmaPerSqrtSec(fromKlines, options)) / 1.4 - 1)).toBeLessThan(0.12);
  });

  it('a quiet hour does not make a position look safe: the floor holds', () => {
    let state = warmVolatility(irregularTicks(0.8, 1, 8), options);
    const t0 = state.anchorT ?? 0;
    const flat = state.anchorPrice ?? 1;
    for (let i = 1; i <= 12 * 3600; i += 1) state = updateVolatility(state, flat, t0 + i * 1000, options);
    expect(rawAnnual(state)).toBeLessThan(options.floorSigmaAnnual / 2);
    expect(annualisedSigma(sigmaPerSqrtSec(state, options))).toBeCloseTo(options.floorSigmaAnnual, 9);
    const higherFloor: VolatilityOptions = { ...options, floorSigmaAnnual: 0.5 };
    expect(annualisedSigma(sigmaPerSqrtSec(state, higherFloor))).toBeCloseTo(0.5, 9);
  });

  it('ignores bad prices, out-of-order ticks and ticks inside the minimum return span', () => {
    const span = options.minReturnMs;
    let state = updateVolatility(emptyVolatility(options), 100, 1000, options);
    state = updateVolatility(state, 101, 1000 + span, options);
    const before = state;
    for (const bad of [Number.NaN, 0, -5, Number.POSITIVE_INFINITY]) {
      expect(updateVolatility(state, bad, 1000 + 3 * span, options)).toBe(before);
    }
    expect(updateVolatility(state, 90, 1000, options)).toBe(before);
    expect(updateVolatility(state, 150, 1000 + span + span / 2, options)).toBe(before);
    const next = updateVolatility(state, 102, 1000 + 2 * span, options);
    expect(next.anchorPrice).toBe(102);
    expect(next.fast.sumSquares).toBeGreaterThan(before.fast.sumSquares * 2 ** (-span / options.halfLifeMs));
    expect(Number.isFinite(sigmaPerSqrtSec(next, options))).toBe(true);
  });

  it('a flash wick lifts short horizons, not the day: variance reverts to the slow level', () => {
    const calm = irregularTicks(0.5, 24, 21);
    const last = calm[calm.length - 1];
    if (last === undefined) throw new Error('empty path');
    // An 8 % wick down and back within 4 minutes, then calm again for 10 minutes.
    const wick = [0.92, 0.95, 0.98, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1].map((f, i) => ({ t: last.t + (i + 1) * 60_000, price: last.price * f }));
    const state = warmVolatility([...calm, ...wick], options);
    const annual = (horizonSec: number) => annualisedSigma(Math.sqrt(varianceOverHorizon(state, options, horizonSec)));
    // The fast estimate jumps about twentyfold; 15 min keeps most of that, 24 h a fraction.
    expect(annualisedSigma(sigmaPerSqrtSec(state, options))).toBeGreaterThan(5);
    expect(annual(900)).toBeGreaterThan(2 * annual(86_400));
    // Monotone between the two: 15 min > 1 h > 4 h > 24 h after a burst.
    const curve = [900, 3600, 14_400, 86_400].map(annual);
    expect([...curve].sort((a, b) => b - a)).toEqual(curve);
  });

  it('in a steady market every horizon sees about the same volatility', () => {
    const state = warmVolatility(irregularTicks(0.7, 24, 22), options);
    const annual = (horizonSec: number) => annualisedSigma(Math.sqrt(varianceOverHorizon(state, options, horizonSec)));
    expect(annual(900) / annual(86_400)).toBeGreaterThan(0.75);
    expect(annual(900) / annual(86_400)).toBeLessThan(1.33);
    expect(annual(0)).toBeCloseTo(annualisedSigma(sigmaPerSqrtSec(state, options)), 12);
  });
});

describe('every curve at one horizon (the pool searches)', () => {
  it('gives each curve\'s integratedVariance and varianceRate to the last bit, kappas shared or not', () => {
    const rng = seededRandom(deriveSeed(12, 'curves-at-once'));
    const kappas = [Math.LN2 / 3600, Math.LN2 / 3600, 0, Math.LN2 / 60, Math.LN2 / 3600, 1e-15];
    const curves = Array.from({ length: 40 }, (_, i): VarianceCurve => ({
      fastPerSec: rng.next() * 1e-6,
      slowPerSec: rng.next() * 1e-6,
      kappaPerSec: kappas[Math.floor(i / 7) % kappas.length] ?? 0,
    }));
    for (const t of [-5, 0, 1e-7, 1, 900, 3600, 86_400, 3.15e9]) {
      const integrated = integratedVariances(curves, t, new Float64Array(curves.length));
      const rates = varianceRates(curves, t, new Float64Array(curves.length));
      curves.forEach((curve, a) => {
        expect(integrated[a]).toBe(integratedVariance(curve, t));
        expect(rates[a]).toBe(varianceRate(curve, t));
      });
    }
  });
});
