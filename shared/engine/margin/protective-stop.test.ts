import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { binanceMargin } from '../../exchanges/binance/margin.ts';
import { marginModels } from '../../exchanges/venues.ts';
import { price, qty, ratio, usdt } from '../../units/units.ts';
import { VENUE_IDS, type Account, type Position } from '../positions/account.ts';
import { buildTierTable, flatTierTable } from './maintenance-tiers.ts';
import { protectiveStop, restParts, stopBuffer, stopFill } from './protective-stop.ts';
import { partsFor, riskRatio } from './risk-parts.ts';
import { tierPrice } from './tier-price.ts';

/**
 * The protective stop on accounts small enough to solve by hand (each figure derived in the comment
 * above it), then properties over random accounts on every venue: filled at its price with the
 * slippage, the stop leaves rho below the liquidation tier and the rest within its limit at the old
 * liquidation price; and what a gap does.
 */

const long = (q: number, fields: Partial<Position> = {}): Position => ({
  symbol: 'BTCUSDT', side: 'long', qty: qty(q), entryPrice: price(100), markPrice: price(100), marginMode: 'cross',
  tiers: flatTierTable(0.01), takerFeeRate: ratio(0), ...fields,
});
const account = (wallet: number, positions: Position[]): Account => ({ exchange: 'binance', walletBalance: usdt(wallet), positions });

