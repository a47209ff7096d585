import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventsOf, expectSurvivesHostile, onlyEvent } from '../../../tools/test-support/hostile-frames.ts';
import { parseContext } from '../../../tools/test-support/parse-context.ts';
import { readFixtureJson } from '../../../tools/test-support/shared-design.ts';
import { parseFrame, parseRest } from './parse.ts';

/** The docs-shaped funding-rate push (not a capture, so kept apart from fixtures/: see its README). */
const fundingPush = (): unknown => JSON.parse(readFileSync(new URL('../../../tools/test-support/venue-examples/okx-ws-funding-rate.json', import.meta.url), 'utf8'));

const ctx = parseContext(1_700_000_000_000, { 'ETH-USDT-SWAP': 0.1, 'BTC-USDT-SWAP': 0.01 });
const frame = (json: unknown) => parseFrame(JSON.stringify(json), ctx);
const stubRequest = { method: 'GET', path: '/', query: '', headers: {} } as const;
const envelope = (data: unknown) => JSON.stringify({ code: '0', msg: '', data });

/** The docs' positions push, turned into a USDT-margined swap (the docs show an inverse future). */
function swapPositions(overrides: Record<string, unknown>): unknown {
  const push = readFixtureJson('okx-ws-positions.json') as { data: Record<string, unknown>[] };
  return { ...push, arg: { channel: 'positions', instType: 'SWAP' }, data: [{ ...push.data[0]!, instType: 'SWAP', instId: 'ETH-USDT-SWAP', ccy: 'USDT', ...overrides }] };
}

describe('okx frames from shared/exchanges/okx/fixtures/', () => {
  it('mark-price', () => {
    expect(eventsOf(frame(readFixtureJson('okx-ws-mark-price.json')))).toEqual([{ kind: 'mark', symbol: 'BTC-USDT', price: 42310.6, time: 1630049139746, source: 'mark' }]);
  });

  it('funding-rate: the coming payment, its rate and time (not the one after)', () => {
    expect(eventsOf(frame(fundingPush()))).toEqual([
      { kind: 'funding', symbol: 'BTC-USDT-SWAP', fundingRate: 0.0001875391284828, nextFundingTime: 1700726400000, time: 1700724675402 },
    ]);
    const bad = fundingPush() as { data: Record<string, unknown>[] };
    const row = bad.data[0] as Record<string, unknown>;
    const refused = frame({ ...bad, data: [{ ...row, fundingTime: 'soon' }] });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.field).toBe('data[0].fundingTime');
  });

  it('positions (docs example is an inverse future): skipped, the snapshot page still commits', () => {
    expect(eventsOf(frame(readFixtureJson('okx-ws-positions.json')))).toEqual([
      { kind: 'positions', mode: 'snapshot', open: [], closed: [], time: ctx.now, page: { index: 1, isLast: true } },
    ]);
  });

  it('positions as a USDT swap: contracts x ctVal, isolated margin, hedge side', () => {
    const events = eventsOf(frame(swapPositions({ pos: '3', margin: '38.5', avgPx: '2566.31' })));
    expect(onlyEvent(events, 'positions').open).toEqual([
      { key: 'ETH-USDT-SWAP:isolated:long', symbol: 'ETH-USDT-SWAP', side: 'long', qty: 3 * 0.1, entryPrice: 2566.31, marginMode: 'isolated', isolatedMargin: 38.5, leverage: 10, markPrice: 2353.849, venueLiquidationPrice: 2352.8496681818233 },
    ]);
    const net = onlyEvent(eventsOf(frame({ ...(swapPositions({ pos: '-20', posSide: 'net', mgnMode: 'cross' }) as object), eventType: 'event_update' })), 'positions');
    expect(net.mode).toBe('update');
    expect(net.open[0]).toMatchObject({ key: 'ETH-USDT-SWAP:cross:net', side: 'short', qty: 2, marginMode: 'cross' });
    const closed = onlyEvent(eventsOf(frame({ ...(swapPositions({ pos: '0' }) as object), eventType: 'event_update' })), 'positions');
    expect(closed.closed).toEqual(['ETH-USDT-SWAP:isolated:long']);
  });

  it('a position in an instrument with no known contract value is refused, not guessed', () => {
    const result = frame(swapPositions({ instId: 'DOGE-USDT-SWAP' }));
    expect(result.ok ? null : result.error).toMatchObject({ reason: 'malformed', field: 'data[0].instId' });
  });

  it('balance_and_position: only the USDT cash balance, flagged as holding isolated margin', () => {
    expect(eventsOf(frame(readFixtureJson('okx-ws-balance_and_position.verbatim.txt')))).toEqual([]);
    const push = readFixtureJson('okx-ws-balance_and_position.verbatim.txt') as { data: Record<string, unknown>[] };
    const usdt = { ...push, data: [{ ...push.data[0]!, balData: [{ ccy: 'USDT', cashBal: '5000.25', uTime: '1597026383085' }] }] };
    expect(eventsOf(frame(usdt))).toEqual([{ kind: 'balance', walletBalance: 5000.25, includesIsolatedMargin: true, time: 1597026383085 }]);
  });

  it('liquidation-warning becomes the venue margin call with its mgnRatio', () => {
    const call = onlyEvent(eventsOf(frame(readFixtureJson('okx-ws-liquidation-warning.verbatim.txt'))), 'margin-call');
    expect(call).toEqual({
      kind: 'margin-call',
      time: 1619507761462,
      positions: [{ symbol: 'ETH-USD-210430', side: 'long', marginMode: 'isolated', markPrice: 2353.849, venueRatio: 11.731726509588816 }],
    });
  });

  it('pong, login, subscribe and error replies', () => {
    expect(eventsOf(parseFrame('pong', ctx))).toEqual([{ kind: 'pong' }]);
    expect(eventsOf(frame({ event: 'login', code: '0', msg: '', connId: 'a' }))).toEqual([{ kind: 'ack', op: 'auth', ok: true, message: '' }]);
    expect(eventsOf(frame({ event: 'error', code: '60009', msg: 'Login failed.', connId: 'a' }))).toEqual([{ kind: 'venue-error', code: '60009', message: 'Login failed.' }]);
    expect(onlyEvent(eventsOf(frame({ id: '1', event: 'subscribe', arg: { channel: 'mark-price', instId: 'BTC-USDT-SWAP' }, connId: 'a' })), 'ack').op).toBe('subscribe');
  });
});

