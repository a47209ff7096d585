import { describe, expect, it } from 'vitest';
import { pricePath } from '../../../tools/market-paths/price-path.ts';
import { deriveSeed, seededRandom } from '../../../tools/market-paths/seeded-random.ts';
import {
  barrierMedianSec,
  barrierSd,
  diffusionTimeSec,
  distanceSd,
  medianPassageTimeSec,
  probabilityAtSd,
  touchProbability,
  type Barrier,
} from './first-passage.ts';
import { integratedVariance, MS_PER_YEAR, varianceRate, type VarianceCurve } from './volatility.ts';

describe('touchProbability against Monte Carlo on seeded paths', () => {
  // Driftless log price: pricePath moves ln S by (mu - sigma^2/2) dt + eps, so mu = sigma^2/2 removes the drift.
  const sigmaAnnual = 0.8;
  const horizonSec = 3600;
  const steps = 600;
  const paths = 3000;
  const sigmaPerSqrtSec = sigmaAnnual / Math.sqrt(MS_PER_YEAR / 1000);
  const sdOverHorizon = sigmaPerSqrtSec * Math.sqrt(horizonSec);

  // Every path's running minimum of ln(S / S0), measured once and reused for every barrier.
  const minima: number[] = [];
  const rng = seededRandom(deriveSeed(20261124, 'first-passage'));
  for (let i = 0; i < paths; i += 1) {
    const path = pricePath(
      {
        startPrice: 100,
        startMs: 0,
        stepMs: (horizonSec * 1000) / steps,
        steps,
        sigmaAnnual,
        driftAnnual: (sigmaAnnual * sigmaAnnual) / 2,
      },
      rng,
    );
    let low = 0;
    for (const p of path) low = Math.min(low, Math.log(p.price / 100));
    minima.push(low);
  }
  // A path checked only at its steps misses touches between them; Broadie-Glasserman-Kou: a discretely
  // monitored barrier behaves like a continuous one moved 0.5826 sigma sqrt(dt) further away, so the
  // Monte Carlo counts touches of a barrier moved that much closer.
  const shift = 0.5826 * sigmaPerSqrtSec * Math.sqrt(horizonSec / steps);

  it.each([0.5, 1, 1.5, 2.5])('a barrier %s sd below: closed form within 4 standard errors', (sds) => {
    const logDistance = sds * sdOverHorizon;
    const touched = minima.filter((m) => m <= -(logDistance - shift)).length / paths;
    const closedForm = touchProbability(diffusionTimeSec(logDistance, sigmaPerSqrtSec), horizonSec);
    const standardError = Math.sqrt((closedForm * (1 - closedForm)) / paths);
    expect(Math.abs(touched - closedForm)).toBeLessThan(4 * standardError + 1e-3);
  });

  it('the median first-passage time is where half the paths have touched', () => {
    // A barrier whose median time is exactly the horizon: P(horizon) must be 1/2 by construction,
    // and the Monte Carlo must agree.
    const tau = horizonSec * medianPassageTimeSec(1) ** -1;
    const logDistance = Math.sqrt(tau) * sigmaPerSqrtSec;
    expect(medianPassageTimeSec(tau)).toBeCloseTo(horizonSec, 6);
    const touched = minima.filter((m) => m <= -(logDistance - shift)).length / paths;
    expect(Math.abs(touched - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / paths));
  });
});

describe('first-passage edge cases', () => {
  it('is certain at or through the tier and impossible without volatility or a tier', () => {
    expect(touchProbability(0, 900)).toBe(1);
    expect(diffusionTimeSec(0, 0.001)).toBe(0);
    expect(diffusionTimeSec(0.05, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(touchProbability(Number.POSITIVE_INFINITY, 900)).toBe(0);
    expect(medianPassageTimeSec(0)).toBe(0);
    expect(medianPassageTimeSec(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  });

  it('grows with the horizon and shrinks with the distance', () => {
    const tau = diffusionTimeSec(0.05, 1e-4);
    const horizons = [900, 3600, 14_400, 86_400].map((h) => touchProbability(tau, h));
    expect([...horizons].sort((a, b) => a - b)).toEqual(horizons);
    expect(touchProbability(diffusionTimeSec(0.1, 1e-4), 3600)).toBeLessThan(touchProbability(tau, 3600));
    expect(distanceSd(tau, 3600)).toBeCloseTo(0.05 / (1e-4 * 60), 12);
  });

  it('never exceeds 1 and is never NaN for any finite input', () => {
    for (const tau of [1e-12, 1e-3, 1, 1e6, 1e300]) {
      for (const h of [1e-9, 1, 86_400, 1e12]) {
        const p = touchProbability(tau, h);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('barriers with a volatility term structure', () => {
  const barrier = (distance: number, curve: VarianceCurve): Barrier => ({
    distance,
    variance: (t) => integratedVariance(curve, t),
    rate: (t) => varianceRate(curve, t),
  });

  it('with a flat volatility, the median is tau / Phi^-1(3/4)^2', () => {
    const sigma = 2e-4;
    const flat = barrier(0.05, { fastPerSec: sigma ** 2, slowPerSec: sigma ** 2, kappaPerSec: 0 });
    const tau = diffusionTimeSec(0.05, sigma);
    expect(barrierMedianSec(flat) / medianPassageTimeSec(tau) - 1).toBeCloseTo(0, 5);
    expect(barrierSd(flat, 3600)).toBeCloseTo(distanceSd(tau, 3600), 12);
  });

  it.each([
    ['after a burst (fast 16x slow)', { fastPerSec: 16e-8, slowPerSec: 1e-8, kappaPerSec: Math.LN2 / 3600 }],
    ['after a lull (fast a quarter of slow)', { fastPerSec: 0.25e-8, slowPerSec: 1e-8, kappaPerSec: Math.LN2 / 3600 }],
  ])('%s: even odds at the median, and a burst brings it closer', (_, curve) => {
    const b = barrier(0.03, curve);
    const median = barrierMedianSec(b);
    expect(probabilityAtSd(barrierSd(b, median))).toBeCloseTo(0.5, 5);
    const flatSlow = barrier(0.03, { fastPerSec: curve.slowPerSec, slowPerSec: curve.slowPerSec, kappaPerSec: 0 });
    if (curve.fastPerSec > curve.slowPerSec) expect(median).toBeLessThan(barrierMedianSec(flatSlow));
    else expect(median).toBeGreaterThan(barrierMedianSec(flatSlow));
  });
});
