import { describe, expect, it } from 'vitest';
import { eventsOf, expectSurvivesHostile, onlyEvent } from '../../../tools/test-support/hostile-frames.ts';
import { parseContext } from '../../../tools/test-support/parse-context.ts';
import { readFixture, readFixtureJson } from '../../../tools/test-support/shared-design.ts';
import { parseFrame, parseRest } from './parse.ts';

const ctx = parseContext();
const frame = (json: unknown) => parseFrame(JSON.stringify(json), ctx);
const stubRequest = { method: 'GET', path: '/', query: '', headers: {} } as const;
const envelope = (result: unknown) => JSON.stringify({ retCode: 0, retMsg: 'OK', result, retExtInfo: {}, time: 1 });

describe('bybit frames from shared/exchanges/bybit/fixtures/', () => {
  it('tickers snapshot (linear docs example): mark and funding', () => {
    expect(eventsOf(frame(readFixtureJson('bybit-ws-tickers-linear-snapshot.json')))).toEqual([
      { kind: 'mark', symbol: 'BTCUSDT', price: 66666.6, time: 1760325052630, source: 'mark', fundingRate: -0.005, nextFundingTime: 1760342400000 },
    ]);
  });

  it('a tickers delta without markPrice changes nothing; one with it gives the new mark', () => {
    expect(eventsOf(frame({ topic: 'tickers.BTCUSDT', type: 'delta', data: { symbol: 'BTCUSDT', bid1Price: '1' }, cs: 1, ts: 2 }))).toEqual([]);
    expect(eventsOf(frame({ topic: 'tickers.BTCUSDT', type: 'delta', data: { symbol: 'BTCUSDT', markPrice: '66000.1' }, cs: 2, ts: 3 }))).toEqual([
      { kind: 'mark', symbol: 'BTCUSDT', price: 66000.1, time: 3, source: 'mark' },
    ]);
  });

  it('the live inverse ticker capture parses too', () => {
    expect(onlyEvent(eventsOf(frame(readFixtureJson('bybit-ws-tickers-inverse.live-capture.json'))), 'mark').price).toBe(83822.1);
  });

  it('position (docs example): a closed hedge sell-side slot', () => {
    expect(eventsOf(frame(readFixtureJson('bybit-ws-position.json')))).toEqual([
      { kind: 'positions', mode: 'update', open: [], closed: ['BTCUSDT:2'], time: 1697682317044 },
    ]);
  });

  it('position: an open one-way long, margin mode left to the account unless tradeMode says isolated', () => {
    const base = (readFixtureJson('bybit-ws-position.json') as { data: Record<string, unknown>[] }).data[0]!;
    const open = { ...base, positionIdx: 0, side: 'Buy', size: '0.5', entryPrice: '60000', positionBalance: '610.5', liqPrice: '48000.5' };
    const isolated = { ...open, symbol: 'ETHUSDT', tradeMode: 1, side: 'Sell', positionIdx: 2 };
    const inverse = { ...open, category: 'inverse', symbol: 'BTCUSD' };
    const update = onlyEvent(eventsOf(frame({ topic: 'position.linear', creationTime: 5, data: [open, isolated, inverse] })), 'positions');
    expect(update.open).toEqual([
      { key: 'BTCUSDT:0', symbol: 'BTCUSDT', side: 'long', qty: 0.5, entryPrice: 60000, marginMode: 'account', isolatedMargin: 610.5, leverage: 10, markPrice: 28184.5, venueLiquidationPrice: 48000.5 },
      { key: 'ETHUSDT:2', symbol: 'ETHUSDT', side: 'short', qty: 0.5, entryPrice: 60000, marginMode: 'isolated', isolatedMargin: 610.5, leverage: 10, markPrice: 28184.5, venueLiquidationPrice: 48000.5 },
    ]);
  });

  it('wallet (UTA docs example): margin balance less perp UPL', () => {
    expect(eventsOf(frame(readFixtureJson('bybit-ws-wallet.json')))).toEqual([
      { kind: 'balance', walletBalance: 9684.46297164, includesIsolatedMargin: false, time: 1700034722104 },
    ]);
  });

  it('op replies: auth, subscribe, both pong shapes, a refused subscribe', () => {
    expect(eventsOf(frame({ success: true, ret_msg: '', op: 'auth', conn_id: 'c' }))).toEqual([{ kind: 'ack', op: 'auth', ok: true, message: '' }]);
    expect(eventsOf(frame({ success: false, ret_msg: 'error:handler not found,topic:x', op: 'subscribe', conn_id: 'c' }))).toEqual([
      { kind: 'ack', op: 'subscribe', ok: false, message: 'error:handler not found,topic:x' },
    ]);
    expect(eventsOf(frame({ success: true, ret_msg: 'pong', conn_id: 'c', op: 'ping' }))).toEqual([{ kind: 'pong' }]);
    expect(eventsOf(frame({ req_id: 'ping-1', op: 'pong', args: ['1675418560633'], conn_id: 'c' }))).toEqual([{ kind: 'pong' }]);
  });
});

