import { describe, expect, test } from 'vitest';
import { binanceMargin } from '../../exchanges/binance/margin.ts';
import { price, qty, ratio, usdt } from '../../units/units.ts';
import type { Account, Position } from '../positions/account.ts';
import { evaluateAccount } from './evaluate-account.ts';
import { flatTierTable } from './maintenance-tiers.ts';

/**
 * One position solved by hand. Long 10 at 100 (entered at 110), 1 % maintenance, wallet 200:
 * equity = 200 - 100 = 100, requirement = 10, rho = 0.1. At price P: rho = 0.1 P / (200 + 10 (P - 110))
 * = 0.1 P / (10 P - 900), so rho = k at P = 900 k / (10 k - 0.1): k = 1 -> 90.909..., 0.5 -> 91.837...
 */
const p: Position = {
  symbol: 'BTCUSDT', side: 'long', qty: qty(10), entryPrice: price(110), markPrice: price(100), marginMode: 'cross',
  tiers: flatTierTable(0.01), takerFeeRate: ratio(0.001),
};
const account: Account = { exchange: 'binance', walletBalance: usdt(200), positions: [p] };
const at = (k: number) => (900 * k) / (10 * k - 0.1);

describe('evaluateAccount on one position', () => {
  const risk = evaluateAccount(account, binanceMargin, { callLevels: [0.9, 0.5] });
  const pr = risk.positions[0]!;

  test('account figures', () => {
    expect(risk).toMatchObject({ exchange: 'binance', equity: 100, maintenanceMargin: 10, riskRatio: 0.1, worstRiskRatio: 0.1 });
    expect(risk.venueRatio).toEqual({ name: 'marginRatio', value: 0.1 });
  });

  test('levels sorted with liquidation added; the target defaults to the lowest call level', () => {
    expect(risk.levels).toEqual([0.5, 0.9, 1]);
    expect(risk.target).toBe(0.5);
    expect(evaluateAccount(account, binanceMargin, { callLevels: [0.9, 0.5], target: 0.3 }).target).toBe(0.3);
  });

  test('position figures: notional at mark, PnL, tier prices and their distance from the mark', () => {
    expect(pr).toMatchObject({ notional: 1_000, unrealisedPnl: -100, maintenanceMargin: 10, riskRatio: 0.1, topUp: 0 });
    expect(pr.tierPrices['1']).toBeCloseTo(at(1), 9);
    expect(pr.tierPrices['0.5']).toBeCloseTo(at(0.5), 9);
    expect(pr.liquidationPrice).toBe(pr.tierPrices['1']);
    expect(pr.tierDistances['1']).toBeCloseTo((at(1) - 100) / 100, 12);
    expect(pr.tierDistances['0.9']).toBeCloseTo((at(0.9) - 100) / 100, 12);
    expect(pr.reduction).toEqual({ kind: 'none-needed' });
  });

  test('a level no price reaches has a null price and a null distance', () => {
    // Fully collateralised: wallet 2,000 against 1,000 notional; rho stays below 0.5 at every price.
    const safe = evaluateAccount({ ...account, walletBalance: usdt(2_000) }, binanceMargin).positions[0]!;
    expect(safe.tierPrices['1']).toBeNull();
    expect(safe.tierDistances['1']).toBeNull();
    expect(safe.liquidationPrice).toBeNull();
  });

  test('JSON carries every figure, the searched ones included', () => {
    const json = JSON.parse(JSON.stringify(pr)) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(
      ['symbol', 'side', 'marginMode', 'qty', 'markPrice', 'notional', 'unrealisedPnl', 'maintenanceMargin', 'riskRatio', 'liquidationPrice', 'tierPrices', 'tierDistances', 'topUp', 'reduction'].sort(),
    );
    expect(json['liquidationPrice']).toBeCloseTo(at(1), 9);
    expect(json['tierDistances']).toEqual(pr.tierDistances);
  });
});

describe('evaluateAccount with an isolated position beside the cross pool', () => {
  test('the badge shows the worst ratio of the pool and every isolated position', () => {
    // The isolated position: 1 % of 1,000 = 10 against 12.5 of margin, rho 0.8; the pool stays at 0.1.
    const isolated: Position = { ...p, symbol: 'ETHUSDT', entryPrice: price(100), marginMode: 'isolated', isolatedMargin: usdt(12.5) };
    const risk = evaluateAccount({ ...account, positions: [p, isolated] }, binanceMargin);
    expect(risk.riskRatio).toBeCloseTo(0.1, 12);
    expect(risk.positions[1]!.riskRatio).toBeCloseTo(0.8, 12);
    expect(risk.worstRiskRatio).toBeCloseTo(0.8, 12);
  });
});