describe('okx REST replies', () => {
  it('position-tiers (docs example): contract bounds to base units via ctVal, no deduction', () => {
    const body = readFixtureJson('okx-rest-position-tiers.json');
    const tiers = onlyEvent(eventsOf(parseRest({ purpose: 'tiers', request: stubRequest, symbols: ['BTC-USDT-SWAP'] }, 200, JSON.stringify(body), ctx)), 'tiers');
    expect(tiers.tables).toEqual([{ symbol: 'BTC-USDT-SWAP', table: { basis: 'qty', tiers: [{ floor: 0, cap: 50 * 0.01, mmr: 0.03, deduction: 0 }] } }]);
  });

  it('instruments keep linear USDT swaps only', () => {
    const data = [
      { instId: 'BTC-USDT-SWAP', instFamily: 'BTC-USDT', ctVal: '0.01', ctType: 'linear', settleCcy: 'USDT' },
      { instId: 'BTC-USD-SWAP', instFamily: 'BTC-USD', ctVal: '100', ctType: 'inverse', settleCcy: 'BTC' },
    ];
    expect(eventsOf(parseRest({ purpose: 'instruments', request: stubRequest }, 200, envelope(data), ctx))).toEqual([
      { kind: 'instruments', instruments: [{ symbol: 'BTC-USDT-SWAP', contractSize: 0.01 }] },
    ]);
  });

  it('balance: the USDT cash balance; an error code is a venue error', () => {
    const data = [{ details: [{ ccy: 'BTC', cashBal: '1' }, { ccy: 'USDT', cashBal: '10000.5', eq: '10012.1', isoEq: '500', upl: '11.6' }] }];
    expect(onlyEvent(eventsOf(parseRest({ purpose: 'balance', request: stubRequest }, 200, envelope(data), ctx)), 'balance')).toMatchObject({ walletBalance: 10000.5, includesIsolatedMargin: true });
    expect(eventsOf(parseRest({ purpose: 'positions', request: stubRequest }, 401, '{"code":"50113","msg":"Invalid Sign","data":[]}', ctx))).toEqual([
      { kind: 'venue-error', code: '50113', message: 'Invalid Sign' },
    ]);
  });
});

describe('okx hostile frames', () => {
  it.each([
    ['mark-price', readFixtureJson('okx-ws-mark-price.json')],
    ['positions (swap)', swapPositions({})],
    ['liquidation-warning', readFixtureJson('okx-ws-liquidation-warning.verbatim.txt')],
    ['balance_and_position', readFixtureJson('okx-ws-balance_and_position.verbatim.txt')],
  ])('%s: every corruption gives events or a typed error, never a throw or a NaN', (_name, json) => {
    const { refused } = expectSurvivesHostile(json, (text) => parseFrame(text, ctx));
    expect(refused).toBeGreaterThan(10);
  });

  it('position-tiers replies survive corruption', () => {
    expectSurvivesHostile(readFixtureJson('okx-rest-position-tiers.json'), (text) => parseRest({ purpose: 'tiers', request: stubRequest, symbols: ['BTC-USDT-SWAP'] }, 200, text, ctx));
  });
});
