import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFixtureJson } from '../../../test-support/shared-design.ts';
import { connect, refusedUpgradeStatus } from '../../../test-support/ws-test-client.ts';
import { DEMO_CREDENTIALS } from '../../accounts/demo-credentials.ts';
import { startSimulator, type RunningSimulator } from '../../start-simulator.ts';
import { engineRisk } from '../../../test-support/engine-view.ts';

const { apiKey, secret } = DEMO_CREDENTIALS.binance;
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    scenario: 'crash',
    seed: 7,
    startMs: 1_760_000_000_000,
    manualClock: true,
    fundingIntervalMs: 60_000,
    timing: { tickMs: 20, binancePingIntervalMs: 100, binancePongTimeoutMs: 400 },
  });
});
afterAll(() => sim.close());

const signedQuery = (params: string, key: string = secret): string => {
  const query = `${params}${params === '' ? '' : '&'}timestamp=${Date.now()}`;
  return `${query}&signature=${createHmac('sha256', key).update(query).digest('hex')}`;
};
const rest = async (method: string, path: string, headers: Record<string, string> = { 'X-MBX-APIKEY': apiKey }) => {
  const res = await fetch(`${sim.url}/binance${path}`, { method, headers });
  return { status: res.status, body: (await res.json()) as unknown };
};
const keysOf = (o: unknown): string[] => Object.keys(o as object).sort();

describe('Binance market streams', () => {
  it('serves <symbol>@markPrice@1s in the documented markPriceUpdate shape', async () => {
    const client = await connect(`${sim.wsUrl}/binance/market/ws/btcusdt@markPrice@1s`);
    sim.advance(1000);
    // A tick may already have pushed the frame of the start second; wait for this second's.
    const frame = await client.waitForJson<Record<string, unknown>>((m) => m['e'] === 'markPriceUpdate' && m['E'] === sim.clock.now());
    const fixture = readFixtureJson('binance-ws-markPriceUpdate.doc-example.jsonc');
    expect(keysOf(frame)).toEqual(keysOf(fixture));
    expect(frame['s']).toBe('BTCUSDT');
    expect(typeof frame['p']).toBe('string');
    expect(Number(frame['p'])).toBeGreaterThan(0);
    client.close();
  });

  it('wraps combined streams and carries several hundred symbols in !markPrice@arr', async () => {
    const client = await connect(`${sim.wsUrl}/binance/market/stream?streams=!markPrice@arr@1s/ethusdt@markPrice`);
    sim.advance(3000);
    const all = await client.waitForJson<{ stream: string; data: Record<string, unknown>[] }>((m) => m.stream === '!markPrice@arr@1s');
    expect(all.data.length).toBeGreaterThan(300);
    expect(new Set(all.data.map((d) => d['s'])).size).toBe(all.data.length);
    expect(all.data.map((d) => d['s'])).toEqual(expect.arrayContaining(['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT']));
    expect(all.data.every((d) => d['e'] === 'markPriceUpdate' && Number(d['p']) > 0)).toBe(true);
    const eth = await client.waitForJson<{ stream: string; data: Record<string, unknown> }>((m) => m.stream === 'ethusdt@markPrice');
    expect(eth.data['s']).toBe('ETHUSDT');
    client.close();
  });

  it('answers SUBSCRIBE / LIST_SUBSCRIPTIONS / UNSUBSCRIBE with result frames', async () => {
    const client = await connect(`${sim.wsUrl}/binance/market/ws`);
    client.send({ method: 'SUBSCRIBE', params: ['solusdt@markPrice@1s'], id: 1 });
    expect(await client.waitForJson((m) => m['id'] === 1)).toEqual({ result: null, id: 1 });
    sim.advance(1000);
    const sol = await client.waitForJson<Record<string, unknown>>((m) => m['e'] === 'markPriceUpdate');
    expect(sol['s']).toBe('SOLUSDT');
    client.send({ method: 'LIST_SUBSCRIPTIONS', id: 2 });
    expect(await client.waitForJson((m) => m['id'] === 2)).toEqual({ result: ['solusdt@markPrice@1s'], id: 2 });
    client.send({ method: 'UNSUBSCRIBE', params: ['solusdt@markPrice@1s'], id: 3 });
    expect(await client.waitForJson((m) => m['id'] === 3)).toEqual({ result: null, id: 3 });
    client.send('{"method":');
    const error = await client.waitForJson<{ error?: { code: number } }>((m) => m.error !== undefined);
    expect(error.error?.code).toBe(3);
    client.close();
  });

  it('pings, and disconnects a client that does not answer pings', async () => {
    const deaf = await connect(`${sim.wsUrl}/binance/market/ws/btcusdt@markPrice`, { autoPong: false });
    const polite = await connect(`${sim.wsUrl}/binance/market/ws/btcusdt@markPrice`);
    let pings = 0;
    polite.ws.on('ping', () => (pings += 1));
    const { code } = await deaf.closed;
    expect(code).toBe(1006);
    expect(pings).toBeGreaterThan(0);
    expect(polite.ws.readyState).toBe(polite.ws.OPEN);
    polite.close();
  });

  it('refuses the retired /ws and unknown paths', async () => {
    expect(await refusedUpgradeStatus(`${sim.wsUrl}/binance/ws/btcusdt@markPrice`)).toBe(404);
  });
});

