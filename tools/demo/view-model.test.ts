import { describe, expect, it } from 'vitest';
import { buildTierTable } from '../../shared/engine/margin/maintenance-tiers.ts';
import { applyVenueEvents, emptyAccountState } from '../../shared/engine/positions/account-state.ts';
import type { FeedHealth } from '../../shared/engine/positions/feed-notices.ts';
import { epochMs, price, qty, usdt } from '../../shared/units/units.ts';
import { summaryLine, tierOf, venueView } from './view-model.ts';

const health: FeedHealth = {
  connections: { public: 'ready', private: 'ready' },
  stale: [],
  counters: { framesIn: 1, framesOut: 0, malformed: 0, dropped: 0, venueErrors: 0, reconnects: 0, snapshots: 1, restFailures: 0 },
};

const stateAt = (mark: number) =>
  applyVenueEvents(emptyAccountState('binance'), [
    { kind: 'positions', mode: 'snapshot', open: [{ key: 'BTCUSDT:BOTH', symbol: 'BTCUSDT', side: 'long', qty: qty(1), entryPrice: price(60_000), marginMode: 'cross', venueLiquidationPrice: price(55_100) }], closed: [], time: epochMs(1) },
    { kind: 'balance', walletBalance: usdt(5_000), includesIsolatedMargin: false, time: epochMs(1) },
    { kind: 'tiers', tables: [{ symbol: 'BTCUSDT', table: buildTierTable([{ floor: 0, mmr: 0.01 }]) }], fetchedAt: epochMs(1) },
    { kind: 'mark', symbol: 'BTCUSDT', price: price(mark), time: epochMs(2), source: 'mark' },
  ]);

describe('demo view model', () => {
  it('a complete account: figures, tier, the venue liquidation beside ours, JSON without NaN or Infinity', () => {
    const view = venueView(stateAt(59_000), health, { takerFeeRate: 0.0005 });
    expect(view.missing).toEqual([]);
    // rho = 590 / (5,000 - 1,000) by Binance's definition.
    expect(view.account!.riskRatio).toBeCloseTo(590 / 4_000, 12);
    expect(view.account!.tier).toBe('safe');
    expect(view.positions[0]).toMatchObject({ symbol: 'BTCUSDT', entryPrice: 60_000, markPrice: 59_000, venueLiquidationPrice: 55_100, tier: 'safe' });
    // Liquidation: 5,000 + (P - 60,000) = 0.01 P.
    expect(view.positions[0]!.liquidationPrice).toBeCloseTo(55_000 / 0.99, 6);
    const past = venueView(stateAt(50_000), health, { takerFeeRate: 0.0005 });
    expect(past.account!.tier).toBe('liquidation');
    expect(past.positions[0]!.riskRatio).toBe(null);
    expect(JSON.stringify(past)).not.toMatch(/NaN|Infinity/);
  });

  it('an incomplete account lists what it waits for; the summary line says it too', () => {
    const view = venueView(emptyAccountState('okx'), { ...health, stale: ['BTC-USDT-SWAP'] }, { takerFeeRate: 0.0005 });
    expect(view.account).toBe(null);
    expect(view.missing).toEqual(['balance', 'positions']);
    const line = summaryLine([view, venueView(stateAt(59_000), health, { takerFeeRate: 0.0005 })]);
    expect(line).toBe('okx: waiting (balance, positions) | binance ρ 0.147 safe');
  });

  it('tiers by rho', () => {
    expect([0.1, 0.5, 0.85, 0.95, 1, Infinity].map(tierOf)).toEqual(['safe', 'watch', 'margin call', 'critical', 'liquidation', 'liquidation']);
  });
});
