import { describe, expect, it } from 'vitest';
import { MARKET_CORRELATION, scenarioMarket } from '../../../tools/market-paths/scenarios.ts';
import {
  correlationFor,
  correlationMatrix,
  correlationOf,
  DEFAULT_CORRELATION_OPTIONS,
  emptyCorrelation,
  updateCorrelation,
  type CorrelationState,
} from './correlation.ts';

const options = DEFAULT_CORRELATION_OPTIONS;

function feedMarket(state: CorrelationState, seed: number, days: number): CorrelationState {
  const market = scenarioMarket('calm', { startMs: 0, stepMs: 15_000, durationMs: days * 86_400_000, seed });
  let s = state;
  market.BTC.forEach((btc, i) => {
    const marks = { BTCUSDT: btc.price, ETHUSDT: market.ETH[i]?.price ?? 0, SOLUSDT: market.SOL[i]?.price ?? 0 };
    s = updateCorrelation(s, marks, btc.t, options);
  });
  return s;
}

describe('sampled EW correlation', () => {
  it('recovers the market-factor correlation of the seeded BTC/ETH/SOL market', () => {
    // Each coin's shock is 0.8 x market + 0.6 x own, so any two correlate at 0.8^2 = 0.64.
    const expected = MARKET_CORRELATION ** 2;
    const state = feedMarket(emptyCorrelation(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']), 11, 6);
    for (const [a, b] of [['BTCUSDT', 'ETHUSDT'], ['BTCUSDT', 'SOLUSDT'], ['ETHUSDT', 'SOLUSDT']] as const) {
      expect(Math.abs(correlationOf(state, a, b, options) - expected)).toBeLessThan(0.08);
    }
  });

  it('starts from the prior and shrinks towards the data as samples accumulate', () => {
    const start = emptyCorrelation(['BTCUSDT', 'ETHUSDT']);
    expect(correlationOf(start, 'BTCUSDT', 'ETHUSDT', options)).toBe(options.priorCorrelation);
    // Perfectly correlated marks: the estimate moves from the prior towards 1, monotonically.
    let s = start;
    const seen: number[] = [];
    for (let i = 0; i <= 24 * 60; i += 1) {
      const wiggle = Math.exp(0.002 * Math.sin(i * 1.7) + 0.001 * Math.cos(i * 0.3));
      s = updateCorrelation(s, { BTCUSDT: 60_000 * wiggle, ETHUSDT: 3000 * wiggle }, i * 60_000, options);
      if (i % 120 === 0) seen.push(correlationOf(s, 'BTCUSDT', 'ETHUSDT', options));
    }
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    // A day of data against a six-hour prior: the prior keeps lambda = 6 h / (6 h + W) of the weight.
    const lambda = options.priorWeightMs / (options.priorWeightMs + s.sumMs);
    expect(seen[seen.length - 1]).toBeCloseTo(1 - lambda * (1 - options.priorCorrelation), 9);
    expect(seen[seen.length - 1]).toBeGreaterThan(0.85);
  });

  it('samples only on its grid and only when every symbol has a mark', () => {
    let s = updateCorrelation(emptyCorrelation(['A', 'B']), { A: 1, B: 1 }, 0, options);
    const anchored = s;
    s = updateCorrelation(s, { A: 1.01, B: 1.02 }, options.sampleEveryMs - 1, options);
    expect(s).toBe(anchored);
    s = updateCorrelation(s, { A: 1.01 }, options.sampleEveryMs, options);
    expect(s).toBe(anchored);
    s = updateCorrelation(s, { A: 1.01, B: Number.NaN }, options.sampleEveryMs, options);
    expect(s).toBe(anchored);
    s = updateCorrelation(s, { A: 1.01, B: 1.02 }, options.sampleEveryMs, options);
    expect(s.sumMs).toBe(options.sampleEveryMs);
  });

  it('keeps what it knows when a symbol leaves, starts afresh when one joins', () => {
    const three = feedMarket(emptyCorrelation(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']), 12, 2);
    const two = correlationFor(three, ['ETHUSDT', 'BTCUSDT']);
    expect(correlationOf(two, 'BTCUSDT', 'ETHUSDT', options)).toBe(correlationOf(three, 'BTCUSDT', 'ETHUSDT', options));
    expect(correlationFor(two, ['BTCUSDT', 'ETHUSDT'])).toBe(two);
    const joined = correlationFor(two, ['BTCUSDT', 'ETHUSDT', 'XRPUSDT']);
    expect(correlationOf(joined, 'BTCUSDT', 'XRPUSDT', options)).toBe(options.priorCorrelation);
    expect(correlationOf(joined, 'BTCUSDT', 'ETHUSDT', options)).toBe(options.priorCorrelation);
  });
});

describe('correlationMatrix: every pair at once', () => {
  // BTC and ETH move together, SOL against them: three different pair correlations.
  let state = emptyCorrelation(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
  const logs = { BTCUSDT: 0, ETHUSDT: 0, SOLUSDT: 0 };
  for (let k = 0; k < 400; k += 1) {
    const x = 0.01 * Math.sin(k * 1.3);
    const y = 0.01 * Math.cos(k * 2.9);
    logs.BTCUSDT += x;
    logs.ETHUSDT += 0.8 * x + 0.3 * y;
    logs.SOLUSDT += -0.5 * x + y;
    state = updateCorrelation(state, { BTCUSDT: Math.exp(logs.BTCUSDT), ETHUSDT: Math.exp(logs.ETHUSDT), SOLUSDT: Math.exp(logs.SOLUSDT) }, k * 60_000, options);
  }

  it('holds correlationOf of each pair, in the order asked, an unknown symbol at the prior', () => {
    const symbols = ['SOLUSDT', 'XRPUSDT', 'BTCUSDT', 'ETHUSDT'];
    const matrix = correlationMatrix(state, symbols, options);
    symbols.forEach((a, i) => symbols.forEach((b, j) => expect(matrix[i * symbols.length + j]).toBe(correlationOf(state, a, b, options))));
    expect(matrix[1 * 4 + 2]).toBe(options.priorCorrelation);
    // The pairs really differ, so a row given to the wrong symbol would show.
    const pairs = [correlationOf(state, 'BTCUSDT', 'ETHUSDT', options), correlationOf(state, 'BTCUSDT', 'SOLUSDT', options), correlationOf(state, 'ETHUSDT', 'SOLUSDT', options)];
    expect(new Set(pairs.map((c) => c.toFixed(3))).size).toBe(3);
  });

  it('is kept for the same state and symbols, and follows a new sample or another list', () => {
    const symbols = ['BTCUSDT', 'SOLUSDT'];
    const first = correlationMatrix(state, symbols, options);
    expect(correlationMatrix(state, [...symbols], options)).toBe(first);
    const later = updateCorrelation(state, { BTCUSDT: 2, ETHUSDT: 1, SOLUSDT: 0.5 }, 400 * 60_000, options);
    expect(correlationMatrix(later, symbols, options)[1]).toBe(correlationOf(later, 'BTCUSDT', 'SOLUSDT', options));
    expect(correlationMatrix(later, symbols, options)[1]).not.toBe(first[1]);
    expect(correlationMatrix(state, ['ETHUSDT', 'SOLUSDT'], options)[1]).toBe(correlationOf(state, 'ETHUSDT', 'SOLUSDT', options));
  });
});
