import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priceAt } from './price-at.ts';
import type { PricePoint } from './price-path.ts';
import { CRASH_SHAPE, WICK_SHAPE } from './scenario-shapes.ts';
import { SCENARIO_NAMES, isScenarioName, scenarioMarket, scenarioPath, type ScenarioName } from './scenarios.ts';

const MINUTE = 60_000;
const startMs = 1_760_000_000_000;
const opts = (seed: number, durationMs = 120 * MINUTE) => ({ startPrice: 97_000, startMs, stepMs: 1000, durationMs, seed });

describe('scenarioPath', () => {
  it('is deterministic under a seed for every scenario', () => {
    for (const name of SCENARIO_NAMES) {
      const a = scenarioPath(name, opts(3, 30 * MINUTE));
      expect(a).toEqual(scenarioPath(name, opts(3, 30 * MINUTE)));
      expect(a).not.toEqual(scenarioPath(name, opts(4, 30 * MINUTE)));
      expect(a).toHaveLength(30 * 60 + 1);
    }
  });

  it('crash falls about 12 % over its 45 minutes, then settles part of the way back', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const path = scenarioPath('crash', opts(seed));
      const at = (offsetMs: number): number => priceAt(path, startMs + offsetMs);
      const top = at(CRASH_SHAPE.startOffsetMs);
      const bottom = at(CRASH_SHAPE.startOffsetMs + 45 * MINUTE);
      const settled = at(CRASH_SHAPE.startOffsetMs + CRASH_SHAPE.fallMs + CRASH_SHAPE.settleMs);
      expect(bottom / top).toBeGreaterThan(0.86);
      expect(bottom / top).toBeLessThan(0.9);
      expect(settled / top).toBeGreaterThan(bottom / top + 0.015);
      expect(settled / top).toBeLessThan(0.95);
    }
  });

  it('wick drops sharply and comes back within minutes', () => {
    for (const seed of [1, 2, 3]) {
      const path = scenarioPath('wick', opts(seed, 30 * MINUTE));
      const before = priceAt(path, startMs + WICK_SHAPE.startOffsetMs);
      const low = priceAt(path, startMs + WICK_SHAPE.startOffsetMs + WICK_SHAPE.downMs);
      const after = priceAt(path, startMs + WICK_SHAPE.startOffsetMs + WICK_SHAPE.downMs + WICK_SHAPE.upMs);
      expect(low / before).toBeLessThan(0.94);
      expect(Math.abs(after / before - 1)).toBeLessThan(0.015);
    }
  });

  it('trend declines over hours', () => {
    const path = scenarioPath('trend', opts(2, 6 * 60 * MINUTE));
    const ratio = (path.at(-1)?.price ?? Number.NaN) / 97_000;
    expect(ratio).toBeGreaterThan(0.99 ** 6 - 0.03);
    expect(ratio).toBeLessThan(0.99 ** 6 + 0.03);
  });

  it('gives the behaviour-only scenarios the calm price path', () => {
    const calm = scenarioPath('calm', opts(9, 10 * MINUTE));
    expect(scenarioPath('disconnects', opts(9, 10 * MINUTE))).toEqual(calm);
    expect(scenarioPath('garbage', opts(9, 10 * MINUTE))).toEqual(calm);
  });

  it('never yields a non-finite or non-positive price over many seeds (property)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom(...SCENARIO_NAMES), (seed, name: ScenarioName) =>
        scenarioPath(name, { ...opts(seed, 90 * MINUTE), stepMs: 5000 }).every((p) => Number.isFinite(p.price) && p.price > 0),
      ),
      { numRuns: 60, seed: 20261126 },
    );
  });

  it('knows its names', () => {
    expect(isScenarioName('crash')).toBe(true);
    expect(isScenarioName('boom')).toBe(false);
  });
});

describe('scenarioMarket', () => {
  const returns = (path: readonly PricePoint[]): number[] =>
    path.slice(1).map((p, i) => Math.log(p.price / (path[i]?.price ?? Number.NaN)));
  const correlation = (a: readonly number[], b: readonly number[]): number => {
    const ma = a.reduce((x, y) => x + y, 0) / a.length;
    const mb = b.reduce((x, y) => x + y, 0) / b.length;
    let ab = 0;
    let aa = 0;
    let bb = 0;
    a.forEach((x, i) => {
      const y = b[i] ?? mb;
      ab += (x - ma) * (y - mb);
      aa += (x - ma) ** 2;
      bb += (y - mb) ** 2;
    });
    return ab / Math.sqrt(aa * bb);
  };

  it('builds BTC, ETH and SOL on one grid, correlated, deterministic', () => {
    const o = { startMs, stepMs: 1000, durationMs: 180 * MINUTE, seed: 12 };
    const m = scenarioMarket('calm', o);
    expect(m).toEqual(scenarioMarket('calm', o));
    expect(m.ETH.map((p) => p.t)).toEqual(m.BTC.map((p) => p.t));
    expect(m.SOL[0]?.price).toBe(190);
    // Each coin loads 0.8 on one market factor, so two coins correlate near 0.64 (jumps and
    // clustering blur it a little).
    const c = correlation(returns(m.BTC), returns(m.ETH));
    expect(c).toBeGreaterThan(0.5);
    expect(c).toBeLessThan(0.75);
  });

  it('crashes every coin by the same shape', () => {
    const m = scenarioMarket('crash', { startMs, stepMs: 1000, durationMs: 60 * MINUTE, seed: 1 });
    for (const path of [m.BTC, m.ETH, m.SOL]) {
      const drop = priceAt(path, startMs + 50 * MINUTE) / priceAt(path, startMs + 5 * MINUTE);
      expect(drop).toBeGreaterThan(0.85);
      expect(drop).toBeLessThan(0.91);
    }
  });
});
