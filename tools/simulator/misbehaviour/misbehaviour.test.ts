import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../market-paths/seeded-random.ts';
import { connect } from '../../test-support/ws-test-client.ts';
import { startSimulator, type RunningSimulator } from '../start-simulator.ts';
import { connectionLifetimeMs } from './drops.ts';
import { GARBAGE_KINDS, garbageFrame } from './garbage.ts';

const markFrame = { e: 'markPriceUpdate', E: 1760000000000, s: 'BTCUSDT', p: '97000.10000000', i: '96980.70000000', P: '96980.70000000', r: '0.00010000', T: 1760025600000 };

/** What a strict client accepts as a Binance mark-price frame. */
function isValidMarkFrame(text: string): boolean {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof m !== 'object' || m === null) return false;
  const f = m as Record<string, unknown>;
  const decimal = (v: unknown): boolean => typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) && Number.isFinite(Number(v));
  const integer = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v);
  return f['e'] === 'markPriceUpdate' && typeof f['s'] === 'string' && integer(f['E']) && integer(f['T']) && ['p', 'i', 'P', 'r'].every((k) => decimal(f[k]));
}

describe('garbageFrame', () => {
  it('never yields a frame a strict parser would accept, for any seed (property)', () => {
    expect(isValidMarkFrame(JSON.stringify(markFrame))).toBe(true);
    fc.assert(fc.property(fc.integer(), (seed) => !isValidMarkFrame(garbageFrame(markFrame, seededRandom(seed)).text)), { numRuns: 500, seed: 20261126 });
  });

  it('produces every kind, deterministically under a seed', () => {
    const kinds = new Set<string>();
    const rng = seededRandom(1);
    for (let i = 0; i < 200; i += 1) kinds.add(garbageFrame(markFrame, rng).kind);
    expect([...kinds].sort()).toEqual([...GARBAGE_KINDS].sort());
    expect(garbageFrame(markFrame, seededRandom(42))).toEqual(garbageFrame(markFrame, seededRandom(42)));
  });
});

describe('connectionLifetimeMs', () => {
  it('is a function of seed and ordinal, at least 200 ms, with the requested mean', () => {
    expect(connectionLifetimeMs(3, 7, 1000)).toBe(connectionLifetimeMs(3, 7, 1000));
    const lifetimes = Array.from({ length: 4000 }, (_, i) => connectionLifetimeMs(3, i, 1000));
    expect(Math.min(...lifetimes)).toBeGreaterThanOrEqual(200);
    const mean = lifetimes.reduce((a, b) => a + b, 0) / lifetimes.length;
    // Exponential(1000) floored at 200 has mean 1000 + 200 - 1000 (1 - e^-0.2) ≈ 1018.7; se ≈ 16.
    expect(Math.abs(mean - 1018.7)).toBeLessThan(80);
  });
});

describe('misbehaving scenarios over real sockets', () => {
  let sim: RunningSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('disconnects: the server drops connections on its own', async () => {
    sim = await startSimulator({ port: 0, scenario: 'disconnects', seed: 2, manualClock: true, timing: { tickMs: 20, disconnectMeanMs: 300 } });
    const clients = await Promise.all([1, 2, 3].map(() => connect(`${sim?.wsUrl}/binance/market/ws/btcusdt@markPrice@1s`)));
    const closes = await Promise.all(clients.map((c) => c.closed));
    closes.forEach(({ code }) => expect([1001, 1006]).toContain(code));
    expect(sim.stats().drops).toBe(3);
  });

  it('garbage: malformed frames are mixed into a stream, the rest stay well-formed', async () => {
    sim = await startSimulator({ port: 0, scenario: 'garbage', seed: 4, manualClock: true, timing: { tickMs: 10, garbageRate: 0.3 } });
    const client = await connect(`${sim.wsUrl}/binance/market/ws/btcusdt@markPrice@1s`);
    for (let i = 0; i < 60; i += 1) {
      const since = client.mark();
      sim.advance(1000);
      await client.waitFor(() => true, since);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const bad = client.frames.filter((f) => !isValidMarkFrame(f));
    const good = client.frames.filter(isValidMarkFrame);
    expect(good.length).toBeGreaterThanOrEqual(60);
    expect(bad.length).toBeGreaterThan(0);
    expect(bad.length).toBe(sim.stats().garbageFrames);
    client.close();
  });

  it('calm: no drops and no garbage', async () => {
    sim = await startSimulator({ port: 0, scenario: 'calm', seed: 4, manualClock: true, timing: { tickMs: 10, disconnectMeanMs: 100, garbageRate: 1 } });
    const client = await connect(`${sim.wsUrl}/binance/market/ws/btcusdt@markPrice@1s`);
    for (let i = 0; i < 10; i += 1) {
      const since = client.mark();
      sim.advance(1000);
      await client.waitFor(() => true, since);
    }
    expect(client.frames.every(isValidMarkFrame)).toBe(true);
    expect(sim.stats()).toMatchObject({ drops: 0, garbageFrames: 0 });
    client.close();
  });
});
