import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../shared/platform/system-clock.ts';
import { startSimulator } from '../../tools/simulator/start-simulator.ts';
import { binanceDemoAccountJson } from '../../tools/test-support/replay-documents.ts';
import { silentLog } from '../relay-log.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import { MARK_WINDOW_MS, publicMarkFeed } from '../watch/public-mark-feed.ts';
import { relayWatcher, type BatchReport } from '../watch/relay-watcher.ts';

/**
 * `npm run bench:relay [-- --quick]`: one relay watcher on loopback against the simulator's crash
 * (speed 60, so alerts fall within the run; marks still arrive at the venue's real rate, Binance
 * `@markPrice@1s`), N devices of 5 positions each written straight into the SQLite store (not over
 * HTTP), the push queue filled but not posted (the figure is frame to push enqueued). Reports, per
 * size: batch latency p50/p99 (first frame of a batch to its decisions and pushes committed; the
 * 1 s batch window included), the processing part alone (window closed to committed), CPU share
 * of one core and CPU per monitor step (the figure that survives a machine shared with other work:
 * wall-clock latencies there count the time spent waiting for a core), RSS and heap. Bounded:
 * `seconds` per size.
 */
const quick = process.argv.includes('--quick');
const argValue = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const sizes = argValue('sizes')?.split(',').map(Number) ?? (quick ? [200, 1_000] : [1_000, 5_000, 10_000]);
const seconds = Number(argValue('seconds') ?? (quick ? 35 : 45));

/** The Binance demo account scaled per device, plus two isolated shorts: five positions. */
function deviceAccount(i: number): Record<string, unknown> {
  const demo = binanceDemoAccountJson() as { walletBalance: number; positions: Record<string, unknown>[] };
  const scale = 0.3 + ((i * 7919) % 1000) / 600;
  const positions: Record<string, unknown>[] = demo.positions.map((p) => {
    const qty = Number(p['qty']) * scale;
    return { ...p, qty, ...(p['marginMode'] === 'isolated' ? { isolatedMargin: (qty * Number(p['entryPrice'])) / Number(p['leverage']) } : {}) };
  });
  const shorts = positions.slice(0, 2).map((p) => {
    const qty = Number(p['qty']) / 4;
    return { ...p, side: 'short', marginMode: 'isolated', leverage: 10, qty, isolatedMargin: (qty * Number(p['entryPrice'])) / 10 };
  });
  return { ...demo, walletBalance: demo.walletBalance * scale * (0.9 + ((i * 31) % 20) / 100), positions: [...positions, ...shorts] };
}

const percentile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function run(devices: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'relay-bench-'));
  const store = openSqliteStore(join(dir, 'relay.sqlite'));
  const now = Date.now();
  for (let i = 0; i < devices; i += 1) {
    const id = `bench-${i}`;
    await store.createDevice({ id, tokenHash: 'x', createdAtMs: now, subscription: null, vapidJwk: null, subject: 'mailto:bench@margin-sentry.test' });
    await store.putSnapshot({ deviceId: id, body: JSON.stringify({ takenAtMs: now, accounts: [{ accountId: 'binance:main', account: deviceAccount(i) }] }), receivedAtMs: now });
  }
  const sim = await startSimulator({ port: 0, scenario: 'crash', speed: 60, seed: 1 });
  const reports: BatchReport[] = [];
  const watcher = relayWatcher({
    store,
    log: silentLog,
    clock: Date.now,
    timers: systemClock,
    shard: null,
    staleAfterSec: 7 * 86_400,
    openFeed: publicMarkFeed(sim.url),
    windowMs: (venue) => MARK_WINDOW_MS[venue],
    drain: () => undefined,
    onBatch: (r) => reports.push(r),
  });
  const loadStart = performance.now();
  await watcher.start();
  const loadMs = performance.now() - loadStart;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  await watcher.settled();
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  const mem = process.memoryUsage();
  await watcher.stop();
  await sim.close();
  const queued = reports.reduce((n, r) => n + r.queued, 0);
  const stepped = reports.filter((r) => r.monitors > 0);
  const steps = stepped.reduce((n, r) => n + r.monitors, 0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const total = stepped.map((r) => r.doneAtMs - r.firstEventAtMs).sort((a, b) => a - b);
  const work = stepped.map((r) => r.doneAtMs - r.handedAtMs).sort((a, b) => a - b);
  const pushes = (await Promise.all(Array.from({ length: Math.min(devices, 200) }, (_, i) => store.pushes(`bench-${i}`)))).flat().length;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `${String(devices).padStart(6)} devices ${String(devices * 5).padStart(6)} positions | load ${(loadMs / 1000).toFixed(1)} s | ${stepped.length} batches | ` +
      `frame→enqueued p50 ${percentile(total, 0.5).toFixed(0)} ms p99 ${percentile(total, 0.99).toFixed(0)} ms | processing p50 ${percentile(work, 0.5).toFixed(0)} ms p99 ${percentile(work, 0.99).toFixed(0)} ms | ` +
      `CPU ${((cpuMs / wallMs) * 100).toFixed(0)} % of a core, ${((cpuMs * 1000) / Math.max(1, steps)).toFixed(0)} µs per monitor step (${steps} steps) | RSS ${(mem.rss / 2 ** 20).toFixed(0)} MB heap ${(mem.heapUsed / 2 ** 20).toFixed(0)} MB | ` +
      `pushes queued ${queued} (${pushes} for the first ${Math.min(devices, 200)} devices)`,
  );
}

console.log(`relay load bench: Binance marks @1s from the simulator (crash, speed 60), ${seconds} s per size, batch window ${MARK_WINDOW_MS.binance} ms`);
for (const n of sizes) await run(n);
