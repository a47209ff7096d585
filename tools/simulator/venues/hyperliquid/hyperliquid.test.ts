import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFixtureJson } from '../../../test-support/shared-design.ts';
import { connect } from '../../../test-support/ws-test-client.ts';
import { DEMO_CREDENTIALS } from '../../accounts/demo-credentials.ts';
import { startSimulator, type RunningSimulator } from '../../start-simulator.ts';
import { engineRisk } from '../../../test-support/engine-view.ts';

const user = DEMO_CREDENTIALS.hyperliquid.address;
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    scenario: 'calm',
    seed: 9,
    startMs: 1_760_000_000_000,
    manualClock: true,
    fundingIntervalMs: 60_000,
    timing: { tickMs: 20, hyperliquidIdleMs: 400 },
  });
});
afterAll(() => sim.close());

const info = async (body: unknown): Promise<{ status: number; body: unknown }> => {
  const res = await fetch(`${sim.url}/hyperliquid/info`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') === true ? JSON.parse(text) : text };
};
const keysOf = (o: unknown): string[] => Object.keys(o as object).sort();

describe('Hyperliquid websocket', () => {
  it('greets, acks subscriptions and streams activeAssetCtx and allMids in the live shapes', async () => {
    const client = await connect(`${sim.wsUrl}/hyperliquid/ws`);
    await client.waitFor((f) => f === 'Websocket connection established.');
    client.send({ method: 'subscribe', subscription: { type: 'activeAssetCtx', coin: 'BTC' } });
    expect(await client.waitForJson((m) => m['channel'] === 'subscriptionResponse')).toEqual({
      channel: 'subscriptionResponse',
      data: { method: 'subscribe', subscription: { type: 'activeAssetCtx', coin: 'BTC' } },
    });
    const ctx = await client.waitForJson<{ channel: string; data: { coin: string; ctx: Record<string, unknown> } }>((m) => m.channel === 'activeAssetCtx');
    const fixture = readFixtureJson('hyperliquid-ws-activeAssetCtx.live-capture.json') as { data: { ctx: object } };
    expect(keysOf(ctx.data.ctx)).toEqual(keysOf(fixture.data.ctx));
    expect(ctx.data.coin).toBe('BTC');
    client.send({ method: 'subscribe', subscription: { type: 'allMids' } });
    const mids = await client.waitForJson<{ channel: string; data: { mids: Record<string, string> } }>((m) => m.channel === 'allMids');
    expect(Object.keys(mids.data.mids)).toEqual(['BTC', 'ETH', 'SOL']);
    expect(mids.data.mids['BTC']).toBe(ctx.data.ctx['markPx']);
    client.send({ method: 'ping' });
    await client.waitForJson((m) => m['channel'] === 'pong');
    client.send({ method: 'subscribe', subscription: { type: 'activeAssetCtx', coin: 'NOPE' } });
    await client.waitForJson((m) => m['channel'] === 'error');
    client.close();
  });

  it('streams clearinghouseState for the demo address on subscribe and on change', async () => {
    const client = await connect(`${sim.wsUrl}/hyperliquid/ws`);
    client.send({ method: 'subscribe', subscription: { type: 'clearinghouseState', user } });
    type Event = { channel: string; data: { dex: string; user: string; clearinghouseState: { assetPositions: { position: { cumFunding: { allTime: string } } }[] } } };
    const first = await client.waitForJson<Event>((m) => m.channel === 'clearinghouseState');
    expect(first.data.user).toBe(user);
    const rest = (await info({ type: 'clearinghouseState', user })).body;
    const live = readFixtureJson('hyperliquid-rest-clearinghouseState.cross-live-capture.json');
    expect(keysOf(first.data.clearinghouseState)).toEqual(keysOf(live));
    expect(keysOf(rest)).toEqual(keysOf(live));
    const since = client.mark();
    sim.advance(60_000);
    const second = await client.waitForJson<Event>((m) => m.channel === 'clearinghouseState', since);
    expect(second.data.clearinghouseState.assetPositions[0]?.position.cumFunding.allTime).not.toBe('0.0');
    client.close();
  });

  it('closes a connection the server has had nothing to send on', async () => {
    const client = await connect(`${sim.wsUrl}/hyperliquid/ws`);
    const { code } = await client.closed;
    expect(code).toBe(1006);
  });
});

describe('Hyperliquid info', () => {
  it('answers clearinghouseState consistently with the engine, and an unknown address with an empty account', async () => {
    const { body } = await info({ type: 'clearinghouseState', user });
    const state = body as { crossMaintenanceMarginUsed: string; assetPositions: { position: { coin: string; liquidationPx: string; leverage: { type: string } } }[] };
    expect(state.assetPositions.map((a) => [a.position.coin, a.position.leverage.type])).toEqual([['BTC', 'cross'], ['ETH', 'cross'], ['SOL', 'isolated']]);
    const engine = engineRisk(sim.books.hyperliquid, sim.clock.now());
    expect(Number(state.crossMaintenanceMarginUsed)).toBeCloseTo(engine.maintenanceMargin, 4);
    state.assetPositions.forEach((a, i) => expect(Number(a.position.liquidationPx)).toBeCloseTo(engine.positions[i]?.liquidationPrice ?? 0, 4));
    const empty = (await info({ type: 'clearinghouseState', user: `0x${'1'.repeat(40)}` })).body as { assetPositions: unknown[] };
    expect(empty.assetPositions).toEqual([]);
  });

  it('serves meta with marginTables, metaAndAssetCtxs and allMids, and refuses what it cannot read', async () => {
    const meta = (await info({ type: 'meta' })).body as { universe: Record<string, unknown>[]; marginTables: unknown[] };
    const live = readFixtureJson('hyperliquid-rest-meta-marginTables.live-capture.json') as { universe: Record<string, unknown>[]; marginTables: unknown[] };
    expect(meta.universe.find((u) => u['name'] === 'BTC')).toEqual(live.universe.find((u) => u['name'] === 'BTC'));
    expect(meta.marginTables).toEqual(expect.arrayContaining(live.marginTables));
    const both = (await info({ type: 'metaAndAssetCtxs' })).body as [unknown, Record<string, unknown>[]];
    expect(both[1]).toHaveLength(3);
    expect(Object.keys((await info({ type: 'allMids' })).body as object)).toEqual(['BTC', 'ETH', 'SOL']);
    expect((await info({ type: 'nonsense' })).status).toBe(422);
  });
});
