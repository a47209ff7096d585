import { describe, expect, test } from 'vitest';
import { binanceMargin } from '../../exchanges/binance/margin.ts';
import { bybitMargin } from '../../exchanges/bybit/margin.ts';
import { okxMargin } from '../../exchanges/okx/margin.ts';
import { price, qty, ratio, usdt } from '../../units/units.ts';
import type { Account, Position, VenueId } from '../positions/account.ts';
import { buildTierTable, flatTierTable } from './maintenance-tiers.ts';
import type { MarginModel } from './margin-model.ts';
import { partsFor, riskRatio } from './risk-parts.ts';
import { reduction, topUpAmount } from './suggested-actions.ts';

/**
 * The suggested reduction and top-up on accounts small enough to solve by hand; each expected figure
 * is derived in the comment above it. Positions are opened at their mark (no unrealised PnL), so
 * equity is the wallet (cross) or the isolated margin.
 */

const long = (q: number, fields: Partial<Position> = {}): Position => ({
  symbol: 'BTCUSDT', side: 'long', qty: qty(q), entryPrice: price(100), markPrice: price(100), marginMode: 'cross',
  tiers: flatTierTable(0.01), takerFeeRate: ratio(0), ...fields,
});

const account = (exchange: VenueId, wallet: number, positions: Position[]): Account => ({ exchange, walletBalance: usdt(wallet), positions });

/** rho after closing `closed` of position `i` at its mark, the fee paid from the wallet (cross). */
function rhoAfterClosing(a: Account, model: MarginModel, i: number, closed: number, feeUsdt: number): number {
  const p = a.positions[i]!;
  const keep = p.qty - closed;
  const reduced: Position = {
    ...p,
    qty: qty(keep),
    ...(p.isolatedMargin !== undefined ? { isolatedMargin: usdt((p.isolatedMargin * keep) / p.qty) } : {}),
  };
  const after: Account = {
    ...a,
    walletBalance: usdt(a.walletBalance - (p.marginMode === 'cross' ? feeUsdt : 0)),
    positions: a.positions.map((o, j) => (j === i ? reduced : o)),
  };
  return riskRatio(partsFor(after, model, reduced));
}

