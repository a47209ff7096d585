import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../test-support/ws-test-client.ts';
import { DEMO_CREDENTIALS } from './accounts/demo-credentials.ts';
import { startSimulator, type RunningSimulator } from './start-simulator.ts';

const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});
const start = async (seed: number): Promise<RunningSimulator> => {
  const sim = await startSimulator({ port: 0, scenario: 'crash', seed, startMs: 1_760_000_000_000, manualClock: true, timing: { tickMs: 1000 } });
  running.push(sim);
  return sim;
};
const snapshot = async (sim: RunningSimulator): Promise<unknown[]> => [
  await (await fetch(`${sim.url}/binance/fapi/v1/premiumIndex`)).json(),
  await (await fetch(`${sim.url}/okx/api/v5/public/mark-price?instType=SWAP`)).json(),
  await (
    await fetch(`${sim.url}/hyperliquid/info`, { method: 'POST', body: JSON.stringify({ type: 'clearinghouseState', user: DEMO_CREDENTIALS.hyperliquid.address }) })
  ).json(),
];

describe('startSimulator', () => {
  it('is deterministic under a seed: same seed, same market and accounts at the same sim time', async () => {
    const [a, b, c] = [await start(21), await start(21), await start(22)];
    for (const sim of [a, b, c]) sim.advance(30 * 60_000);
    const [sa, sb, sc] = [await snapshot(a), await snapshot(b), await snapshot(c)];
    expect(sa).toEqual(sb);
    expect(sa[0]).not.toEqual(sc[0]);
  });

  it('holds pinned coins at the prices given, in streams, REST and the accounts, until unpinned', async () => {
    const sim = await start(3);
    sim.advance(60_000);
    const client = await connect(`${sim.wsUrl}/binance/market/ws/btcusdt@markPrice@1s`);
    const markOf = async (): Promise<number> => {
      const row = (await (await fetch(`${sim.url}/binance/fapi/v1/premiumIndex?symbol=BTCUSDT`)).json()) as { markPrice: string };
      return Number(row.markPrice);
    };
    const onPath = await markOf();
    const rhoOnPath = sim.books.binance.figures(sim.clock.now()).crossRiskRatio;
    sim.pinMarks({ BTC: 90_000 });
    const since = client.mark();
    sim.advance(1_000);
    const frame = await client.waitForJson<{ p: string }>((m) => typeof m.p === 'string', since);
    expect(Number(frame.p)).toBe(90_000);
    expect(await markOf()).toBe(90_000);
    expect(sim.books.binance.figures(sim.clock.now()).crossRiskRatio).toBeGreaterThan(rhoOnPath);
    sim.pinMarks(null);
    sim.advance(1_000);
    expect(Math.abs((await markOf()) - onPath) / onPath).toBeLessThan(0.05);
    expect(() => sim.pinMarks({ ETH: Number.NaN })).toThrow(/ETH must be a finite price/);
    expect(() => sim.pinMarks({ SOL: 0 })).toThrow(/SOL/);
    client.close();
  });

  it('listens on loopback only and answers unknown paths with 404', async () => {
    await expect(startSimulator({ port: 0, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
    const sim = await start(1);
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${sim.url}/kraken/whatever`)).status).toBe(404);
    expect((await fetch(`${sim.url}/binance/fapi/v9/nothing`)).status).toBe(404);
    const index = (await (await fetch(`${sim.url}/`)).json()) as { scenario: string };
    expect(index.scenario).toBe('crash');
  });

  it('runs sim time at the requested speed from the start time', async () => {
    const sim = await startSimulator({ port: 0, speed: 3600, startMs: 0 });
    running.push(sim);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // 50 ms real at 3600x is at least three minutes of sim time (no upper bound: no timing assertion).
    expect(sim.clock.now()).toBeGreaterThanOrEqual(180_000);
  });

  it('answers hostile frames on every websocket endpoint without a handler ever failing', async () => {
    const failures: string[] = [];
    const sim = await startSimulator({ port: 0, manualClock: true, log: (line) => line.includes('failed') && failures.push(line) });
    running.push(sim);
    const paths = ['/binance/market/ws', '/bybit/v5/public/linear', '/bybit/v5/private', '/okx/ws/v5/public', '/okx/ws/v5/private', '/hyperliquid/ws'];
    const hostile: unknown[] = [
      '', 'null', '[]', '42', '"x"', '{', '{"op":null}', '{"method":{"a":1}}', '{"op":"subscribe","args":"tickers.BTCUSDT"}',
      '{"op":"subscribe","args":[null,1,{"channel":null}]}', '{"op":"login","args":[null]}', '{"op":"auth","args":[]}',
      '{"method":"SUBSCRIBE","params":{"0":"x"},"id":{}}', '{"method":"subscribe","subscription":null}', 'x'.repeat(10_000),
      Buffer.from([0xff, 0x00, 0xfe]),
    ];
    for (const path of paths) {
      const client = await connect(`${sim.wsUrl}${path}`);
      for (const frame of hostile) client.ws.send(frame as string);
      client.send(path.startsWith('/okx') ? 'ping' : path.startsWith('/hyperliquid') ? { method: 'ping' } : path.startsWith('/bybit') ? { op: 'ping' } : { method: 'LIST_SUBSCRIPTIONS', id: 9 });
      await client.waitFor((f) => f === 'pong' || f.includes('pong') || f.includes('"id":9'));
      client.close();
    }
    expect(failures).toEqual([]);
    expect((await fetch(`${sim.url}/binance/fapi/v1/ping`)).status).toBe(200);
  });
});
