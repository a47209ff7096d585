import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFixtureJson } from '../../../test-support/shared-design.ts';
import { connect } from '../../../test-support/ws-test-client.ts';
import { DEMO_CREDENTIALS } from '../../accounts/demo-credentials.ts';
import { startSimulator, type RunningSimulator } from '../../start-simulator.ts';
import { engineRisk } from '../../../test-support/engine-view.ts';

const { apiKey, secret, passphrase } = DEMO_CREDENTIALS.okx;
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    scenario: 'calm',
    seed: 5,
    startMs: 1_760_000_000_000,
    manualClock: true,
    fundingIntervalMs: 60_000,
    timing: { tickMs: 20, okxIdleMs: 600, okxSnapshotIntervalMs: 100 },
  });
});
afterAll(() => sim.close());

type Okx = { code: string; msg: string; data: Record<string, unknown>[] };
const loginFrame = (signWith: string = secret, timestamp = String(Math.floor(Date.now() / 1000))) => ({
  op: 'login',
  args: [{ apiKey, passphrase, timestamp, sign: createHmac('sha256', signWith).update(`${timestamp}GET/users/self/verify`).digest('base64') }],
});
const signedGet = async (requestPath: string, signWith: string = secret): Promise<{ status: number; body: Okx }> => {
  const timestamp = new Date().toISOString();
  const sign = createHmac('sha256', signWith).update(`${timestamp}GET${requestPath}`).digest('base64');
  const res = await fetch(`${sim.url}/okx${requestPath}`, {
    headers: { 'OK-ACCESS-KEY': apiKey, 'OK-ACCESS-SIGN': sign, 'OK-ACCESS-TIMESTAMP': timestamp, 'OK-ACCESS-PASSPHRASE': passphrase },
  });
  return { status: res.status, body: (await res.json()) as Okx };
};
const keysOf = (o: unknown): string[] => Object.keys(o as object).sort();

describe('OKX public stream', () => {
  it('acks mark-price and pushes the documented row for BTC-USDT-SWAP', async () => {
    const client = await connect(`${sim.wsUrl}/okx/ws/v5/public`);
    client.send({ op: 'subscribe', args: [{ channel: 'mark-price', instId: 'BTC-USDT-SWAP' }] });
    expect(await client.waitForJson((m) => m['event'] === 'subscribe')).toMatchObject({ event: 'subscribe', arg: { channel: 'mark-price', instId: 'BTC-USDT-SWAP' } });
    const push = await client.waitForJson<{ arg: object; data: Record<string, string>[] }>((m) => Array.isArray(m.data));
    const fixture = readFixtureJson('okx-ws-mark-price.json') as { data: object[] };
    expect(keysOf(push.data[0])).toEqual(keysOf(fixture.data[0]));
    expect(push.data[0]).toMatchObject({ instType: 'SWAP', instId: 'BTC-USDT-SWAP' });
    client.send('ping');
    await client.waitFor((f) => f === 'pong');
    client.send({ op: 'subscribe', args: [{ channel: 'mark-price', instId: 'NOPE-USDT-SWAP' }] });
    expect(await client.waitForJson((m) => m['event'] === 'error')).toMatchObject({ code: '60018' });
    client.close();
  });

  it('breaks a connection that never subscribes', async () => {
    const idle = await connect(`${sim.wsUrl}/okx/ws/v5/public`);
    const { code } = await idle.closed;
    expect(code).toBe(4004);
  });
});