describe('bybit REST replies', () => {
  it('risk-limit (live linear capture): fractions, floors from the previous limit, the deduction as sent', () => {
    const result = readFixtureJson('bybit-rest-risk-limit-linear-result.live-capture.json');
    const tiers = onlyEvent(eventsOf(parseRest({ purpose: 'tiers', request: stubRequest, symbols: ['BTCUSDT'] }, 200, envelope(result), ctx)), 'tiers');
    expect(tiers.tables).toEqual([
      {
        symbol: 'BTCUSDT',
        table: {
          basis: 'notional',
          tiers: [
            { floor: 0, cap: 300000, mmr: 0.0033, deduction: 0 },
            { floor: 300000, cap: 2000000, mmr: 0.005, deduction: 510 },
          ],
        },
      },
    ]);
  });

  it("refuses the docs' percent-looking example (0.5 / 1 / 100x), as docs/margin-math.md §3.1 asks", () => {
    const text = readFixture('bybit-rest-risk-limit.verbatim.txt').replace(/\n\s*\.\.\.\.\n/, '\n').replace(/,(\s*[}\]])/g, '$1');
    const result = parseRest({ purpose: 'tiers', request: stubRequest }, 200, text, ctx);
    expect(result.ok ? 'accepted' : result.error.message).toMatch(/not fractions of one table/);
  });

  it('position list, wallet balance and account info', () => {
    const row = { symbol: 'SOLUSDT', positionIdx: 0, side: 'Sell', size: '12', avgPrice: '150.5', leverage: '5', markPrice: '149', positionBalance: '', positionIM: '361.2', liqPrice: '', updatedTime: '1' };
    const positions = onlyEvent(eventsOf(parseRest({ purpose: 'positions', request: stubRequest }, 200, envelope({ list: [row], category: 'linear', nextPageCursor: '' }), ctx)), 'positions');
    expect(positions).toMatchObject({ mode: 'snapshot', time: ctx.now, closed: [] });
    expect(positions.open).toEqual([{ key: 'SOLUSDT:0', symbol: 'SOLUSDT', side: 'short', qty: 12, entryPrice: 150.5, marginMode: 'account', isolatedMargin: 361.2, leverage: 5, markPrice: 149 }]);
    const walletList = { list: (readFixtureJson('bybit-ws-wallet.json') as { data: unknown[] }).data };
    expect(onlyEvent(eventsOf(parseRest({ purpose: 'balance', request: stubRequest }, 200, envelope(walletList), ctx)), 'balance').walletBalance).toBe(9684.46297164);
    expect(eventsOf(parseRest({ purpose: 'account-config', request: stubRequest }, 200, envelope({ marginMode: 'ISOLATED_MARGIN' }), ctx))).toEqual([
      { kind: 'account-mode', marginMode: 'isolated' },
    ]);
    expect(eventsOf(parseRest({ purpose: 'positions', request: stubRequest }, 200, JSON.stringify({ retCode: 10003, retMsg: 'API key is invalid.', result: {} }), ctx))).toEqual([
      { kind: 'venue-error', code: '10003', message: 'API key is invalid.' },
    ]);
  });
});

describe('bybit hostile frames', () => {
  it.each(['bybit-ws-tickers-linear-snapshot.json', 'bybit-ws-position.json', 'bybit-ws-wallet.json'])(
    '%s: every corruption gives events or a typed error, never a throw or a NaN',
    (name) => {
      const { refused } = expectSurvivesHostile(readFixtureJson(name), (text) => parseFrame(text, ctx));
      expect(refused).toBeGreaterThan(10);
    },
  );

  it('risk-limit replies survive corruption', () => {
    const body = { retCode: 0, retMsg: 'OK', result: readFixtureJson('bybit-rest-risk-limit-linear-result.live-capture.json') };
    expectSurvivesHostile(body, (text) => parseRest({ purpose: 'tiers', request: stubRequest }, 200, text, ctx));
  });
});
