import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFixtureJson } from '../../../test-support/shared-design.ts';
import { connect } from '../../../test-support/ws-test-client.ts';
import { DEMO_CREDENTIALS } from '../../accounts/demo-credentials.ts';
import { startSimulator, type RunningSimulator } from '../../start-simulator.ts';
import { engineRisk } from '../../../test-support/engine-view.ts';

const { apiKey, secret } = DEMO_CREDENTIALS.bybit;
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    scenario: 'calm',
    seed: 3,
    startMs: 1_760_000_000_000,
    manualClock: true,
    fundingIntervalMs: 60_000,
    timing: { tickMs: 20, bybitIdleMs: 600 },
  });
});
afterAll(() => sim.close());

type Envelope = { retCode: number; retMsg: string; result: Record<string, unknown> };
const signedGet = async (path: string, query: string, signWith: string = secret, timestamp = Date.now()): Promise<Envelope> => {
  const recvWindow = '5000';
  const sign = createHmac('sha256', signWith).update(`${timestamp}${apiKey}${recvWindow}${query}`).digest('hex');
  const res = await fetch(`${sim.url}/bybit${path}?${query}`, {
    headers: { 'X-BAPI-API-KEY': apiKey, 'X-BAPI-TIMESTAMP': String(timestamp), 'X-BAPI-RECV-WINDOW': recvWindow, 'X-BAPI-SIGN': sign },
  });
  return (await res.json()) as Envelope;
};
const authFrame = (signWith: string = secret, expires = Date.now() + 10_000) => ({
  req_id: 'auth-1',
  op: 'auth',
  args: [apiKey, expires, createHmac('sha256', signWith).update(`GET/realtime${expires}`).digest('hex')],
});
const keysOf = (o: unknown): string[] => Object.keys(o as object).sort();

describe('Bybit public linear stream', () => {
  it('acks a tickers subscription, sends the snapshot in the documented shape, then deltas', async () => {
    const client = await connect(`${sim.wsUrl}/bybit/v5/public/linear`);
    client.send({ req_id: 's1', op: 'subscribe', args: ['tickers.BTCUSDT'] });
    expect(await client.waitForJson((m) => m['op'] === 'subscribe')).toMatchObject({ success: true, ret_msg: '', req_id: 's1', op: 'subscribe' });
    const snapshot = await client.waitForJson<{ topic: string; type: string; data: Record<string, string> }>((m) => m.type === 'snapshot');
    const fixture = readFixtureJson('bybit-ws-tickers-linear-snapshot.json') as { data: object };
    expect(keysOf(snapshot.data)).toEqual(keysOf(fixture.data));
    expect(snapshot.topic).toBe('tickers.BTCUSDT');
    expect(Number(snapshot.data['markPrice'])).toBeGreaterThan(0);
    sim.advance(60_000);
    const delta = await client.waitForJson<{ type: string; data: Record<string, string> }>((m) => m.type === 'delta');
    expect(delta.data['symbol']).toBe('BTCUSDT');
    expect(delta.data['markPrice']).not.toBe(snapshot.data['markPrice']);
    // A delta holds only what changed.
    expect(Object.keys(delta.data).length).toBeLessThan(Object.keys(snapshot.data).length);
    client.close();
  });

  it('refuses an unknown topic and answers ping with pong', async () => {
    const client = await connect(`${sim.wsUrl}/bybit/v5/public/linear`);
    client.send({ op: 'subscribe', args: ['tickers.NOPEUSDT'] });
    expect(await client.waitForJson((m) => m['op'] === 'subscribe')).toMatchObject({ success: false });
    client.send({ req_id: 'p1', op: 'ping' });
    expect(await client.waitForJson((m) => m['op'] === 'ping')).toMatchObject({ success: true, ret_msg: 'pong', req_id: 'p1' });
    client.close();
  });

  it('cuts a client that stops pinging, keeps one that pings', async () => {
    const silent = await connect(`${sim.wsUrl}/bybit/v5/public/linear`);
    const pinging = await connect(`${sim.wsUrl}/bybit/v5/public/linear`);
    const timer = setInterval(() => pinging.send({ op: 'ping' }), 50);
    await silent.closed;
    expect(pinging.ws.readyState).toBe(pinging.ws.OPEN);
    clearInterval(timer);
    pinging.close();
  });
});

