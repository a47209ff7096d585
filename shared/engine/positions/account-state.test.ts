import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { epochMs, price, qty, usdt, type EpochMs } from '../../units/units.ts';
import { evaluateAccount } from '../margin/evaluate-account.ts';
import { buildTierTable, flatTierTable } from '../margin/maintenance-tiers.ts';
import { binanceMargin } from '../../exchanges/binance/margin.ts';
import { accountOf, applyVenueEvent, applyVenueEvents, emptyAccountState, symbolsNeedingTiers } from './account-state.ts';
import type { VenueEvent, VenuePosition } from './venue-events.ts';

const t = (n: number): EpochMs => epochMs(n);
const pos = (key: string, over: Partial<VenuePosition> = {}): VenuePosition => ({
  key,
  symbol: key.split(':')[0]!,
  side: 'long',
  qty: qty(1),
  entryPrice: price(100),
  marginMode: 'cross',
  ...over,
});
const snapshot = (open: VenuePosition[], time = 1, page?: { index: number; isLast: boolean }): VenueEvent => ({
  kind: 'positions',
  mode: 'snapshot',
  open,
  closed: [],
  time: t(time),
  ...(page === undefined ? {} : { page }),
});
const update = (open: VenuePosition[], closed: string[] = []): VenueEvent => ({ kind: 'positions', mode: 'update', open, closed, time: t(2) });
const balance = (value: number, includesIsolatedMargin = false): VenueEvent => ({ kind: 'balance', walletBalance: usdt(value), includesIsolatedMargin, time: t(1) });
const mark = (symbol: string, value: number, time: number, source: 'mark' | 'mid' = 'mark'): VenueEvent => ({ kind: 'mark', symbol, price: price(value), time: t(time), source });
const tiers = (...symbols: string[]): VenueEvent => ({ kind: 'tiers', tables: symbols.map((symbol) => ({ symbol, table: flatTierTable(0.01) })), fetchedAt: t(1) });

const fee = { takerFeeRate: 0.0005 };