describe('protectiveStop(): worked examples', () => {
  // 10 BTC long at 100, 1 % maintenance, cross wallet 109: requirement 0.1 P, equity 109 + 10 (P - 100),
  // so liquidation at 0.1 L = 10 L - 891, L = 90. Worst minute 2 %, slippage 0.5 %: buffer
  // 1.5 x 0.02 + 0.005 = 0.035, trigger 90 x 1.035 = 93.15, fill 93.15 x 0.995 = 92.68425.
  // Keeping k and closing 10 - k at the fill, the rest at 90 has requirement 0.9 k and equity
  // 109 - 7.31575 (10 - k) - 10 k = 35.8425 - 2.68425 k; rho 0.8 when 0.9 k = 0.8 (35.8425 - 2.68425 k),
  // k = 28.674 / 3.0474 = 9.40933...: close 0.59066... (rounded up to 8 decimals).
  const p = long(10);
  const a = account(109, [p]);

  test('cross long: trigger, fill and the smallest quantity', () => {
    const s = protectiveStop(a, binanceMargin, p, { worstMinuteMove: 0.02, slippage: 0.005 });
    if (s.kind !== 'stop') throw new Error(`expected a stop, got ${s.kind}`);
    expect(s.liquidationPrice).toBeCloseTo(90, 9);
    expect(s.bufferFraction).toBeCloseTo(0.035, 12);
    expect(s.triggerPrice).toBeCloseTo(93.15, 9);
    expect(s.fillPrice).toBeCloseTo(92.68425, 9);
    const closed = 10 - 28.674 / 3.0474;
    expect(s.qty).toBeGreaterThanOrEqual(closed);
    expect(s.qty).toBeLessThan(closed + 1e-8 + 1e-12);
    expect(s.closesPosition).toBe(false);
    expect(s.restRiskRatio).toBeCloseTo(0.8, 6);
    // The rest's own liquidation: 0.01 x 9.40933 x L' = equity at L' of the rest.
    expect(s.restLiquidationPrice).not.toBeNull();
    expect(s.restLiquidationPrice!).toBeLessThan(90);
  });

  test('with a taker fee, more must be closed (the fee is paid from the same wallet)', () => {
    const withFee = long(10, { takerFeeRate: ratio(0.001) });
    const s = protectiveStop(account(109, [withFee]), binanceMargin, withFee, { worstMinuteMove: 0.02, slippage: 0.005 });
    const free = protectiveStop(a, binanceMargin, p, { worstMinuteMove: 0.02, slippage: 0.005 });
    if (s.kind !== 'stop' || free.kind !== 'stop') throw new Error('expected stops');
    expect(s.feeUsdt).toBeCloseTo(0.001 * s.qty * s.fillPrice, 12);
    expect(s.qty).toBeGreaterThan(free.qty);
  });

  test('cross short mirrors it: the trigger is above the mark', () => {
    // Short 10 at 100, wallet 91: equity 91 - 10 (P - 100), requirement 0.1 P: L = 1091 / 10.1 = 108.0198...
    const short = long(10, { side: 'short' });
    const s = protectiveStop(account(91, [short]), binanceMargin, short, { worstMinuteMove: 0.01, slippage: 0.002 });
    if (s.kind !== 'stop') throw new Error(`expected a stop, got ${s.kind}`);
    expect(s.liquidationPrice).toBeCloseTo(1091 / 10.1, 9);
    expect(s.triggerPrice).toBeCloseTo((1091 / 10.1) * (1 - 0.017), 9);
    expect(s.fillPrice).toBeGreaterThan(s.triggerPrice);
    expect(s.restRiskRatio).toBeLessThanOrEqual(0.8 + 1e-9);
  });

  test('isolated: closing part releases margin in proportion, so the stop closes it all', () => {
    // Isolated 10 at 100 with margin 109: liquidation at 90 as above; any rest k has requirement 0.9 k
    // and equity 10.9 k - 10 k = 0.9 k at 90, rho 1 whatever k: only closing everything helps.
    const iso = long(10, { marginMode: 'isolated', isolatedMargin: usdt(109) });
    const s = protectiveStop(account(0, [iso]), binanceMargin, iso, { worstMinuteMove: 0.02 });
    if (s.kind !== 'stop') throw new Error(`expected a stop, got ${s.kind}`);
    expect(s.closesPosition).toBe(true);
    expect(s.qty).toBe(10);
    expect(s.restRiskRatio).toBe(0);
    expect(s.restLiquidationPrice).toBeNull();
  });

  test('inside the buffer: too close for a stop', () => {
    // Wallet 10.9: L = 989.1 / 9.9 = 99.909..., 0.1 % below the mark; a 2 % buffer puts the trigger above the mark.
    const s = protectiveStop(account(10.9, [p]), binanceMargin, p, { worstMinuteMove: 0.02 });
    expect(s.kind).toBe('too-close');
  });

  test('nothing to protect: no positive mark liquidates a fully collateralised long', () => {
    expect(protectiveStop(account(1_000, [p]), binanceMargin, p, { worstMinuteMove: 0.02 }).kind).toBe('none-needed');
    expect(protectiveStop(account(109, [long(0)]), binanceMargin, long(0), { worstMinuteMove: 0.02 }).kind).toBe('none-needed');
  });

  test('cross: a loss elsewhere in the pool that the stop cannot cover is said, not hidden', () => {
    // ETH short deep in loss at its frozen mark keeps the pool near liquidation whatever BTC does.
    const eth: Position = { ...long(10, { side: 'short', entryPrice: price(50), symbol: 'ETHUSDT' }) };
    const s = protectiveStop(account(505, [p, eth]), binanceMargin, p, { worstMinuteMove: 0.001 });
    expect(['unreachable', 'too-close', 'stop']).toContain(s.kind);
    if (s.kind === 'stop') expect(s.restRiskRatio).toBeLessThanOrEqual(0.8 + 1e-9);
  });

  test('unknown history: a 1 % worst minute is assumed, and a wider history widens the buffer', () => {
    expect(stopBuffer(null, 0.003)).toBeCloseTo(0.018, 12);
    expect(stopBuffer(0.05, 0.003)).toBeGreaterThan(stopBuffer(0.01, 0.003));
    expect(stopBuffer(0, 0.003)).toBeCloseTo(0.0045, 12);
  });

  test('gaps fill worse: at the liquidation price the rest survives, one tick past it the venue liquidates first', () => {
    const s = protectiveStop(a, binanceMargin, p, { worstMinuteMove: 0.02, slippage: 0.005 });
    if (s.kind !== 'stop') throw new Error('expected a stop');
    // Filled at its price: the rest at the fill is well below the tier.
    const atFill = stopFill(a, p, s.fillPrice, s.qty);
    expect(riskRatio(restParts(atFill, binanceMargin, p, s.fillPrice))).toBeLessThan(0.8);
    // A gap of the whole buffer fills at 90: the PnL realised there is 7.31575 x 0.59 worse, so the
    // rest at 90 is above the 0.8 limit but, with no fee, still below 1 (closing frees its requirement).
    const atLiquidation = stopFill(a, p, 90, s.qty);
    const rho = riskRatio(restParts(atLiquidation, binanceMargin, p, 90));
    expect(rho).toBeGreaterThan(0.8);
    expect(rho).toBeLessThan(1);
    // One per cent past it, the whole position is past liquidation before the stop can fill: the
    // venue's liquidation comes first (the backtest counts that path as liquidated).
    expect(riskRatio(partsFor({ ...a, positions: [{ ...p, markPrice: price(89.1) }] }, binanceMargin, p))).toBeGreaterThan(1);
  });
});

