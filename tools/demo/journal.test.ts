import { describe, expect, it } from 'vitest';
import { DEFAULT_LADDER, levelKey } from '../../shared/engine/alerts/alert-ladder.ts';
import type { AccountReport, PositionReport } from '../../shared/protocol/account-report.ts';
import { epochMs, price, qty, ratio, usdt } from '../../shared/units/units.ts';
import { journalEntries } from './journal.ts';
import type { VenueView } from './view-model.ts';

const row = (symbol: string, rho: number | null): PositionReport => ({
  key: `${symbol}:long`, subject: 'binance:demo:cross', symbol, side: 'long', marginMode: 'cross', status: rho === null ? 'past-liquidation' : 'open',
  qty: qty(1), entryPrice: price(1), markPrice: price(1), leverage: null, notionalUsdt: usdt(1), unrealisedPnlUsdt: usdt(0), isolatedMarginUsdt: null,
  maintenanceMarginUsdt: usdt(0.01), riskRatio: rho === null ? null : ratio(rho), liquidationPrice: null, tiers: [], nextTier: null, sigmaPerSqrtSec: 0.0001,
  reduction: { kind: 'none-needed' }, protectiveStop: { kind: 'none-needed', reason: 'test' }, venueFigure: null,
});
const tierIndex = { safe: -1, watch: 0, 'margin call': 1 } as const;
function report(tier: keyof typeof tierIndex, rho: number, positions: PositionReport[], stale: readonly string[]): AccountReport {
  const rule = DEFAULT_LADDER[tierIndex[tier]];
  return {
    kind: 'account-report', version: 2, builtAt: epochMs(2), evaluatedAt: epochMs(1), dataAgeMs: 1,
    account: { venue: 'binance', accountId: 'binance:demo', mode: 'demo', walletBalanceUsdt: usdt(1), equityUsdt: usdt(1), requirementUsdt: usdt(rho), riskRatio: ratio(rho), worstRiskRatio: ratio(rho), venueRatio: { name: 'marginRatio', value: rho }, targetRiskRatio: ratio(0.5) },
    ladder: DEFAULT_LADDER.map((r) => ({ level: levelKey(r.level), riskRatio: ratio(r.level), name: r.name, severity: r.severity })),
    positions,
    subjects: [],
    alerts: [],
    badge: { tier: rule === undefined ? null : levelKey(rule.level), tierName: rule?.name ?? null, severity: rule?.severity ?? null, stale: stale.length > 0 },
    feed: { connections: null, symbols: ['BTCUSDT', 'ETHUSDT'].map((symbol) => (stale.includes(symbol) ? { symbol, state: 'stale', since: epochMs(1) } : { symbol, state: 'fresh', lastMarkAt: epochMs(1) })), stale: null },
  };
}
const view = (over: { tier?: keyof typeof tierIndex; rho?: number; positions?: PositionReport[]; stale?: string[] } & Partial<VenueView>): VenueView => ({
  venue: 'binance',
  connections: { public: 'ready', private: 'ready' },
  counters: { framesIn: 0, framesOut: 0, malformed: 0, dropped: 0, venueErrors: 0, reconnects: 0, snapshots: 1, restFailures: 0 },
  missing: [],
  report: report(over.tier ?? 'safe', over.rho ?? 0.1, over.positions ?? [row('BTCUSDT', 0.1), row('ETHUSDT', 0.1)], over.stale ?? []),
  lastMarginCall: null,
  ...(over.connections === undefined ? {} : { connections: over.connections }),
  ...(over.lastMarginCall === undefined ? {} : { lastMarginCall: over.lastMarginCall }),
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
    // Past liquidation the last rho is ∞, never "Infinity" or "null".
    const gone = journalEntries([view({ positions: [row('BTCUSDT', null)] })], [view({ positions: [] })], 46);
    expect(gone.map((e) => e.text)).toEqual(['BTCUSDT long cross closed by the venue (last ρ ∞)']);
  });
});