describe('Binance REST', () => {
  it('serves mark prices from premiumIndex, one symbol or all', async () => {
    const one = await rest('GET', '/fapi/v1/premiumIndex?symbol=BTCUSDT');
    expect(one.status).toBe(200);
    expect(keysOf(one.body)).toEqual(['estimatedSettlePrice', 'indexPrice', 'interestRate', 'lastFundingRate', 'markPrice', 'nextFundingTime', 'symbol', 'time']);
    const all = await rest('GET', '/fapi/v1/premiumIndex');
    expect((all.body as unknown[]).length).toBeGreaterThan(300);
    expect((await rest('GET', '/fapi/v1/premiumIndex?symbol=NOPEUSDT')).body).toEqual({ code: -1121, msg: 'Invalid symbol.' });
  });

  it('signs leverageBracket: good signature served, bad signature, key or timestamp refused', async () => {
    const good = await rest('GET', `/fapi/v1/leverageBracket?${signedQuery('symbol=BTCUSDT')}`);
    expect(good.status).toBe(200);
    const doc = good.body as { symbol: string; brackets: Record<string, number>[] };
    expect(doc.symbol).toBe('BTCUSDT');
    const fixture = readFixtureJson('binance-rest-leverageBracket.freqtrade-snapshot-BTCUSDT.json') as Record<string, { info: Record<string, string> }[]>;
    const real = fixture['BTC/USDT:USDT'] ?? [];
    // The first brackets are the real table: cap, rate and cum as Binance published them.
    doc.brackets.slice(0, 4).forEach((b, i) => {
      expect(b['notionalCap']).toBe(Number(real[i]?.info['notionalCap']));
      expect(b['maintMarginRatio']).toBe(Number(real[i]?.info['maintMarginRatio']));
      expect(b['cum']).toBe(Number(real[i]?.info['cum']));
    });
    const badSig = await rest('GET', `/fapi/v1/leverageBracket?${signedQuery('symbol=BTCUSDT', 'wrong-secret')}`);
    expect(badSig).toEqual({ status: 400, body: { code: -1022, msg: 'Signature for this request is not valid.' } });
    const tampered = signedQuery('symbol=BTCUSDT').replace('BTCUSDT', 'ETHUSDT');
    expect((await rest('GET', `/fapi/v1/leverageBracket?${tampered}`)).body).toMatchObject({ code: -1022 });
    const noKey = await rest('GET', `/fapi/v1/leverageBracket?${signedQuery('')}`, {});
    expect(noKey.status).toBe(401);
    expect((await rest('GET', `/fapi/v1/leverageBracket?${signedQuery('')}`, { 'X-MBX-APIKEY': 'other' })).body).toMatchObject({ code: -2015 });
    const stale = `symbol=BTCUSDT&timestamp=${Date.now() - 120_000}`;
    const staleSigned = `${stale}&signature=${createHmac('sha256', secret).update(stale).digest('hex')}`;
    expect((await rest('GET', `/fapi/v1/leverageBracket?${staleSigned}`)).body).toMatchObject({ code: -1021 });
  });

  it('serves positionRisk and account consistent with each other and the engine', async () => {
    const risk = (await rest('GET', `/fapi/v3/positionRisk?${signedQuery('')}`)).body as Record<string, string>[];
    expect(risk.map((r) => r['symbol'])).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
    const account = (await rest('GET', `/fapi/v3/account?${signedQuery('')}`)).body as { totalMaintMargin: string; positions: Record<string, string>[] };
    const mmSum = risk.reduce((s, r) => s + Number(r['maintMargin']), 0);
    expect(Number(account.totalMaintMargin)).toBeCloseTo(mmSum, 6);
    const engine = engineRisk(sim.books.binance, sim.clock.now());
    risk.forEach((r, i) => expect(Number(r['liquidationPrice'])).toBeCloseTo(engine.positions[i]?.liquidationPrice ?? 0, 4));
    const v2 = (await rest('GET', `/fapi/v2/positionRisk?${signedQuery('symbol=SOLUSDT')}`)).body as Record<string, string>[];
    expect(v2[0]).toMatchObject({ symbol: 'SOLUSDT', marginType: 'isolated', leverage: '12' });
  });
});

