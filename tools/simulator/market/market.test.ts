import { describe, expect, it } from 'vitest';
import { DEFAULT_START_PRICES } from '../../market-paths/scenarios.ts';
import { createMarket } from './market.ts';
import { extraMark, extraSymbols } from './extra-symbols.ts';

const HOUR = 3_600_000;

describe('createMarket', () => {
  it('starts at the default prices and continues calmly past the scenario chunk, without a jump', () => {
    const m = createMarket({ scenario: 'calm', seed: 3, startMs: 0, chunkMs: HOUR });
    expect(m.startPrice('ETH')).toBe(DEFAULT_START_PRICES.ETH);
    for (const boundary of [HOUR, 2 * HOUR, 3 * HOUR]) {
      const before = m.mark('BTC', boundary - 1000);
      const after = m.mark('BTC', boundary + 1000);
      expect(Math.abs(after / before - 1)).toBeLessThan(0.01);
    }
  });

  it('gives the same price for a time whether or not its chunk was evicted in between', () => {
    const m = createMarket({ scenario: 'crash', seed: 1, startMs: 0, chunkMs: HOUR });
    const early = m.mark('SOL', 1.5 * HOUR);
    m.mark('SOL', 30 * HOUR);
    expect(m.mark('SOL', 1.5 * HOUR)).toBe(early);
    expect(createMarket({ scenario: 'crash', seed: 1, startMs: 0, chunkMs: HOUR }).mark('SOL', 30 * HOUR)).toBe(m.mark('SOL', 30 * HOUR));
  });

  it('lists several hundred distinct extra symbols that follow the market, deterministically', () => {
    const extras = extraSymbols(5);
    expect(extras.length).toBeGreaterThanOrEqual(300);
    expect(new Set(extras.map((s) => s.symbol)).size).toBe(extras.length);
    expect(extraSymbols(5)).toEqual(extras);
    const m = createMarket({ scenario: 'crash', seed: 1, startMs: 0 });
    const first = extras[0];
    if (first === undefined) throw new Error('no extras');
    // The crash takes every extra symbol down with BTC (betas are 0.8..1.8).
    expect(extraMark(first, m, 50 * 60_000)).toBeLessThan(extraMark(first, m, 0) * 0.95);
  });
});
