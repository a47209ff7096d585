import { describe, expect, it } from 'vitest';
import { deriveSeed, seededRandom } from '../../../tools/market-paths/seeded-random.ts';
import { DEFAULT_TREND_OPTIONS, emptyTrend, trendDriftPerSec, trendT, updateTrend, type TrendState } from './trend.ts';
import { variancePerMs } from './volatility.ts';

const MIN = 60_000;
const perMs = variancePerMs(0.6);

/** n minutes of a log walk at 60 %/yr with `driftPerHour` (log), from price 100. */
function walk(minutes: number, driftPerHour: number, seed: number): TrendState {
  const rng = seededRandom(deriveSeed(seed, 'trend'));
  let x = Math.log(100);
  let s = emptyTrend();
  for (let k = 0; k <= minutes; k += 1) {
    if (k > 0) x += driftPerHour / 60 + Math.sqrt(perMs * MIN) * rng.normal();
    s = updateTrend(s, Math.exp(x), k * MIN, DEFAULT_TREND_OPTIONS);
  }
  return s;
}

describe('trend term', () => {
  it('finds no drift in most driftless walks (|t| >= 2 about one time in twenty)', () => {
    const used = Array.from({ length: 200 }, (_, i) => trendDriftPerSec(walk(600, 0, i), perMs, DEFAULT_TREND_OPTIONS)).filter((d) => d !== 0);
    expect(used.length).toBeLessThan(200 * 0.1);
    expect(used.length).toBeGreaterThan(0);
  });

  it('finds a -1 %/h fall, shrunk towards 0 but most of it kept', () => {
    const found = Array.from({ length: 50 }, (_, i) => trendDriftPerSec(walk(600, -0.01, 100 + i), perMs, DEFAULT_TREND_OPTIONS) * 3600);
    const mean = found.reduce((a, b) => a + b, 0) / found.length;
    expect(found.filter((d) => d < 0).length).toBeGreaterThan(35);
    expect(found.filter((d) => d > 0).length).toBe(0);
    expect(mean).toBeLessThan(-0.004);
    expect(mean).toBeGreaterThan(-0.012);
  });

  it('uses no drift below the bar and shrinks just above it', () => {
    const s = { anchorPrice: 100, anchorT: 0, sumReturns: -0.01, sumMs: 3_600_000 };
    const t = trendT(s, perMs);
    expect(t).toBeLessThan(0);
    expect(trendDriftPerSec(s, perMs, { ...DEFAULT_TREND_OPTIONS, minT: Math.abs(t) + 0.01 })).toBe(0);
    const raw = -0.01 / 3600;
    const shrunk = trendDriftPerSec(s, perMs, { ...DEFAULT_TREND_OPTIONS, minT: Math.abs(t) / 2 });
    expect(shrunk).toBeCloseTo(raw * 0.75, 15);
  });

  it('ignores bad input and has no trend without data', () => {
    const s = walk(10, 0, 1);
    expect(updateTrend(s, Number.NaN, 11 * MIN, DEFAULT_TREND_OPTIONS)).toBe(s);
    expect(updateTrend(s, 100, 10 * MIN + 1, DEFAULT_TREND_OPTIONS)).toBe(s);
    expect(trendDriftPerSec(emptyTrend(), perMs, DEFAULT_TREND_OPTIONS)).toBe(0);
    expect(trendT(s, 0)).toBe(0);
  });
});
