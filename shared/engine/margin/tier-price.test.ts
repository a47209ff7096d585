import { describe, expect, test } from 'vitest';
import { okxMargin } from '../../exchanges/okx/margin.ts';
import { binanceMargin } from '../../exchanges/binance/margin.ts';
import { price, qty, ratio, usdt } from '../../units/units.ts';
import type { Account, Position } from '../positions/account.ts';
import { buildTierTable } from './maintenance-tiers.ts';
import { crossParts, riskRatio } from './risk-parts.ts';
import { tierPrice } from './tier-price.ts';

const cross = (fields: Partial<Position> & Pick<Position, 'side' | 'qty' | 'entryPrice' | 'markPrice' | 'tiers'>): Position => ({
  symbol: 'BTCUSDT', marginMode: 'cross', takerFeeRate: ratio(0), ...fields,
});

describe('tier prices across tier bounds', () => {
  test('Binance: the liquidation price uses the bracket at the liquidation price, not at the mark', () => {
    // 10 BTC at 60,000 is 600,000 notional: bracket 3 at the mark, bracket 2 below 60,000.
    const tiers = buildTierTable([{ floor: 0, mmr: 0.004 }, { floor: 50_000, mmr: 0.005 }, { floor: 600_000, mmr: 0.0065 }]);
    const p = cross({ side: 'long', qty: qty(10), entryPrice: price(62_000), markPrice: price(61_000), tiers });
    const a: Account = { exchange: 'binance', walletBalance: usdt(60_000), positions: [p] };
    const lp = tierPrice(a, binanceMargin, p, 1) as number;
    expect(lp).toBeLessThan(60_000);
    // Closed form in bracket 2 (mmr 0.005, cum 50): (WB + cum - q*EP) / (q*mmr - q).
    expect(lp).toBeCloseTo((60_000 + 50 - 10 * 62_000) / (10 * 0.005 - 10), 6);
    expect(riskRatio(crossParts(a, binanceMargin, { symbol: 'BTCUSDT', price: lp }))).toBeCloseTo(1, 9);
  });

  test('OKX with a notional table: the whole position jumps to the next rate, so a level can be crossed at the bound', () => {
    // Short 1 BTC: above 100,000 notional the whole position is charged 30 % instead of 1 %.
    const tiers = buildTierTable([{ floor: 0, mmr: 0.01 }, { floor: 100_000, mmr: 0.3 }]);
    const p = cross({ side: 'short', qty: qty(1), entryPrice: price(90_000), markPrice: price(90_000), tiers });
    const a: Account = { exchange: 'okx', walletBalance: usdt(25_000), positions: [p] };
    const before = riskRatio(crossParts(a, okxMargin, { symbol: 'BTCUSDT', price: 99_999.999 }));
    const after = riskRatio(crossParts(a, okxMargin, { symbol: 'BTCUSDT', price: 100_000.001 }));
    expect(before).toBeLessThan(0.5);
    expect(after).toBeGreaterThan(1);
    expect(tierPrice(a, okxMargin, p, 0.5)).toBe(100_000);
    expect(tierPrice(a, okxMargin, p, 1)).toBe(100_000);
  });

  test('Binance isolated: a liquidation price three brackets below the mark', () => {
    // Real BTCUSDT brackets. 100 BTC at 60,000 is 6,000,000 notional (bracket 4, 1 %); at 5,000 it is
    // 500,000 (bracket 2: 0.5 %, cum 50). Long isolated: margin + q (P - E) = q P mmr - cum gives
    // P = (q E - margin - cum) / (q (1 - mmr)); a margin of 5,502,450 puts P at 5,000.
    const tiers = buildTierTable([
      { floor: 0, mmr: 0.004, deduction: 0 },
      { floor: 50_000, mmr: 0.005, deduction: 50 },
      { floor: 600_000, mmr: 0.0065, deduction: 950 },
      { floor: 3_000_000, mmr: 0.01, deduction: 11_450 },
      { floor: 12_000_000, mmr: 0.02, deduction: 131_450 },
    ]);
    const p: Position = {
      ...cross({ side: 'long', qty: qty(100), entryPrice: price(60_000), markPrice: price(60_000), tiers }),
      marginMode: 'isolated', isolatedMargin: usdt(5_502_450),
    };
    expect(tierPrice({ exchange: 'binance', walletBalance: usdt(0), positions: [p] }, binanceMargin, p, 1)).toBeCloseTo(5_000, 6);
  });

  test('a fully collateralised long has no liquidation price', () => {
    const tiers = buildTierTable([{ floor: 0, mmr: 0.004 }]);
    const p: Position = { ...cross({ side: 'long', qty: qty(1), entryPrice: price(50_000), markPrice: price(50_000), tiers }), marginMode: 'isolated', isolatedMargin: usdt(50_000) };
    expect(tierPrice({ exchange: 'binance', walletBalance: usdt(0), positions: [p] }, binanceMargin, p, 1)).toBeNull();
  });
});
