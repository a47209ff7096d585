import { describe, expect, test } from 'vitest';
import { binanceMargin } from '../../exchanges/binance/margin.ts';
import { bybitMargin } from '../../exchanges/bybit/margin.ts';
import { hyperliquidMargin, hyperliquidTierTable } from '../../exchanges/hyperliquid/margin.ts';
import { okxMargin } from '../../exchanges/okx/margin.ts';
import { price, qty, ratio } from '../../units/units.ts';
import type { Position, TierTable } from '../positions/account.ts';
import { qtyTierBoundaries } from './continuous-tier-margin.ts';
import { buildTierTable, continuousMaintenance, tierBoundaryPrices, tierFor, tierRate } from './maintenance-tiers.ts';
import { checkedTierTable } from './tier-table-check.ts';

/**
 * A size exactly on a tier bound, venue by venue, on the side each venue's documents put it
 * (margin-math.md §2.1, §3.1, §4.1, §5.1). With a deduction (Binance, Bybit, Hyperliquid) the
 * maintenance margin is the same from either tier at the bound, so the tier itself is asserted; on
 * OKX the whole position jumps to the next rate, so the bound decides the figure.
 */

const at = (tiers: TierTable, size: number, mark: number, fields: Partial<Position> = {}): Position => ({
  symbol: 'X', side: 'long', qty: qty(size), entryPrice: price(mark), markPrice: price(mark), marginMode: 'cross',
  tiers, takerFeeRate: ratio(0), ...fields,
});

describe('a size exactly on a tier bound', () => {
  // Real BTCUSDT brackets (shared/exchanges/binance/fixtures/leverage-bracket-btcusdt.freqtrade-snapshot.json).
  const binance = buildTierTable([
    { floor: 0, cap: 50_000, mmr: 0.004, deduction: 0 },
    { floor: 50_000, cap: 600_000, mmr: 0.005, deduction: 50 },
    { floor: 600_000, cap: 3_000_000, mmr: 0.0065, deduction: 950 },
  ]);

  test('Binance: notionalFloor <= notional < notionalCap, so a notional equal to a floor is in that bracket', () => {
    expect(tierFor(binance, 50_000)).toMatchObject({ mmr: 0.005, deduction: 50 });
    expect(tierFor(binance, 600_000)).toMatchObject({ mmr: 0.0065, deduction: 950 });
    expect(tierFor(binance, 49_999.99)).toMatchObject({ mmr: 0.004, deduction: 0 });
    expect(tierFor(binance, 0)).toMatchObject({ mmr: 0.004 });
    // 1 BTC at 50,000 and 12 BTC at 50,000: 50,000 x 0.5 % - 50 = 200; 600,000 x 0.65 % - 950 = 2,950.
    expect(binanceMargin.requirement(at(binance, 1, 50_000), 50_000)).toBeCloseTo(200, 9);
    expect(binanceMargin.requirement(at(binance, 12, 50_000), 50_000)).toBeCloseTo(2_950, 9);
  });

  test('Bybit: riskLimitValue is the most a tier holds; at exactly that value the maintenance is the lower tier\'s', () => {
    // Live BTCUSDT risk limits: tier 1 up to 300,000 at 0.33 %, tier 2 up to 2,000,000 at 0.5 %, deduction 510.
    const bybit = buildTierTable([
      { floor: 0, cap: 300_000, mmr: 0.0033 },
      { floor: 300_000, cap: 2_000_000, mmr: 0.005, deduction: 510 },
    ]);
    // Bybit files 300,000 under tier 1 (300,000 x 0.33 % = 990); the engine files it under tier 2
    // (300,000 x 0.5 % - 510 = 990). The deduction makes the two equal, so the figure is Bybit's.
    expect(bybitMargin.requirement(at(bybit, 6, 50_000), 50_000)).toBeCloseTo(990, 9);
    expect(bybitMargin.requirement(at(bybit, 4, 50_000), 50_000)).toBeCloseTo(200_000 * 0.0033, 9);
    expect(bybitMargin.requirement(at(bybit, 8, 50_000), 50_000)).toBeCloseTo(400_000 * 0.005 - 510, 9);
  });

  test('OKX: tier = first row with size <= maxSz, next row from minSz = maxSz + 1 contract; the whole position jumps', () => {
    // Contract bounds as OKX publishes them (tier 1: 0-500, tier 2: 501-1,000 contracts), ctVal 0.01 BTC,
    // turned into base units the way the OKX parser does (contracts x ctVal).
    const ctVal = 0.01;
    const okx = checkedTierTable(
      [
        { floor: 0, cap: 500 * ctVal, mmr: 0.01, deduction: 0 },
        { floor: 501 * ctVal, cap: 1_000 * ctVal, mmr: 0.015, deduction: 0 },
      ],
      'qty',
    );
    if (typeof okx === 'string') throw new Error(okx);
    const fee = { takerFeeRate: ratio(0.0005) };
    // 500 contracts (5 BTC) at 40,000 = 200,000 notional, charged 1 % + 0.05 % liquidation fee = 2,100.
    expect(okxMargin.requirement(at(okx, 500 * ctVal, 40_000, fee), 40_000)).toBeCloseTo(2_100, 6);
    // 501 contracts = 200,400 notional, all of it at 1.5 % + 0.05 % = 3,106.2.
    expect(okxMargin.requirement(at(okx, 501 * ctVal, 40_000, fee), 40_000)).toBeCloseTo(3_106.2, 6);
  });

  test('Hyperliquid: a margin tier holds position values from its lowerBound up', () => {
    // BTC "tiered 40x" (table 56): 40x from 0, 20x from 150,000,000 (vector #47: deduction 1,875,000).
    const hl = hyperliquidTierTable([
      { lowerBound: 0, maxLeverage: 40 },
      { lowerBound: 150_000_000, maxLeverage: 20 },
    ]);
    expect(tierFor(hl, 150_000_000)).toMatchObject({ mmr: 0.025, deduction: 1_875_000 });
    expect(tierFor(hl, 149_999_999)).toMatchObject({ mmr: 0.0125, deduction: 0 });
    // 2,000 BTC at 75,000 = 150,000,000: 150,000,000 x 2.5 % - 1,875,000 = 1,875,000 (= 150,000,000 / 80).
    expect(hyperliquidMargin.requirement(at(hl, 2_000, 75_000), 75_000)).toBeCloseTo(1_875_000, 6);
  });

  test('a size past the last cap stays in the last tier', () => {
    expect(tierFor(binance, 1e9)).toMatchObject({ mmr: 0.0065, deduction: 950 });
  });
});

