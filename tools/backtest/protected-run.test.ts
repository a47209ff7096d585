import { describe, expect, it } from 'vitest';
import { createMonitor } from '../../shared/engine/monitor/account-monitor.ts';
import { DEFAULT_STOP_SLIPPAGE, protectiveStop } from '../../shared/engine/margin/protective-stop.ts';
import { marginModels } from '../../shared/exchanges/venues.ts';
import { accountFor } from './backtest-accounts.ts';
import type { BacktestPath } from './backtest-paths.ts';
import { protectedRun } from './protected-run.ts';
import { capitalOf } from './trader-model.ts';

/**
 * The stop trader on paths drawn by hand: a steady fall fills the stop at the first mark past its
 * trigger (with the slippage); a gap from above the trigger to past liquidation in one tick is a
 * liquidation, not a fill (the venue comes first).
 */
const model = marginModels.binance;
const START = Date.UTC(2026, 10, 24, 9, 0);
const MIN = 60_000;
// A quiet day before (0.05 % steps), so the worst minute, and the buffer, are small.
const history = Array.from({ length: 1440 }, (_, k) => [START - (1440 - k) * MIN, { BTCUSDT: 97_000 * (1 + 0.0005 * (k % 2)), ETHUSDT: 3_000 }] as const);
const pathOf = (prices: readonly number[]): BacktestPath => ({
  family: 'crash',
  seed: 0,
  history,
  ticks: prices.map((p, k) => [START + k * MIN, { BTCUSDT: p, ETHUSDT: 3_000 }] as const),
});
const rule = { delayMs: 10 * MIN, targetRho: 0.5, sizing: 'topup' } as const;
const isolated = accountFor({ leverage: 20, shape: 'isolated-long' }, { BTCUSDT: 97_000, ETHUSDT: 3_000 });

describe('protectedRun', () => {
  it('a steady fall fills the stop at the first mark past the trigger, worse by the slippage, and the rest is safe', () => {
    const monitor = createMonitor({ account: isolated, model, history, options: { accountId: 'b' } });
    const stop = protectiveStop(isolated, model, isolated.positions[0]!, { worstMinuteMove: 0.001 });
    if (stop.kind !== 'stop') throw new Error(`expected a stop, got ${stop.kind}`);
    // 0.2 % a minute down to 10 % below: through the trigger and far past the liquidation price.
    const prices = Array.from({ length: 60 }, (_, k) => 97_000 * (1 - 0.002 * k));
    const r = protectedRun(pathOf(prices), monitor, rule, { kind: 'with-position' });
    expect(r.stopsPlaced).toBe(1);
    expect(r.stopsFilled).toBe(1);
    expect(r.liquidatedAt).toBeNull();
    // Isolated: the engine's stop closes it all, at the first mark at or below the trigger less the slippage.
    const firstPast = prices.find((p) => p <= stop.triggerPrice)!;
    const fill = firstPast * (1 - DEFAULT_STOP_SLIPPAGE);
    const fee = 0.0005 * fill;
    expect(r.account.positions).toHaveLength(0);
    expect(r.realisedUsdt).toBeCloseTo(fill - 97_000 - fee, 4);
    expect(capitalOf(r.account)).toBeCloseTo(capitalOf(isolated) + r.realisedUsdt, 6);
  });

  it('a gap from above the trigger to past liquidation in one tick is a liquidation', () => {
    const monitor = createMonitor({ account: isolated, model, history, options: { accountId: 'b' } });
    const prices = [97_000, 97_000, 97_000 * 0.9, 97_000 * 0.9];
    const r = protectedRun(pathOf(prices), monitor, rule, { kind: 'with-position' });
    expect(r.stopsPlaced).toBe(1);
    expect(r.stopsFilled).toBe(0);
    expect(r.liquidatedAt).toBe(START + 2 * MIN);
  });

  it('placed when first warned: nothing is placed before a notice; a steady fall is warned early enough to place and fill it', () => {
    const monitor = createMonitor({ account: isolated, model, history, options: { accountId: 'b' } });
    const calm = protectedRun(pathOf(Array.from({ length: 30 }, () => 97_000)), monitor, rule, { kind: 'after-notice', delayMs: 0 });
    expect(calm.stopsPlaced).toBe(0);
    // With the 4 h forecast rule and the trend term the first notice comes while the mark is still
    // outside the buffer (with the old 1 h rule it came inside it and nothing could be placed).
    const prices = Array.from({ length: 60 }, (_, k) => 97_000 * (1 - 0.002 * k));
    const warned = protectedRun(pathOf(prices), monitor, rule, { kind: 'after-notice', delayMs: 0 });
    expect(warned.stopsPlaced).toBe(1);
    expect(warned.stopsFilled).toBe(1);
    expect(warned.liquidatedAt).toBeNull();
  });

  it('placed when first warned: none when the first notice finds the mark already inside the buffer', () => {
    const monitor = createMonitor({ account: isolated, model, history, options: { accountId: 'b' } });
    const stop = protectiveStop(isolated, model, isolated.positions[0]!, { worstMinuteMove: 0.001 });
    if (stop.kind !== 'stop') throw new Error(`expected a stop, got ${stop.kind}`);
    // Flat, then one step to between the liquidation price and the trigger, then down past liquidation.
    const inside = (stop.liquidationPrice + stop.triggerPrice) / 2;
    const prices = [...Array.from({ length: 5 }, () => 97_000), ...Array.from({ length: 20 }, (_, k) => inside * (1 - 0.002 * k))];
    const warned = protectedRun(pathOf(prices), monitor, rule, { kind: 'after-notice', delayMs: 0 });
    expect(warned.stopsPlaced).toBe(0);
    expect(warned.liquidatedAt).not.toBeNull();
  });
});
