import { describe, expect, it } from 'vitest';
import { journalEntries } from './journal.ts';
import type { PositionRow, VenueView } from './view-model.ts';

const row = (symbol: string, riskRatio: number): PositionRow => ({
  symbol, side: 'long', marginMode: 'cross', qty: 1, entryPrice: 1, markPrice: 1, notional: 1, unrealisedPnl: 0, riskRatio,
  tier: 'safe', liquidationPrice: null, venueLiquidationPrice: null, tierPrices: {}, topUp: 0, reduceQty: null, reductionNote: '',
});
const view = (over: Partial<VenueView> & { tier?: 'safe' | 'watch' | 'margin call'; rho?: number }): VenueView => ({
  venue: 'binance',
  connections: { public: 'ready', private: 'ready' },
  stale: [],
  counters: { framesIn: 0, framesOut: 0, malformed: 0, dropped: 0, venueErrors: 0, reconnects: 0, snapshots: 1, restFailures: 0 },
  missing: [],
  account: { walletBalance: 1, equity: 1, maintenanceMargin: 1, riskRatio: over.rho ?? 0.1, worstRiskRatio: over.rho ?? 0.1, tier: over.tier ?? 'safe', venueRatio: { name: 'marginRatio', value: 0.1 }, target: 0.5 },
  positions: [row('BTCUSDT', 0.1), row('ETHUSDT', 0.1)],
  lastMarginCall: null,
  ...over,
});

describe('demo journal', () => {
  it('says when a tier is crossed, a position disappears, marks go stale, a socket drops, the venue calls', () => {
    const before = [view({})];
    const after = [view({ tier: 'margin call', rho: 0.81, positions: [row('BTCUSDT', 0.81)], stale: ['ETHUSDT'], connections: { public: 'ready', private: 'down' }, lastMarginCall: 'BTCUSDT' })];
    expect(journalEntries(before, after, 42).map((e) => [e.text, e.severity])).toEqual([
      ['private socket down, reconnecting', 'warn'],
      ['no mark for ETHUSDT: data stale', 'warn'],
      ['safe → margin call (worst ρ 0.810)', 'alarm'],
      ['ETHUSDT long cross closed by the venue (last ρ 0.100)', 'alarm'],
      ['venue margin call: BTCUSDT', 'alarm'],
    ]);
    expect(journalEntries(after, before, 43).map((e) => e.text)).toEqual(['private socket back', 'marks back for ETHUSDT', 'margin call → safe (worst ρ 0.100)']);
    expect(journalEntries(before, before, 44)).toEqual([]);
    const emptied = [view({ tier: 'safe', rho: 0, positions: [] })];
    expect(journalEntries(after, emptied, 45).map((e) => e.text)).toEqual(['private socket back', 'marks back for ETHUSDT', 'BTCUSDT long cross closed by the venue (last ρ 0.810)']);
  });
});
