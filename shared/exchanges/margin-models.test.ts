import { describe, expect, test } from 'vitest';
import { buildTierTable, flatTierTable } from '../engine/margin/maintenance-tiers.ts';
import type { Position } from '../engine/positions/account.ts';
import { price, qty, ratio, usdt } from '../units/units.ts';
import { bybitMargin } from './bybit/margin.ts';
import { okxMargin } from './okx/margin.ts';
import { marginModels } from './venues.ts';

/** What each venue's margin model says beyond the vectors: its own ratio, and the branches the vectors do not reach. */

const position = (fields: Partial<Position> = {}): Position => ({
  symbol: 'BTCUSDT', side: 'long', qty: qty(1), entryPrice: price(40_000), markPrice: price(40_000), marginMode: 'isolated',
  isolatedMargin: usdt(800), tiers: flatTierTable(0.005), takerFeeRate: ratio(0.00055), ...fields,
});

describe("each venue's own name and value for the risk ratio", () => {
  test('Binance, Bybit and Hyperliquid state rho itself; OKX states its inverse, mgnRatio', () => {
    expect(marginModels.binance.venueRatio(0.4)).toEqual({ name: 'marginRatio', value: 0.4 });
    expect(marginModels.bybit.venueRatio(0.4)).toEqual({ name: 'accountMMRate', value: 0.4 });
    expect(marginModels.hyperliquid.venueRatio(0.4)).toEqual({ name: 'maintenance/accountValue', value: 0.4 });
    expect(marginModels.okx.venueRatio(0.4)).toEqual({ name: 'mgnRatio', value: 2.5 });
  });

  test('past liquidation (Infinity) is null, never Infinity; OKX has no mgnRatio without a requirement', () => {
    for (const model of Object.values(marginModels)) expect(model.venueRatio(Number.POSITIVE_INFINITY).value).toBeNull();
    expect(okxMargin.venueRatio(0)).toEqual({ name: 'mgnRatio', value: null });
  });

  test('each model names its venue', () => {
    for (const [venue, model] of Object.entries(marginModels)) expect(model.venue).toBe(venue);
  });
});

describe('Bybit branches', () => {
  const tiers = buildTierTable([{ floor: 0, mmr: 0.005 }, { floor: 50_000, mmr: 0.01 }]);

  test('classic isolated charges maintenance on the entry value, so it has no price breakpoints and its qty breakpoints are at entry', () => {
    const classic = position({ accountType: 'classic', tiers, markPrice: price(60_000) });
    // 1 BTC entered at 40,000: 40,000 x 0.5 % = 200 at any mark.
    expect(bybitMargin.requirement(classic, 60_000)).toBeCloseTo(200, 9);
    expect(bybitMargin.priceBreakpoints(classic)).toEqual([]);
    expect(bybitMargin.qtyBreakpoints(classic, 60_000)).toEqual([1.25]);
    // Its equity is margin plus PnL, added margin unscaled.
    expect(bybitMargin.isolatedEquity(classic, 41_000)).toBeCloseTo(800 + 1_000, 9);
    expect(bybitMargin.isolatedTopUpGain(classic)).toBe(1);
  });

  test('classic cross and UTA positions are charged at the mark, with breakpoints at the mark', () => {
    for (const p of [position({ accountType: 'classic', marginMode: 'cross', tiers }), position({ tiers })]) {
      // 1 BTC at 60,000: 60,000 x 1 % - 50,000 x 0.5 % = 350.
      expect(bybitMargin.requirement(p, 60_000)).toBeCloseTo(350, 9);
      expect(bybitMargin.priceBreakpoints(p)).toEqual([50_000]);
      expect(bybitMargin.qtyBreakpoints(p, 60_000)).toEqual([50_000 / 60_000]);
    }
  });

  test('UTA isolated: margin above the initial 800 (50x) counts 1 / (1 - fee) for a long, 1 / (1 + fee) for a short', () => {
    const long = position({ leverage: 50, isolatedMargin: usdt(1_800) });
    expect(bybitMargin.isolatedEquity(long, 40_000)).toBeCloseTo(800 + 1_000 / (1 - 0.00055), 9);
    const short = position({ side: 'short', leverage: 50, isolatedMargin: usdt(1_800) });
    expect(bybitMargin.isolatedEquity(short, 40_000)).toBeCloseTo(800 + 1_000 / (1 + 0.00055), 9);
  });

  test('UTA isolated without a leverage (or a leverage of 0) takes all margin as initial: nothing scaled', () => {
    for (const leverage of [undefined, 0]) {
      const p = position({ isolatedMargin: usdt(1_800), ...(leverage === undefined ? {} : { leverage }) });
      expect(bybitMargin.isolatedEquity(p, 40_000)).toBeCloseTo(1_800, 9);
    }
  });
});

describe('OKX breakpoints', () => {
  test('a notional table jumps at floor / qty; a qty table never moves with the price', () => {
    const byNotional = position({ qty: qty(2), tiers: buildTierTable([{ floor: 0, mmr: 0.01 }, { floor: 100_000, mmr: 0.02 }]) });
    expect(okxMargin.priceBreakpoints(byNotional)).toEqual([50_000]);
    expect(okxMargin.priceBreakpoints({ ...byNotional, tiers: { ...byNotional.tiers, basis: 'qty' } })).toEqual([]);
    expect(okxMargin.priceBreakpoints({ ...byNotional, qty: qty(0) })).toEqual([]);
  });
});