describe('Binance user data stream', () => {
  it('refuses a private socket with an unknown listenKey, and PUT on no key answers -1125', async () => {
    expect(await refusedUpgradeStatus(`${sim.wsUrl}/binance/private/ws?listenKey=nope`)).toBe(400);
    await rest('DELETE', '/fapi/v1/listenKey');
    expect(await rest('PUT', '/fapi/v1/listenKey')).toEqual({ status: 400, body: { code: -1125, msg: 'This listenKey does not exist.' } });
    expect((await rest('POST', '/fapi/v1/listenKey', {})).status).toBe(401);
  });

  it('pushes ACCOUNT_UPDATE on funding, honours the events allow-list, and expires the key by sim time', async () => {
    const { listenKey } = (await rest('POST', '/fapi/v1/listenKey')).body as { listenKey: string };
    expect(listenKey).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(((await rest('PUT', '/fapi/v1/listenKey')).body as { listenKey: string }).listenKey).toBe(listenKey);
    const all = await connect(`${sim.wsUrl}/binance/private/ws?listenKey=${listenKey}`);
    const filtered = await connect(`${sim.wsUrl}/binance/private/stream?listenKey=${listenKey}&events=ACCOUNT_UPDATE%2FORDER_TRADE_UPDATE`);
    sim.advance(60_000);
    const update = await all.waitForJson<{ e: string; a: { m: string; B: Record<string, string>[]; P: Record<string, string>[] } }>((m) => m.e === 'ACCOUNT_UPDATE');
    expect(update.a.m).toBe('FUNDING_FEE');
    const fixture = readFixtureJson('binance-ws-ACCOUNT_UPDATE.json') as { a: { B: object[]; P: object[] } };
    expect(keysOf(update.a.B[0])).toEqual(keysOf(fixture.a.B[0]));
    expect(update.a.P.map((p) => p['s'])).toEqual(['SOLUSDT']);
    const wrapped = await filtered.waitForJson<{ stream: string; data: { e: string } }>((m) => m.data?.e === 'ACCOUNT_UPDATE');
    expect(wrapped.stream).toBe(listenKey);
    sim.advance(61 * 60_000);
    const expired = await all.waitForJson<{ e: string; listenKey: string }>((m) => m.e === 'listenKeyExpired');
    expect(expired.listenKey).toBe(listenKey);
    // The filtered socket did not name listenKeyExpired, so it must not get it (docs/margin-math.md §2.4);
    // both sockets were served in the same tick, so a short grace period is plenty.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(filtered.frames.some((f) => f.includes('listenKeyExpired'))).toBe(false);
    expect((await rest('PUT', '/fapi/v1/listenKey')).body).toMatchObject({ code: -1125 });
    all.close();
    filtered.close();
  });
});

describe('Binance through a crash', () => {
  let crash: RunningSimulator;
  beforeAll(async () => {
    crash = await startSimulator({ port: 0, scenario: 'crash', seed: 2, startMs: 1_760_000_000_000, manualClock: true, timing: { tickMs: 1000 } });
  });
  afterAll(() => crash.close());

  it('sends MARGIN_CALL before liquidating, then reports the closed positions', async () => {
    const res = await fetch(`${crash.url}/binance/fapi/v1/listenKey`, { method: 'POST', headers: { 'X-MBX-APIKEY': apiKey } });
    const { listenKey } = (await res.json()) as { listenKey: string };
    const client = await connect(`${crash.wsUrl}/binance/private/ws?listenKey=${listenKey}&events=ACCOUNT_UPDATE/MARGIN_CALL`);
    for (let minute = 0; minute < 55; minute += 1) crash.advance(60_000);
    const call = await client.waitForJson<Record<string, unknown>>((m) => m['e'] === 'MARGIN_CALL');
    const fixture = readFixtureJson('binance-ws-MARGIN_CALL.json') as { p: object[] };
    expect(keysOf(call)).toEqual(keysOf(fixture));
    expect(keysOf((call['p'] as object[])[0])).toEqual(keysOf(fixture.p[0]));
    type Update = { e: string; a: { m: string; P: { s: string; pa: string }[] } };
    const liquidation = await client.waitForJson<Update>((m) => m.e === 'ACCOUNT_UPDATE' && m.a.m === 'ORDER');
    expect(liquidation.a.P.every((p) => p.pa === '0')).toBe(true);
    const order = client.frames.findIndex((f) => f.includes('MARGIN_CALL'));
    expect(order).toBeLessThan(client.frames.findIndex((f) => f.includes('"m":"ORDER"')));
    const query = `timestamp=${Date.now()}`;
    const risk = await fetch(`${crash.url}/binance/fapi/v3/positionRisk?${query}&signature=${createHmac('sha256', secret).update(query).digest('hex')}`, {
      headers: { 'X-MBX-APIKEY': apiKey },
    });
    expect(await risk.json()).toEqual([]);
    client.close();
  });
});
