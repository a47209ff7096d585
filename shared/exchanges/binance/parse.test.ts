import { describe, expect, it } from 'vitest';
import { flatTierTable } from '../../engine/margin/maintenance-tiers.ts';
import { price, qty, ratio } from '../../units/units.ts';
import { eventsOf, expectSurvivesHostile, onlyEvent } from '../../../tools/test-support/hostile-frames.ts';
import { parseContext } from '../../../tools/test-support/parse-context.ts';
import { readFixture, readFixtureJson } from '../../../tools/test-support/shared-design.ts';
import { binanceMargin } from './margin.ts';
import { parseFrame, parseRest } from './parse.ts';

const ctx = parseContext();
const frame = (json: unknown) => parseFrame(JSON.stringify(json), ctx);

describe('binance frames from shared/exchanges/binance/fixtures/', () => {
  it('markPriceUpdate (doc example), plain and wrapped in stream mode', () => {
    const raw = readFixtureJson('binance-ws-markPriceUpdate.doc-example.jsonc');
    for (const text of [JSON.stringify(raw), JSON.stringify({ stream: 'btcusdt@markPrice@1s', data: raw })]) {
      const mark = onlyEvent(eventsOf(parseFrame(text, ctx)), 'mark');
      expect(mark).toEqual({
        kind: 'mark',
        symbol: 'BTCUSDT',
        price: 11794.15,
        time: 1562305380000,
        source: 'mark',
        fundingRate: 0.00038167,
        nextFundingTime: 1562306400000,
      });
    }
  });

  it('ACCOUNT_UPDATE: USDT cross wallet, a closed BOTH slot and two isolated hedge legs', () => {
    const events = eventsOf(frame(readFixtureJson('binance-ws-ACCOUNT_UPDATE.json')));
    expect(onlyEvent(events, 'balance')).toMatchObject({ walletBalance: 100.12345678, includesIsolatedMargin: false, time: 1564745798939 });
    const positions = onlyEvent(events, 'positions');
    expect(positions.mode).toBe('update');
    expect(positions.closed).toEqual(['BTCUSDT:BOTH']);
    expect(positions.open).toEqual([
      { key: 'BTCUSDT:LONG', symbol: 'BTCUSDT', side: 'long', qty: 20, entryPrice: 6563.665, marginMode: 'isolated', isolatedMargin: 13200.70726908 },
      { key: 'BTCUSDT:SHORT', symbol: 'BTCUSDT', side: 'short', qty: 10, entryPrice: 6563.86, marginMode: 'isolated', isolatedMargin: 6570.42511771 },
    ]);
  });

  it('MARGIN_CALL, and its maintenance margin reproduced from the parsed ETHUSDT bracket', () => {
    const call = onlyEvent(eventsOf(frame(readFixtureJson('binance-ws-MARGIN_CALL.json'))), 'margin-call');
    expect(call.positions).toEqual([{ symbol: 'ETHUSDT', side: 'long', marginMode: 'cross', markPrice: 187.17127, maintenanceMargin: 1.614445 }]);
    const brackets = readFixtureJson('binance-rest-leverageBracket.doc-example-zh.jsonc');
    const tiers = onlyEvent(eventsOf(parseRest({ purpose: 'tiers', request: stubRequest }, 200, JSON.stringify(brackets), ctx)), 'tiers');
    const table = tiers.tables[0]!.table;
    const position = { symbol: 'ETHUSDT', side: 'long' as const, qty: qty(1.327), entryPrice: price(190), markPrice: price(187.17127), marginMode: 'cross' as const, tiers: table, takerFeeRate: ratio(0.0005) };
    // Binance's own `mm` is cut to 6 decimals (1.6144457... is sent as 1.614445): within one unit of the last digit.
    expect(Math.abs(binanceMargin.requirement(position, 187.17127) - 1.614445)).toBeLessThan(1e-6);
    expect(table).not.toEqual(flatTierTable(0.0065)); // the cap of 10,000 was kept
    expect(table.tiers[0]!.cap).toBe(10000);
  });

  it('listenKeyExpired and request replies', () => {
    expect(eventsOf(frame({ e: 'listenKeyExpired', E: 1576653824250, listenKey: 'OfYGbUzi3PraNagEkdKuFwUHn48brFsItTdsuiIXrucEvD0rhRXZ7I6URWfE8YE8' }))).toEqual([
      { kind: 'session-expired', time: 1576653824250 },
    ]);
    expect(eventsOf(frame({ result: null, id: 7 }))).toEqual([{ kind: 'ack', op: 'subscribe', ok: true, message: 'id 7' }]);
    expect(eventsOf(frame({ error: { code: 2, msg: 'Invalid request' }, id: 3 }))).toEqual([{ kind: 'venue-error', code: '2', message: 'Invalid request' }]);
  });

  it('the all-symbol array stream gives one mark per element', () => {
    const one = readFixtureJson('binance-ws-markPriceUpdate.doc-example.jsonc') as Record<string, unknown>;
    const events = eventsOf(frame({ stream: '!markPrice@arr@1s', data: [one, { ...one, s: 'ETHUSDT', p: '2000.5' }] }));
    expect(events.map((e) => (e.kind === 'mark' ? [e.symbol, e.price] : null))).toEqual([['BTCUSDT', 11794.15], ['ETHUSDT', 2000.5]]);
  });
});