describe('OKX private stream', () => {
  it('refuses a bad login and private channels before login', async () => {
    const client = await connect(`${sim.wsUrl}/okx/ws/v5/private`);
    client.send({ op: 'subscribe', args: [{ channel: 'positions', instType: 'SWAP' }] });
    expect(await client.waitForJson((m) => m['event'] === 'error')).toMatchObject({ code: '60011' });
    const since = client.mark();
    client.send(loginFrame('wrong-secret'));
    expect(await client.waitForJson((m) => m['event'] === 'error', since)).toMatchObject({ code: '60009', msg: 'Login failed.' });
    const later = client.mark();
    client.send(loginFrame(secret, String(Math.floor(Date.now() / 1000) - 120)));
    expect(await client.waitForJson((m) => m['event'] === 'error', later)).toMatchObject({ code: '60006' });
    client.close();
  });

  it('logs in, snapshots positions and balance_and_position, pushes funding events, and dies without pings when quiet', async () => {
    const client = await connect(`${sim.wsUrl}/okx/ws/v5/private`);
    client.send(loginFrame());
    expect(await client.waitForJson((m) => m['event'] === 'login')).toMatchObject({ event: 'login', code: '0' });
    client.send({ op: 'subscribe', args: [{ channel: 'positions', instType: 'SWAP', extraParams: '{"updateInterval":"0"}' }, { channel: 'balance_and_position' }] });
    const snapshot = await client.waitForJson<{ arg: { channel: string }; eventType: string; data: Record<string, string>[] }>(
      (m) => m.arg?.channel === 'positions' && m.eventType === 'snapshot',
    );
    const fixture = readFixtureJson('okx-ws-positions.json') as { data: object[] };
    expect(keysOf(snapshot.data[0])).toEqual(expect.arrayContaining(keysOf(fixture.data[0])));
    expect(snapshot.data.map((p) => [p['instId'], p['pos'], p['mgnMode']])).toEqual([
      ['BTC-USDT-SWAP', '50', 'cross'],
      ['ETH-USDT-SWAP', '100', 'isolated'],
      ['SOL-USDT-SWAP', '100', 'cross'],
    ]);
    const engine = engineRisk(sim.books.okx, sim.clock.now());
    expect(Number(snapshot.data[1]?.['mgnRatio'])).toBeCloseTo(1 / (engine.positions[1]?.riskRatio ?? 1), 6);
    await client.waitForJson((m: { arg?: { channel: string }; data?: { eventType: string }[] }) => m.arg?.channel === 'balance_and_position' && m.data?.[0]?.eventType === 'snapshot');
    const since = client.mark();
    sim.advance(60_000);
    const funding = await client.waitForJson<{ data: { eventType: string; balData: object[] }[] }>((m) => m.data?.[0]?.eventType === 'funding_fee', since);
    expect(funding.data[0]?.balData).toHaveLength(1);
    await client.waitForJson((m: { arg?: { channel: string }; eventType?: string }) => m.arg?.channel === 'positions' && m.eventType === 'event_update', since);
    // updateInterval "0": no regular snapshots, and no pings, so the quiet channel is broken (OKX's 30 s rule).
    const { code } = await client.closed;
    expect(code).toBe(4004);
  });

  it('keeps a quiet private channel alive while the client pings', async () => {
    const client = await connect(`${sim.wsUrl}/okx/ws/v5/private`);
    client.send(loginFrame());
    await client.waitForJson((m) => m['event'] === 'login');
    client.send({ op: 'subscribe', args: [{ channel: 'balance_and_position' }] });
    await client.waitForJson((m) => m['event'] === 'subscribe');
    const timer = setInterval(() => client.send('ping'), 50);
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    clearInterval(timer);
    client.close();
  });
});

describe('OKX REST', () => {
  it('serves instruments (ctVal), mark prices and position tiers counted in contracts', async () => {
    const inst = (await (await fetch(`${sim.url}/okx/api/v5/public/instruments?instType=SWAP&instId=BTC-USDT-SWAP`)).json()) as Okx;
    expect(inst.data[0]).toMatchObject({ instId: 'BTC-USDT-SWAP', ctVal: '0.01', settleCcy: 'USDT' });
    const marks = (await (await fetch(`${sim.url}/okx/api/v5/public/mark-price?instType=SWAP`)).json()) as Okx;
    expect(marks.data.map((m) => m['instId'])).toEqual(['BTC-USDT-SWAP', 'ETH-USDT-SWAP', 'SOL-USDT-SWAP']);
    const tiers = (await (await fetch(`${sim.url}/okx/api/v5/public/position-tiers?instType=SWAP&tdMode=cross&instFamily=BTC-USDT`)).json()) as Okx;
    const fixture = readFixtureJson('okx-rest-position-tiers.json') as Okx;
    expect(keysOf(tiers.data[0])).toEqual(keysOf(fixture.data[0]));
    const missing = await fetch(`${sim.url}/okx/api/v5/public/position-tiers?instType=SWAP&tdMode=cross`);
    expect(missing.status).toBe(400);
  });

  it('checks the signature on account/positions and account/balance', async () => {
    const positions = await signedGet('/api/v5/account/positions?instType=SWAP');
    expect(positions.status).toBe(200);
    expect(positions.body.data).toHaveLength(3);
    const balance = await signedGet('/api/v5/account/balance?ccy=USDT');
    const usdt = (balance.body.data[0]?.['details'] as Record<string, string>[])[0];
    expect(Number(usdt?.['mgnRatio'])).toBeCloseTo(1 / engineRisk(sim.books.okx, sim.clock.now()).riskRatio, 4);
    expect(await signedGet('/api/v5/account/balance', 'wrong-secret')).toEqual({ status: 401, body: { code: '50113', msg: 'Invalid Sign.', data: [] } });
  });
});
