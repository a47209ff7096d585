import { describe, expect, it } from 'vitest';
import { evaluateAccount } from '../../engine/margin/evaluate-account.ts';
import { flatTierTable } from '../../engine/margin/maintenance-tiers.ts';
import { ratio, usdt } from '../../units/units.ts';
import { eventsOf, expectSurvivesHostile, onlyEvent } from '../../../tools/test-support/hostile-frames.ts';
import { parseContext } from '../../../tools/test-support/parse-context.ts';
import { readFixtureJson } from '../../../tools/test-support/shared-design.ts';
import { hyperliquidMargin } from './margin.ts';
import { parseFrame, parseRest } from './parse.ts';

const ctx = parseContext(1_790_000_000_000);
const frame = (json: unknown) => parseFrame(JSON.stringify(json), ctx);
const stubRequest = { method: 'POST', path: '/info', query: '', headers: {} } as const;
const docsState = readFixtureJson('hyperliquid-rest-clearinghouseState.docs-example.json');
const crossState = readFixtureJson('hyperliquid-rest-clearinghouseState.cross-live-capture.json');

describe('hyperliquid frames from shared/exchanges/hyperliquid/fixtures/', () => {
  it('activeAssetCtx (live capture): markPx, funding paid on the next full hour, receive time', () => {
    const nextHour = (Math.floor(ctx.now / 3_600_000) + 1) * 3_600_000;
    expect(eventsOf(frame(readFixtureJson('hyperliquid-ws-activeAssetCtx.live-capture.json')))).toEqual([
      { kind: 'mark', symbol: 'BTC', price: 83757, time: ctx.now, source: 'mark', fundingRate: 0.0000125, nextFundingTime: nextHour },
    ]);
    expect(nextHour).toBeGreaterThan(ctx.now);
    expect(nextHour - ctx.now).toBeLessThanOrEqual(3_600_000);
  });

  it('clearinghouseState (docs example, isolated): margin without uPnL, mark from positionValue', () => {
    const events = eventsOf(parseRest({ purpose: 'positions', request: stubRequest }, 200, JSON.stringify(docsState), ctx));
    const [position] = onlyEvent(events, 'positions').open;
    expect(position).toMatchObject({ key: 'ETH', symbol: 'ETH', side: 'long', qty: 0.0335, entryPrice: 2986.3, marginMode: 'isolated', leverage: 20, venueLiquidationPrice: 2866.26936529 });
    // marginUsed 4.967826 includes uPnL -0.0134; rawUsd + entry notional = -95.059824 + 0.0335 x 2986.3.
    expect(position!.isolatedMargin).toBeCloseTo(4.981226, 9);
    expect(position!.markPrice).toBeCloseTo(100.02765 / 0.0335, 9);
    expect(onlyEvent(events, 'balance')).toEqual({ kind: 'balance', walletBalance: 13104.514502, includesIsolatedMargin: false, time: 1708622398623 });

    // Through the engine, the converted margin gives back Hyperliquid's own liquidationPx (vector #35).
    const p = position!;
    const account = {
      exchange: 'hyperliquid' as const,
      walletBalance: usdt(13104.514502),
      positions: [{ ...p, marginMode: 'isolated' as const, markPrice: p.markPrice!, tiers: flatTierTable(1 / (2 * 50)), takerFeeRate: ratio(0.00045) }],
    };
    const liquidation = evaluateAccount(account, hyperliquidMargin).positions[0]!.liquidationPrice!;
    expect(Math.abs(liquidation - 2866.26936529) / 2866.26936529).toBeLessThan(1e-8);
  });

  it('clearinghouseState (live cross capture): wallet = accountValue - cross uPnL; the subscription wrapper too', () => {
    for (const data of [crossState, { dex: '', user: '0x0000000000000000000000000000000000000001', clearinghouseState: crossState }]) {
      const events = eventsOf(frame({ channel: 'clearinghouseState', data }));
      expect(onlyEvent(events, 'balance').walletBalance).toBeCloseTo(38252.7 - 11884.306507, 9);
      expect(onlyEvent(events, 'positions')).toMatchObject({ mode: 'snapshot', time: 1790360864964, closed: [] });
      expect(onlyEvent(events, 'positions').open[0]).toMatchObject({ symbol: 'BTC', side: 'long', qty: 4.5, entryPrice: 81285, marginMode: 'cross', leverage: 10, markPrice: 377667 / 4.5 });
    }
  });

  it('control frames: greeting, subscription response, pong, error', () => {
    expect(eventsOf(parseFrame('Websocket connection established.', ctx))[0]).toMatchObject({ kind: 'ack', op: 'other' });
    expect(onlyEvent(eventsOf(frame({ channel: 'subscriptionResponse', data: { method: 'subscribe', subscription: { type: 'allMids' } } })), 'ack').op).toBe('subscribe');
    expect(eventsOf(frame({ channel: 'pong' }))).toEqual([{ kind: 'pong' }]);
    expect(eventsOf(frame({ channel: 'error', data: 'Invalid subscription' }))).toEqual([{ kind: 'venue-error', code: 'error', message: 'Invalid subscription' }]);
  });

  it('allMids: mids tagged as such, spot pairs skipped', () => {
    expect(eventsOf(frame({ channel: 'allMids', data: { mids: { BTC: '83757.5', '@107': '1.2' } } }))).toEqual([
      { kind: 'mark', symbol: 'BTC', price: 83757.5, time: ctx.now, source: 'mid' },
    ]);
  });
});

