import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../simulator/start-simulator.ts';
import { pricesAtRho } from './crossing-prices.ts';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const rhoNow = (s: RunningSimulator): number => s.books.binance.figures(s.clock.now()).crossRiskRatio;

describe('pricesAtRho (the latency bench crossing)', () => {
  it('puts the Binance demo pool at the rho asked for, before and after a day of funding payments', async () => {
    const s = (sim = await startSimulator({ port: 0, scenario: 'calm', seed: 1, manualClock: true, liquidations: false, startMs: Date.UTC(2026, 10, 26, 20, 30) }));
    const firstUp = pricesAtRho(s, 0.95);
    s.pinMarks(firstUp);
    s.clock.advance(1);
    expect(rhoNow(s)).toBeCloseTo(0.95, 9);
    // The bench's schedule: down, held 16 min, up for a second; 100 crossings are about 27 h, three or four payments.
    for (let i = 0; i < 100; i += 1) {
      s.pinMarks(pricesAtRho(s, 0.2));
      s.advance(16 * 60_000 + 1_000);
      const up = pricesAtRho(s, 0.95);
      s.pinMarks(up);
      s.advance(1_000);
      expect(rhoNow(s)).toBeGreaterThan(0.9);
      expect(rhoNow(s)).toBeLessThan(1);
      expect(rhoNow(s)).toBeCloseTo(0.95, 6);
    }
    // Why the prices are found again: the first crossing's marks now take the pool past 1 (no Critical notice, rho >= 1's).
    s.pinMarks(firstUp);
    s.clock.advance(1);
    expect(rhoNow(s)).toBeGreaterThan(1);
  }, 30_000);
});