describe('Bybit private stream', () => {
  it('rejects a bad signature and private topics before auth', async () => {
    const client = await connect(`${sim.wsUrl}/bybit/v5/private`);
    client.send({ op: 'subscribe', args: ['wallet'] });
    expect(await client.waitForJson((m) => m['op'] === 'subscribe')).toMatchObject({ success: false, ret_msg: 'Request not authorized' });
    client.send(authFrame('wrong-secret'));
    expect(await client.waitForJson((m) => m['op'] === 'auth')).toMatchObject({ success: false, op: 'auth' });
    const since = client.mark();
    client.send(authFrame(secret, Date.now() - 1000));
    expect(await client.waitForJson((m) => m['op'] === 'auth', since)).toMatchObject({ success: false });
    client.close();
  });

  it('authenticates, then pushes wallet and position on changes only', async () => {
    const client = await connect(`${sim.wsUrl}/bybit/v5/private`);
    client.send(authFrame());
    expect(await client.waitForJson((m) => m['op'] === 'auth')).toMatchObject({ success: true, ret_msg: '', op: 'auth' });
    client.send({ op: 'subscribe', args: ['position', 'wallet'] });
    expect(await client.waitForJson((m) => m['op'] === 'subscribe')).toMatchObject({ success: true });
    client.send({ req_id: 'pp', op: 'ping' });
    expect(await client.waitForJson((m) => m['op'] === 'pong')).toMatchObject({ req_id: 'pp', op: 'pong' });
    expect(client.frames.some((f) => f.includes('"topic":"wallet"'))).toBe(false); // no snapshot on subscribe
    sim.advance(60_000); // one funding period
    const wallet = await client.waitForJson<{ topic: string; data: Record<string, unknown>[] }>((m) => m.topic === 'wallet');
    const fixture = readFixtureJson('bybit-ws-wallet.json') as { data: object[] };
    expect(keysOf(wallet.data[0])).toEqual(keysOf(fixture.data[0]));
    expect(wallet.data[0]?.['accountType']).toBe('UNIFIED');
    client.close();
  });
});

describe('Bybit REST', () => {
  it('serves public tickers and risk limits in fraction form', async () => {
    const tickers = (await (await fetch(`${sim.url}/bybit/v5/market/tickers?category=linear&symbol=ETHUSDT`)).json()) as Envelope;
    expect(tickers.retCode).toBe(0);
    expect((tickers.result['list'] as Record<string, string>[])[0]?.['symbol']).toBe('ETHUSDT');
    const limits = (await (await fetch(`${sim.url}/bybit/v5/market/risk-limit?category=linear&symbol=BTCUSDT`)).json()) as Envelope;
    const rows = limits.result['list'] as Record<string, unknown>[];
    const live = readFixtureJson('bybit-rest-risk-limit-linear-result.live-capture.json') as { list: Record<string, unknown>[] };
    expect(rows.slice(0, 2)).toEqual(live.list);
  });

  it('checks the v5 signature on position/list and wallet-balance', async () => {
    const positions = await signedGet('/v5/position/list', 'category=linear&settleCoin=USDT');
    expect(positions.retCode).toBe(0);
    const list = positions.result['list'] as Record<string, string>[];
    expect(list.map((p) => p['symbol'])).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
    expect(list[0]).toHaveProperty('avgPrice');
    const wallet = await signedGet('/v5/account/wallet-balance', 'accountType=UNIFIED');
    const entry = (wallet.result['list'] as Record<string, string>[])[0];
    const engine = engineRisk(sim.books.bybit, sim.clock.now());
    expect(Number(entry?.['accountMMRate'])).toBeCloseTo(engine.riskRatio, 4);
    expect((await signedGet('/v5/account/wallet-balance', 'accountType=UNIFIED', 'wrong-secret')).retCode).toBe(10004);
    expect((await signedGet('/v5/account/wallet-balance', 'accountType=UNIFIED', secret, Date.now() - 60_000)).retCode).toBe(10002);
  });
});

describe('Bybit through a crash', () => {
  it('pushes the liquidated positions with size "0" and the wallet after', async () => {
    const crash = await startSimulator({ port: 0, scenario: 'crash', seed: 2, startMs: 1_760_000_000_000, manualClock: true, timing: { tickMs: 1000 } });
    try {
      const client = await connect(`${crash.wsUrl}/bybit/v5/private`);
      client.send(authFrame());
      await client.waitForJson((m) => m['op'] === 'auth');
      client.send({ op: 'subscribe', args: ['position', 'wallet'] });
      await client.waitForJson((m) => m['op'] === 'subscribe');
      for (let minute = 0; minute < 55; minute += 1) crash.advance(60_000);
      const position = await client.waitForJson<{ topic: string; data: Record<string, string>[] }>((m) => m.topic === 'position');
      expect(position.data.map((p) => [p['symbol'], p['size'], p['side']])).toEqual([
        ['BTCUSDT', '0', ''],
        ['ETHUSDT', '0', ''],
        ['SOLUSDT', '0', ''],
      ]);
      const fixture = readFixtureJson('bybit-ws-position.json') as { data: object[] };
      expect(keysOf(position.data[0])).toEqual(keysOf(fixture.data[0]));
      await client.waitForJson((m: { topic?: string }) => m.topic === 'wallet');
      client.close();
    } finally {
      await crash.close();
    }
  });
});
