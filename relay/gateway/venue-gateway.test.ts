import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../tools/simulator/accounts/demo-credentials.ts';
import { startSimulator, type RunningSimulator } from '../../tools/simulator/start-simulator.ts';
import { silentLog } from '../relay-log.ts';
import { startRelay, type Relay } from '../start-relay.ts';
import { testDir } from '../../tools/test-support/test-dir.ts';

/** The gateway in a relay pointed at the simulator: public answers cached, signed reads forwarded, the rest refused. */
let sim: RunningSimulator;
let relay: Relay;
let upstreamCalls: string[];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, scenario: 'calm', seed: 1 });
  upstreamCalls = [];
  const counting: typeof globalThis.fetch = (input, init) => {
    upstreamCalls.push(String(input));
    return globalThis.fetch(input, init);
  };
  relay = await startRelay(
    { port: 0, host: '127.0.0.1', dataDir: testDir('relay-gw-'), store: 'sqlite', shard: null, workers: 0, staleAfterSec: 900, bodyLimitBytes: 65_536, venuesFrom: sim.url },
    { log: silentLog, clock: Date.now, fetch: counting },
  );
});
afterAll(async () => {
  await relay.stop();
  await sim.close();
});

describe('venue gateway', () => {
  it('public: the venue answer passed on, then served from the cache; CORS for pages', async () => {
    const path = '/v1/venues/okx/public/api/v5/public/position-tiers?instType=SWAP&tdMode=cross&instFamily=BTC-USDT';
    const first = await fetch(`${relay.url}${path}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-relay-cache')).toBe('miss');
    expect(first.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await first.json()) as { code: string; data: unknown[] };
    expect(body.code).toBe('0');
    expect(body.data.length).toBeGreaterThan(0);
    const second = await fetch(`${relay.url}${path}`);
    expect(second.headers.get('x-relay-cache')).toBe('hit');
    expect(await second.json()).toEqual(body);
    expect(upstreamCalls.filter((u) => u.includes('position-tiers'))).toHaveLength(1);
    const info = await fetch(`${relay.url}/v1/venues/binance/public/fapi/v1/exchangeInfo`);
    expect(info.status).toBe(200);
    expect(((await info.json()) as { symbols: unknown[] }).symbols.length).toBeGreaterThan(0);
  });

  it('private: a read request signed on the phone is forwarded with its auth headers only, never cached', async () => {
    const { apiKey, secret } = DEMO_CREDENTIALS.binance;
    const query = `timestamp=${Date.now()}`;
    const signed = `${query}&signature=${createHmac('sha256', secret).update(query).digest('hex')}`;
    const path = `/v1/venues/binance/private/fapi/v2/positionRisk?${signed}`;
    const risk = await fetch(`${relay.url}${path}`, { headers: { 'X-MBX-APIKEY': apiKey, cookie: 'not-forwarded=1' } });
    expect(risk.status).toBe(200);
    const positions = (await risk.json()) as { symbol: string }[];
    expect(positions.map((p) => p.symbol).sort()).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
    expect(risk.headers.get('x-relay-cache')).toBeNull();
    // A wrong signature is the venue's refusal, passed back as it is.
    const bad = await fetch(`${relay.url}/v1/venues/binance/private/fapi/v2/positionRisk?${query}&signature=${'0'.repeat(64)}`, { headers: { 'X-MBX-APIKEY': apiKey } });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
  });

  it('refuses what is not an allow-listed GET', async () => {
    const status = async (path: string, method = 'GET') => (await fetch(`${relay.url}${path}`, { method })).status;
    expect(await status('/v1/venues/binance/public/fapi/v1/order')).toBe(403);
    expect(await status('/v1/venues/binance/private/fapi/v1/order')).toBe(403);
    expect(await status('/v1/venues/binance/private/fapi/v1/listenKey')).toBe(403);
    expect(await status('/v1/venues/binance/public/fapi/v1/exchangeInfo', 'POST')).toBe(405);
    expect(await status('/v1/venues/kraken/public/x')).toBe(404);
    expect(await status('/v1/venues/binance/public/fapi/v1/../v1/order')).toBe(403);
    expect(await status('/health')).toBe(200);
  });
});