describe('building a tier table', () => {
  test('rows in any order; caps from the next floor; a missing deduction derived, a stated one kept', () => {
    const table = buildTierTable([
      { floor: 600_000, mmr: 0.0065 },
      { floor: 0, mmr: 0.004 },
      { floor: 50_000, mmr: 0.005, deduction: 49 },
    ]);
    expect(table).toEqual({
      basis: 'notional',
      tiers: [
        { floor: 0, cap: 50_000, mmr: 0.004, deduction: 0 },
        // Stated deduction kept as the venue sent it (49, not the recursion's 50) ...
        { floor: 50_000, cap: 600_000, mmr: 0.005, deduction: 49 },
        // ... and the next one derived from it: 49 + 600,000 x (0.65 % - 0.5 %) = 949.
        { floor: 600_000, cap: Number.POSITIVE_INFINITY, mmr: 0.0065, deduction: expect.closeTo(949, 9) },
      ],
    });
    expect(buildTierTable([{ floor: 0, cap: 10, mmr: 0.01 }], 'qty')).toEqual({ basis: 'qty', tiers: [{ floor: 0, cap: 10, mmr: 0.01, deduction: 0 }] });
  });

  test('an empty table is refused at lookup rather than read as no margin', () => {
    expect(() => tierFor({ basis: 'notional', tiers: [] }, 1)).toThrow(/empty tier table/);
  });

  test('a qty table is looked up by quantity, a notional table by notional', () => {
    const byQty = buildTierTable([{ floor: 0, mmr: 0.01 }, { floor: 5, mmr: 0.02 }], 'qty');
    // 6 BTC at 100 is 600 notional: tier 2 by quantity (6 >= 5); by notional it would be far past 5 as well,
    // so 4 BTC at 100 (400 notional, 4 BTC) tells the two apart.
    expect(tierRate(byQty, 400, 4)).toBe(0.01);
    expect(tierRate(byQty, 600, 6)).toBe(0.02);
    expect(continuousMaintenance(byQty, 400, 4)).toBeCloseTo(4, 12);
    const byNotional = buildTierTable([{ floor: 0, mmr: 0.01 }, { floor: 5, mmr: 0.02 }]);
    expect(tierRate(byNotional, 400, 4)).toBe(0.02);
  });

  test('tier bounds as mark prices (notional tables) and as quantities', () => {
    const table = buildTierTable([{ floor: 0, mmr: 0.01 }, { floor: 500, mmr: 0.05 }, { floor: 2_000, mmr: 0.1 }]);
    expect(tierBoundaryPrices(table, 10)).toEqual([50, 200]);
    expect(tierBoundaryPrices(table, 0)).toEqual([]);
    expect(tierBoundaryPrices({ ...table, basis: 'qty' }, 10)).toEqual([]);
    const p = at(table, 10, 100);
    expect(qtyTierBoundaries(p, 100)).toEqual([5, 20]);
    expect(qtyTierBoundaries({ ...p, tiers: { ...table, basis: 'qty' } }, 100)).toEqual([500, 2_000]);
  });
});