describe('account state', () => {
  it('snapshot, tiers, balance and marks make an Account the engine evaluates', () => {
    const btcTiers = buildTierTable([{ floor: 0, mmr: 0.004 }, { floor: 50_000, mmr: 0.005 }]);
    const state = applyVenueEvents(emptyAccountState('binance'), [
      snapshot([pos('BTCUSDT:BOTH', { qty: qty(2), entryPrice: price(60_000), markPrice: price(59_000) })]),
      balance(5_000),
      { kind: 'tiers', tables: [{ symbol: 'BTCUSDT', table: btcTiers }], fetchedAt: t(1) },
      mark('BTCUSDT', 58_000, 5),
    ]);
    const view = accountOf(state, fee);
    if (!view.ok) throw new Error(JSON.stringify(view.missing));
    expect(view.account.walletBalance).toBe(5_000);
    expect(view.account.positions).toHaveLength(1);
    expect(view.account.positions[0]).toMatchObject({ symbol: 'BTCUSDT', qty: 2, entryPrice: 60_000, markPrice: 58_000, marginMode: 'cross' });
    const risk = evaluateAccount(view.account, binanceMargin);
    // Binance margin ratio from its definition: MM = 116,000 x 0.005 - 50; margin balance = 5,000 + 2 x (58,000 - 60,000).
    expect(risk.riskRatio).toBeCloseTo((116_000 * 0.005 - 50_000 * 0.001) / (5_000 - 4_000), 12);
  });

  it('a snapshot replaces everything: a position closed while disconnected disappears, none is doubled', () => {
    let state = applyVenueEvents(emptyAccountState('binance'), [snapshot([pos('BTCUSDT:BOTH'), pos('ETHUSDT:BOTH')]), update([pos('SOLUSDT:BOTH')])]);
    expect([...state.positions.keys()].sort()).toEqual(['BTCUSDT:BOTH', 'ETHUSDT:BOTH', 'SOLUSDT:BOTH']);
    state = applyVenueEvent(state, snapshot([pos('BTCUSDT:BOTH', { qty: qty(3) }), pos('SOLUSDT:BOTH')], 9));
    expect([...state.positions.keys()].sort()).toEqual(['BTCUSDT:BOTH', 'SOLUSDT:BOTH']);
    expect(state.positions.get('BTCUSDT:BOTH')!.qty).toBe(3);
    expect(state.snapshotAt).toBe(9);
    state = applyVenueEvent(state, update([], ['SOLUSDT:BOTH']));
    expect([...state.positions.keys()]).toEqual(['BTCUSDT:BOTH']);
    // When the venue last reported each position: the time of its own figures (liquidation estimate).
    expect([...state.reportedAt]).toEqual([['BTCUSDT:BOTH', 9]]);
    state = applyVenueEvent(state, update([pos('BTCUSDT:BOTH', { qty: qty(4) })]));
    expect([...state.reportedAt]).toEqual([['BTCUSDT:BOTH', 2]]);
  });

  it('a paged snapshot commits only at its last page; a page without its first is dropped', () => {
    let state = applyVenueEvent(emptyAccountState('okx'), snapshot([pos('A:cross:net')], 1));
    state = applyVenueEvent(state, snapshot([pos('B:cross:net')], 2, { index: 1, isLast: false }));
    expect([...state.positions.keys()]).toEqual(['A:cross:net']);
    state = applyVenueEvent(state, snapshot([pos('C:cross:net')], 2, { index: 2, isLast: true }));
    expect([...state.positions.keys()].sort()).toEqual(['B:cross:net', 'C:cross:net']);
    expect([...state.reportedAt].sort()).toEqual([['B:cross:net', 2], ['C:cross:net', 2]]);
    const orphan = applyVenueEvent(state, snapshot([pos('D:cross:net')], 3, { index: 2, isLast: true }));
    expect(orphan).toBe(state);
  });

  it('marks: a late frame cannot roll a price back; a mid never overrides a mark; the venue mark is the fallback', () => {
    let state = applyVenueEvents(emptyAccountState('hyperliquid'), [snapshot([pos('BTC', { markPrice: price(90) })]), balance(1_000), tiers('BTC')]);
    const markOf = () => {
      const v = accountOf(state, fee);
      return v.ok ? v.account.positions[0]!.markPrice : null;
    };
    expect(markOf()).toBe(90);
    state = applyVenueEvent(state, mark('BTC', 95, 10, 'mid'));
    expect(markOf()).toBe(90);
    state = applyVenueEvents(state, [mark('BTC', 97, 10), mark('BTC', 96, 9)]);
    expect(markOf()).toBe(97);
    state = applyVenueEvent(state, mark('BTC', 80, 11, 'mid'));
    expect(markOf()).toBe(97);
  });

  it('says what is missing instead of guessing', () => {
    const state = applyVenueEvents(emptyAccountState('bybit'), [
      snapshot([pos('BTCUSDT:0', { marginMode: 'account' }), pos('ETHUSDT:0', { marginMode: 'isolated' })]),
      tiers('BTCUSDT'),
      mark('BTCUSDT', 100, 1),
    ]);
    const view = accountOf(state, fee);
    expect(view.ok ? [] : view.missing).toEqual([
      { what: 'balance' },
      { what: 'tiers', symbol: 'ETHUSDT' },
      { what: 'mark', symbol: 'ETHUSDT' },
      { what: 'isolated-margin', symbol: 'ETHUSDT' },
    ]);
    expect(accountOf(emptyAccountState('bybit'), fee)).toEqual({ ok: false, missing: [{ what: 'balance' }, { what: 'positions' }] });
    expect(symbolsNeedingTiers(state, ['BTCUSDT', 'ETHUSDT'], t(1 + 3_600_001), 3_600_000)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(symbolsNeedingTiers(state, ['BTCUSDT', 'ETHUSDT'], t(100), 3_600_000)).toEqual(['ETHUSDT']);
  });

  it("Bybit: the account's margin mode decides for `account` positions", () => {
    const base = [snapshot([pos('BTCUSDT:0', { marginMode: 'account', isolatedMargin: usdt(50), leverage: 10 })]), balance(1_000), tiers('BTCUSDT'), mark('BTCUSDT', 100, 1)];
    const cross = accountOf(applyVenueEvents(emptyAccountState('bybit'), base), fee);
    const isolated = accountOf(applyVenueEvents(emptyAccountState('bybit'), [...base, { kind: 'account-mode', marginMode: 'isolated' }]), fee);
    expect(cross.ok && cross.account.positions[0]!.marginMode).toBe('cross');
    expect(cross.ok && cross.account.positions[0]!.isolatedMargin).toBe(undefined);
    expect(isolated.ok && isolated.account.positions[0]).toMatchObject({ marginMode: 'isolated', isolatedMargin: 50, leverage: 10 });
  });

  it('OKX cash balance: isolated margins are taken out of the cross wallet', () => {
    const state = applyVenueEvents(emptyAccountState('okx'), [
      snapshot([pos('BTC-USDT-SWAP:isolated:long', { symbol: 'BTC-USDT-SWAP', marginMode: 'isolated', isolatedMargin: usdt(300) }), pos('ETH-USDT-SWAP:cross:net', { symbol: 'ETH-USDT-SWAP' })]),
      balance(10_000, true),
      tiers('BTC-USDT-SWAP', 'ETH-USDT-SWAP'),
      mark('BTC-USDT-SWAP', 100, 1),
      mark('ETH-USDT-SWAP', 100, 1),
    ]);
    const view = accountOf(state, fee);
    expect(view.ok && view.account.walletBalance).toBe(9_700);
  });

  it('property: any sequence of valid events gives an Account (and engine figures) without NaN, or the missing pieces', () => {
    const symbols = ['A', 'B', 'C'];
    const positionArb = fc.record({
      symbol: fc.constantFrom(...symbols),
      slot: fc.constantFrom('x', 'y'),
      side: fc.constantFrom('long' as const, 'short' as const),
      qty: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
      entry: fc.double({ min: 1e-4, max: 1e6, noNaN: true }),
      isolated: fc.boolean(),
      margin: fc.double({ min: 0, max: 1e6, noNaN: true }),
    }).map((r) => pos(`${r.symbol}:${r.slot}`, { symbol: r.symbol, side: r.side, qty: qty(r.qty), entryPrice: price(r.entry), marginMode: r.isolated ? 'isolated' : 'cross', isolatedMargin: usdt(r.margin) }));
    const eventArb: fc.Arbitrary<VenueEvent> = fc.oneof(
      fc.array(positionArb, { maxLength: 4 }).map((open) => snapshot(open)),
      fc.tuple(fc.array(positionArb, { maxLength: 2 }), fc.subarray(symbols.map((s) => `${s}:x`))).map(([open, closed]) => update(open, closed)),
      fc.tuple(fc.constantFrom(...symbols), fc.double({ min: 1e-4, max: 1e6, noNaN: true }), fc.nat(100)).map(([s, p, time]) => mark(s, p, time)),
      fc.double({ min: -1e6, max: 1e7, noNaN: true }).map((v) => balance(v)),
      fc.constant(tiers(...symbols)),
    );
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 30 }), (events) => {
        const view = accountOf(applyVenueEvents(emptyAccountState('binance'), events), fee);
        if (!view.ok) return view.missing.length > 0;
        const numbers = [view.account.walletBalance, ...view.account.positions.flatMap((p) => [p.qty, p.entryPrice, p.markPrice, p.isolatedMargin ?? 0])];
        // And the engine's figures from it: Infinity is allowed (past liquidation), NaN never.
        const risk = JSON.stringify(evaluateAccount(view.account, binanceMargin), (_k, v: unknown) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN!' : v));
        return numbers.every(Number.isFinite) && !risk.includes('NaN!');
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('applyVenueEvents: a batch folded at once', () => {
  const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
  const event = fc.oneof(
    // Few rates and payment times, so that a batch often repeats the funding the state holds (kept without a copy).
    fc.record({ s: fc.constantFrom(...symbols), p: fc.integer({ min: 1, max: 1_000 }), time: fc.integer({ min: 1, max: 6 }), mid: fc.boolean(), r: fc.option(fc.integer({ min: -2, max: 2 })), n: fc.option(fc.constantFrom(100, 200)) }).map(
      ({ s, p, time, mid, r, n }): VenueEvent => ({
        ...(mark(s, p, time, mid ? 'mid' : 'mark') as Extract<VenueEvent, { kind: 'mark' }>),
        ...(r === null ? {} : { fundingRate: (r / 1e4) as never }),
        ...(r === null || n === null ? {} : { nextFundingTime: epochMs(n) }),
      }),
    ),
    fc.constantFrom(snapshot([pos('BTCUSDT:long')]), update([pos('ETHUSDT:long')], ['BTCUSDT:long']), balance(500)),
  );

  it('is the state of folding the events one by one, late and equal-time frames included', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), fc.array(event, { maxLength: 5 }), (before, batch) => {
        const start = before.reduce(applyVenueEvent, emptyAccountState('binance'));
        const oneByOne = batch.reduce(applyVenueEvent, start);
        const atOnce = applyVenueEvents(start, batch);
        expect(atOnce).toEqual(oneByOne);
        // The state it started from is untouched.
        expect(start).toEqual(before.reduce(applyVenueEvent, emptyAccountState('binance')));
      }),
      { seed: 8, numRuns: 400 },
    );
  });
});