const stubRequest = { method: 'GET', path: '/', query: '', headers: {} } as const;

describe('binance REST replies', () => {
  it('leverageBracket: the real BTCUSDT brackets (freqtrade snapshot) as Binance sends them', () => {
    const snapshot = readFixtureJson('binance-rest-leverageBracket.freqtrade-snapshot-BTCUSDT.json') as Record<string, { info: unknown }[]>;
    const body = [{ symbol: 'BTCUSDT', brackets: snapshot['BTC/USDT:USDT']!.map((t) => t.info) }, { symbol: 'XRPUSDT', brackets: [] }];
    const tiers = onlyEvent(eventsOf(parseRest({ purpose: 'tiers', request: stubRequest, symbols: ['BTCUSDT'] }, 200, JSON.stringify(body), ctx)), 'tiers');
    expect(tiers.fetchedAt).toBe(ctx.now);
    expect(tiers.tables.map((t) => t.symbol)).toEqual(['BTCUSDT']);
    const rows = tiers.tables[0]!.table.tiers;
    expect(rows).toHaveLength(12);
    expect(rows[2]).toEqual({ floor: 600000, cap: 3000000, mmr: 0.0065, deduction: 950 });
    expect(rows[11]).toEqual({ floor: 1200000000, cap: 1800000000, mmr: 0.5, deduction: 421481450 });
  });

  it('refuses a bracket table that is not a table (empty, a falling rate)', () => {
    const bad = [{ symbol: 'BTCUSDT', brackets: [] }];
    const result = parseRest({ purpose: 'tiers', request: stubRequest }, 200, JSON.stringify(bad), ctx);
    expect(result.ok).toBe(false);
    const falling = [{ symbol: 'X', brackets: [{ notionalFloor: 0, notionalCap: 10, maintMarginRatio: 0.02, cum: 0 }, { notionalFloor: 10, notionalCap: 20, maintMarginRatio: 0.01, cum: 0 }] }];
    const second = parseRest({ purpose: 'tiers', request: stubRequest }, 200, JSON.stringify(falling), ctx);
    expect(second.ok ? 'accepted' : second.error.message).toMatch(/falls/);
  });

  it('positionRisk v3: one-way, hedge and isolated rows; flat rows dropped', () => {
    const body = [
      { symbol: 'BTCUSDT', positionSide: 'BOTH', positionAmt: '-0.015', entryPrice: '82666.66666667', markPrice: '83500.00000000', liquidationPrice: '91000.5', isolatedWallet: '0', updateTime: 1790638000000 },
      { symbol: 'ETHUSDT', positionSide: 'LONG', positionAmt: '2', entryPrice: '3000', markPrice: '2990', liquidationPrice: '0', isolatedWallet: '150.5', updateTime: 1790638000000 },
      { symbol: 'SOLUSDT', positionSide: 'BOTH', positionAmt: '0.000', entryPrice: '0.0', markPrice: '150', liquidationPrice: '0', isolatedWallet: '0', updateTime: 0 },
    ];
    const positions = onlyEvent(eventsOf(parseRest({ purpose: 'positions', request: stubRequest }, 200, JSON.stringify(body), ctx)), 'positions');
    expect(positions.mode).toBe('snapshot');
    expect(positions.open).toEqual([
      { key: 'BTCUSDT:BOTH', symbol: 'BTCUSDT', side: 'short', qty: 0.015, entryPrice: 82666.66666667, marginMode: 'cross', markPrice: 83500, venueLiquidationPrice: 91000.5 },
      { key: 'ETHUSDT:LONG', symbol: 'ETHUSDT', side: 'long', qty: 2, entryPrice: 3000, marginMode: 'isolated', isolatedMargin: 150.5, markPrice: 2990 },
    ]);
  });

  it('account v3: the USDT asset cross wallet balance, else the total', () => {
    const withAsset = { totalCrossWalletBalance: '103.12345678', assets: [{ asset: 'BNB', crossWalletBalance: '1' }, { asset: 'USDT', crossWalletBalance: '23.72469206' }] };
    expect(onlyEvent(eventsOf(parseRest({ purpose: 'balance', request: stubRequest }, 200, JSON.stringify(withAsset), ctx)), 'balance').walletBalance).toBe(23.72469206);
    const totalOnly = { totalCrossWalletBalance: '103.12345678' };
    expect(onlyEvent(eventsOf(parseRest({ purpose: 'balance', request: stubRequest }, 200, JSON.stringify(totalOnly), ctx)), 'balance').walletBalance).toBe(103.12345678);
  });

  it('listenKey replies and the -1125 error body', () => {
    expect(eventsOf(parseRest({ purpose: 'session-create', request: stubRequest }, 200, '{"listenKey":"pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1"}', ctx))).toEqual([
      { kind: 'session', token: 'pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1' },
    ]);
    expect(eventsOf(parseRest({ purpose: 'session-keepalive', request: stubRequest }, 400, '{"code":-1125,"msg":"This listenKey does not exist."}', ctx))).toEqual([
      { kind: 'venue-error', code: '-1125', message: 'This listenKey does not exist.' },
    ]);
    const gateway = parseRest({ purpose: 'positions', request: stubRequest }, 502, '<html>Bad gateway</html>', ctx);
    expect(gateway.ok ? 'accepted' : gateway.error.reason).toBe('malformed');
  });
});