describe('protectiveStop(): properties on every venue', () => {
  const SEED = 20261126;
  const arb = fc.constantFrom(...VENUE_IDS).chain((venue) =>
    fc
      .record({
        side: fc.constantFrom('long' as const, 'short' as const),
        isolated: fc.boolean(),
        q: fc.double({ min: 0.01, max: 40, noNaN: true }),
        entry: fc.double({ min: 1, max: 80_000, noNaN: true }),
        rho: fc.double({ min: 0.02, max: 0.6, noNaN: true }),
        step: fc.double({ min: 0.0005, max: 0.01, noNaN: true }),
        width: fc.double({ min: 1_000, max: 2_000_000, noNaN: true }),
        fee: fc.integer({ min: 0, max: 100 }).map((x) => x / 100_000),
        worst: fc.oneof(fc.constant(null), fc.double({ min: 0, max: 0.05, noNaN: true })),
        slippage: fc.double({ min: 0, max: 0.01, noNaN: true }),
      })
      .map((r) => {
        const model = marginModels[venue];
        const base: Position = {
          symbol: 'AAA', side: r.side, qty: qty(r.q), entryPrice: price(r.entry), markPrice: price(r.entry),
          marginMode: r.isolated ? 'isolated' : 'cross', leverage: 20,
          tiers: buildTierTable([{ floor: 0, mmr: 0.004 }, { floor: r.width, mmr: 0.004 + r.step }], venue === 'okx' ? 'qty' : 'notional'),
          takerFeeRate: ratio(r.fee),
          ...(r.isolated ? { isolatedMargin: usdt(0) } : {}),
        };
        // Collateral set so rho at the mark is r.rho (opened at the mark: no PnL).
        const need = model.requirement(base, base.markPrice) / r.rho;
        const p: Position = r.isolated ? { ...base, isolatedMargin: usdt(need / model.isolatedTopUpGain(base)) } : base;
        const acct: Account = { exchange: venue, walletBalance: usdt(r.isolated ? 0 : need), positions: [p] };
        return { model, p, acct, worst: r.worst, slippage: r.slippage };
      }),
  );

  test('filled at its price with the slippage, rho stays below the liquidation tier and the rest within its limit', () => {
    let stops = 0;
    fc.assert(
      fc.property(arb, ({ model, p, acct, worst, slippage }) => {
        const s = protectiveStop(acct, model, p, { worstMinuteMove: worst, slippage });
        for (const v of Object.values(s)) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
        if (s.kind !== 'stop') return;
        stops += 1;
        const falls = s.liquidationPrice < p.markPrice;
        expect(falls ? s.triggerPrice < p.markPrice && s.triggerPrice > s.liquidationPrice : s.triggerPrice > p.markPrice && s.triggerPrice < s.liquidationPrice).toBe(true);
        expect(s.qty).toBeGreaterThan(0);
        expect(s.qty).toBeLessThanOrEqual(p.qty);
        const after = stopFill(acct, p, s.fillPrice, s.qty);
        expect(riskRatio(restParts(after, model, p, s.fillPrice))).toBeLessThan(1);
        expect(riskRatio(restParts(after, model, p, s.liquidationPrice))).toBeLessThanOrEqual(0.8 + 1e-6);
        // Closing less would not do (the quantity is the smallest, to 1e-4 of the position).
        if (!s.closesPosition && s.qty > p.qty * 1e-3) {
          const less = stopFill(acct, p, s.fillPrice, s.qty - p.qty * 1e-4);
          expect(riskRatio(restParts(less, model, p, s.liquidationPrice))).toBeGreaterThan(0.8 - 1e-9);
        }
        expect(tierPrice(acct, model, p, 1)).toBeCloseTo(s.liquidationPrice, 6);
      }),
      { numRuns: 300, seed: SEED },
    );
    expect(stops, 'runs that produced a stop').toBeGreaterThan(150);
  });
});
