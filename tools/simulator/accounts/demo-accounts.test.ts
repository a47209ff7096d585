import { describe, expect, it } from 'vitest';
import { VENUE_IDS } from '../../../shared/engine/positions/account.ts';
import { CRASH_SHAPE } from '../../market-paths/scenario-shapes.ts';
import { engineRisk } from '../../test-support/engine-view.ts';
import { createMarket } from '../market/market.ts';
import { AccountBook, type AccountChange } from './account-book.ts';
import { DEMO_ACCOUNTS } from './demo-accounts.ts';

const MINUTE = 60_000;
const startMs = 1_760_000_000_000;
const LEVELS = [0.5, 0.8, 0.9, 1] as const;

/** The sim time at which each position's rho (by the engine) first reaches each level, or null. */
function firstCrossings(venue: (typeof VENUE_IDS)[number], seed: number, scenario: 'crash' | 'calm', minutes: number) {
  const market = createMarket({ scenario, seed, startMs });
  const book = new AccountBook(DEMO_ACCOUNTS[venue], market, { fundingIntervalMs: 8 * 60 * MINUTE, liquidations: false });
  const firsts = book.positions.map(() => new Map<number, number>());
  const startRho = engineRisk(book, startMs).positions.map((p) => p.riskRatio);
  for (let t = startMs; t <= startMs + minutes * MINUTE; t += 10_000) {
    engineRisk(book, t).positions.forEach((p, i) => {
      for (const level of LEVELS) if (p.riskRatio >= level && !firsts[i]?.has(level)) firsts[i]?.set(level, t);
    });
  }
  return { startRho, firsts };
}

describe('demo accounts', () => {
  for (const venue of VENUE_IDS) {
    it(`${venue}: the crash walks every position through 0.5, 0.8, 0.9 and liquidation, in that order (several seeds)`, () => {
      for (const seed of [1, 2, 3]) {
        const { startRho, firsts } = firstCrossings(venue, seed, 'crash', 60);
        startRho.forEach((rho) => expect(rho).toBeLessThan(0.5));
        firsts.forEach((crossings) => {
          const times = LEVELS.map((level) => crossings.get(level));
          expect(times.every((t) => t !== undefined)).toBe(true);
          const defined = times as number[];
          expect([...defined].sort((a, b) => a - b)).toEqual(defined);
          // Nothing happens before the crash starts.
          expect(defined[0]).toBeGreaterThan(startMs + CRASH_SHAPE.startOffsetMs);
        });
      }
    });

    it(`${venue}: a calm hour stays below the first call level`, () => {
      const { firsts } = firstCrossings(venue, 11, 'calm', 60);
      firsts.forEach((crossings) => expect(crossings.size).toBe(0));
    });
  }
});

describe('AccountBook', () => {
  it('pays funding at each boundary, from the wallet (cross) or the position margin (isolated)', () => {
    const market = createMarket({ scenario: 'calm', seed: 1, startMs });
    const book = new AccountBook(DEMO_ACCOUNTS.binance, market, { fundingIntervalMs: MINUTE, liquidations: true });
    const changes: AccountChange[] = [];
    book.subscribe((c) => changes.push(c));
    const wallet = book.walletBalance;
    const solMargin = book.positions.find((p) => p.coin === 'SOL')?.isolatedMargin ?? 0;
    book.advance(startMs + 2.5 * MINUTE);
    expect(changes.map((c) => c.kind)).toEqual(['funding', 'funding']);
    // Longs pay a positive rate: both pools shrink by exactly what the positions record as paid.
    const paidCross = book.positions.filter((p) => p.marginMode === 'cross').reduce((s, p) => s + p.fundingPaid, 0);
    const sol = book.positions.find((p) => p.coin === 'SOL');
    expect(paidCross).toBeGreaterThan(0);
    expect(book.walletBalance).toBeCloseTo(wallet - paidCross, 9);
    expect(sol?.isolatedMargin).toBeCloseTo(solMargin - (sol?.fundingPaid ?? 0), 9);
  });

  it('liquidates when the engine says rho >= 1, and only then', () => {
    const market = createMarket({ scenario: 'crash', seed: 1, startMs });
    const book = new AccountBook(DEMO_ACCOUNTS.okx, market, { fundingIntervalMs: 8 * 60 * MINUTE, liquidations: true });
    const closedAt: { coin: string; rho: number }[] = [];
    for (let t = startMs; t <= startMs + 60 * MINUTE; t += 5000) {
      const before = engineRisk(book, t);
      const held = book.positions.map((p) => p.coin);
      book.advance(t);
      const gone = held.filter((coin) => !book.positions.some((p) => p.coin === coin));
      for (const coin of gone) closedAt.push({ coin, rho: before.positions[held.indexOf(coin)]?.riskRatio ?? 0 });
      before.positions.forEach((p, i) => {
        if (p.riskRatio < 1) expect(gone).not.toContain(held[i]);
      });
    }
    expect(closedAt.map((c) => c.coin).sort()).toEqual(['BTC', 'ETH', 'SOL']);
    closedAt.forEach((c) => expect(c.rho).toBeGreaterThanOrEqual(1));
    expect(book.walletBalance).toBeGreaterThanOrEqual(0);
  });
});