describe('reduction(): the smallest quantity to close', () => {
  test('cross, flat rate, with a taker fee: the fee paid on the closed part is counted', () => {
    // 10 BTC at 100, 1 % maintenance: requirement = k for k BTC kept. Wallet 12.8, fee 0.2 %, so
    // closing 10 - k costs 0.2 x (10 - k). rho = 0.5 when k = 0.5 x (12.8 - 0.2 x (10 - k)), i.e.
    // 0.9 k = 5.4, k = 6: close 4, fee 0.002 x 4 x 100 = 0.8. (Without the fee: k = 6.4, close 3.6.)
    const p = long(10, { takerFeeRate: ratio(0.002) });
    const a = account('binance', 12.8, [p]);
    const r = reduction(a, binanceMargin, p, 0.5);
    expect(r).toEqual({ kind: 'reduce', qty: 4, feeUsdt: expect.closeTo(0.8, 9), closesPosition: false });
    expect(rhoAfterClosing(a, binanceMargin, 0, 4, 0.8)).toBeCloseTo(0.5, 9);
  });

  test('cross, flat rate, no fee: the same account needs less closed', () => {
    // As above with fee 0: k = 0.5 x 12.8 = 6.4, close 3.6.
    const p = long(10);
    const r = reduction(account('binance', 12.8, [p]), binanceMargin, p, 0.5);
    expect(r).toEqual({ kind: 'reduce', qty: 3.6, feeUsdt: 0, closesPosition: false });
  });

  test('cross, a lower tier reached by reducing, with a fee', () => {
    // Tiers: 1 % from 0, 5 % from 500 notional (deduction 500 x 4 % = 20). 10 BTC at 100 = 1,000:
    // MM = 50 - 20 = 30. Wallet 40.2, fee 0.1 %. Keeping k >= 5: MM = 5k - 20, equity = 40.2 - 0.1 x (10 - k);
    // rho = 0.5 at 5k - 20 = 0.5 x (39.2 + 0.1 k), i.e. 4.95 k = 39.6, k = 8: close 2, fee 0.2.
    const tiers = buildTierTable([{ floor: 0, mmr: 0.01 }, { floor: 500, mmr: 0.05 }]);
    const p = long(10, { tiers, takerFeeRate: ratio(0.001) });
    const a = account('binance', 40.2, [p]);
    const r = reduction(a, binanceMargin, p, 0.5);
    expect(r.kind).toBe('reduce');
    if (r.kind !== 'reduce') return;
    expect(r.qty).toBeCloseTo(2, 7);
    expect(r.feeUsdt).toBeCloseTo(0.2, 7);
    expect(rhoAfterClosing(a, binanceMargin, 0, r.qty, r.feeUsdt)).toBeLessThanOrEqual(0.5 + 1e-12);
  });

  test('OKX cross: the fee is in the requirement (liquidation fee) and in the cost of closing', () => {
    // 1 % + 0.1 % fee on 100 per BTC: requirement 1.1 k. Wallet 19.9, closing costs 0.1 x (10 - k).
    // 1.1 k = 0.5 x (19.9 - 0.1 x (10 - k)) gives 1.05 k = 9.45, k = 9: close 1, fee 0.1.
    const p = long(10, { takerFeeRate: ratio(0.001) });
    const a = account('okx', 19.9, [p]);
    const r = reduction(a, okxMargin, p, 0.5);
    expect(r.kind).toBe('reduce');
    if (r.kind !== 'reduce') return;
    expect(r.qty).toBeCloseTo(1, 7);
    expect(r.feeUsdt).toBeCloseTo(0.1, 7);
    expect(r.closesPosition).toBe(false);
  });

  test('cross: unreachable when the other positions alone keep rho above target', () => {
    // ETH alone needs 10 (1,000 notional at 1 %) against a wallet of 15: rho 0.67 > 0.5 with BTC closed.
    const btc = long(10, { takerFeeRate: ratio(0.001) });
    const eth = long(10, { symbol: 'ETHUSDT' });
    const r = reduction(account('binance', 15, [btc, eth]), binanceMargin, btc, 0.5);
    expect(r).toEqual({ kind: 'unreachable', reason: expect.stringMatching(/other positions keep the risk ratio above target/) });
  });

  test('a position of size 0 has nothing to reduce, even in a pool above target', () => {
    const empty = long(0);
    const eth = long(10, { symbol: 'ETHUSDT' });
    expect(reduction(account('binance', 15, [empty, eth]), binanceMargin, empty, 0.5)).toEqual({ kind: 'none-needed' });
  });

  test('cross: nothing to do at or below target', () => {
    // Requirement 10 against 20: rho exactly 0.5.
    const p = long(10, { takerFeeRate: ratio(0.001) });
    expect(reduction(account('binance', 20, [p]), binanceMargin, p, 0.5)).toEqual({ kind: 'none-needed' });
  });

  test('isolated: only a lower tier helps; the margin is released in proportion and the fee is not taken from it', () => {
    // Same tiers; 10 BTC at 100 isolated with 40 margin: rho = 30 / 40 = 0.75. Keeping k >= 5 BTC:
    // (5k - 20) / 4k = 0.5 at k = 20 / 3: close 10/3, rounded up to 3.33333334; fee 0.1 % of 333.333334.
    const tiers = buildTierTable([{ floor: 0, mmr: 0.01 }, { floor: 500, mmr: 0.05 }]);
    const p = long(10, { marginMode: 'isolated', isolatedMargin: usdt(40), tiers, takerFeeRate: ratio(0.001) });
    const a = account('binance', 0, [p]);
    const r = reduction(a, binanceMargin, p, 0.5);
    expect(r).toEqual({ kind: 'reduce', qty: 3.33333334, feeUsdt: expect.closeTo(0.333333334, 12), closesPosition: false });
    expect(rhoAfterClosing(a, binanceMargin, 0, r.kind === 'reduce' ? r.qty : 0, 0)).toBeLessThanOrEqual(0.5);
  });

  test('isolated at one rate: rho does not change with size, so the answer is to close it', () => {
    // 5 % of 1,000 = 50 against 60: rho 0.83 for any size kept.
    const p = long(10, { marginMode: 'isolated', isolatedMargin: usdt(60), tiers: flatTierTable(0.05), takerFeeRate: ratio(0.001) });
    expect(reduction(account('binance', 0, [p]), binanceMargin, p, 0.5)).toEqual({ kind: 'reduce', qty: 10, feeUsdt: expect.closeTo(1, 12), closesPosition: true });
  });
});

describe('topUpAmount(): collateral to reach the target', () => {
  test('requirement / target - equity, rounded up to the cent', () => {
    expect(topUpAmount({ requirement: 10, equity: 12.8 }, 0.5)).toBeCloseTo(7.2, 9);
    expect(topUpAmount({ requirement: 10, equity: 12.801 }, 0.5)).toBeCloseTo(7.2, 9);
    expect(topUpAmount({ requirement: 10, equity: 12.799 }, 0.5)).toBeCloseTo(7.21, 9);
    expect(topUpAmount({ requirement: 10, equity: 20 }, 0.5)).toBe(0);
    expect(topUpAmount({ requirement: 0, equity: -5 }, 0.5)).toBe(0);
  });

  test('Bybit UTA isolated long: added margin counts 1 / (1 - fee), so less is needed', () => {
    // MM 0.5 % of 40,000 = 200; margin 800 (50x initial) + 0 extra: rho 0.25. Target 0.2 needs equity 1,000,
    // 200 more; each USDT added counts 1 / (1 - 0.00055), so 200 x 0.99945 = 199.89.
    const p: Position = {
      ...long(1, { entryPrice: price(40_000), markPrice: price(40_000) }),
      marginMode: 'isolated', isolatedMargin: usdt(800), leverage: 50, tiers: flatTierTable(0.005), takerFeeRate: ratio(0.00055),
    };
    const parts = partsFor(account('bybit', 0, [p]), bybitMargin, p);
    expect(parts).toEqual({ requirement: expect.closeTo(200, 9), equity: expect.closeTo(800, 9) });
    expect(topUpAmount(parts, 0.2, bybitMargin.isolatedTopUpGain(p))).toBeCloseTo(199.89, 9);
  });
});