describe('hyperliquid meta', () => {
  it('margin tables (live capture): BTC tiered 40x/20x with the deduction, ATOM a single 5x tier', () => {
    const body = JSON.stringify(readFixtureJson('hyperliquid-rest-meta-marginTables.live-capture.json'));
    const tiers = onlyEvent(eventsOf(parseRest({ purpose: 'tiers', request: stubRequest, symbols: ['BTC', 'ATOM'] }, 200, body, ctx)), 'tiers');
    expect(tiers.tables).toEqual([
      { symbol: 'BTC', table: { basis: 'notional', tiers: [{ floor: 0, cap: 150_000_000, mmr: 1 / 80, deduction: 0 }, { floor: 150_000_000, cap: Infinity, mmr: 1 / 40, deduction: 150_000_000 * (1 / 40 - 1 / 80) }] } },
      { symbol: 'ATOM', table: { basis: 'notional', tiers: [{ floor: 0, cap: Infinity, mmr: 1 / 10, deduction: 0 }] } },
    ]);
  });

  it('an HTTP error is a venue error', () => {
    expect(eventsOf(parseRest({ purpose: 'tiers', request: stubRequest }, 422, 'Failed to deserialize the JSON body', ctx))).toEqual([
      { kind: 'venue-error', code: '422', message: 'Failed to deserialize the JSON body' },
    ]);
  });
});

describe('hyperliquid hostile frames', () => {
  it.each([
    ['activeAssetCtx', readFixtureJson('hyperliquid-ws-activeAssetCtx.live-capture.json')],
    ['clearinghouseState docs', { channel: 'clearinghouseState', data: docsState }],
    ['clearinghouseState cross', { channel: 'clearinghouseState', data: crossState }],
  ])('%s: every corruption gives events or a typed error, never a throw or a NaN', (_name, json) => {
    const { refused } = expectSurvivesHostile(json, (text) => parseFrame(text, ctx));
    expect(refused).toBeGreaterThan(10);
  });

  it('meta replies survive corruption', () => {
    expectSurvivesHostile(readFixtureJson('hyperliquid-rest-meta-marginTables.live-capture.json'), (text) =>
      parseRest({ purpose: 'tiers', request: stubRequest, symbols: ['BTC', 'ETH', 'SOL'] }, 200, text, ctx),
    );
  });
});