describe('binance hostile frames', () => {
  it.each([
    'binance-ws-markPriceUpdate.doc-example.jsonc',
    'binance-ws-ACCOUNT_UPDATE.json',
    'binance-ws-MARGIN_CALL.json',
  ])('%s: every corruption gives events or a typed error, never a throw or a NaN', (name) => {
    const { refused } = expectSurvivesHostile(readFixtureJson(name), (text) => parseFrame(text, ctx));
    expect(refused).toBeGreaterThan(10);
  });

  it('leverageBracket replies survive corruption too', () => {
    const body = readFixtureJson('binance-rest-leverageBracket.doc-example-zh.jsonc');
    expectSurvivesHostile(body, (text) => parseRest({ purpose: 'tiers', request: stubRequest }, 200, text, ctx));
  });

  it('names the bad field', () => {
    const text = readFixture('binance-ws-MARGIN_CALL.json').replace('"mp":"187.17127"', '"mp":"NaN"');
    const result = parseFrame(text, ctx);
    expect(result.ok ? null : result.error).toMatchObject({ reason: 'malformed', field: 'p[0].mp' });
    const unknown = parseFrame('{"e":"ORDER_TRADE_UPDATE","E":1}', ctx);
    expect(unknown.ok ? null : unknown.error.reason).toBe('unknown');
  });
});
