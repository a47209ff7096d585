import { execFile } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEMO_CREDENTIALS } from '../simulator/accounts/demo-credentials.ts';
import { startSimulator, type RunningSimulator } from '../simulator/start-simulator.ts';
import { pricesAtRho } from './crossing-prices.ts';
import { clockOffset, nowMs, sleep, startExtension, startPwa, waitFor, type InstrumentedHome } from './instrumented-homes.ts';

/**
 * Issue 12's end-to-end figure: from the simulator sending the mark frames that take an account across
 * a tier to the notification being shown, in the built PWA and in the unpacked extension, each in
 * Debian's Chromium. `npm run bench:latency` (`--crossings=100 --homes=pwa,extension --json --no-build`),
 * or with the rest of the suite: `npm run bench -- --json --browser`.
 *
 * The crossing. The simulator runs the calm scenario on a manual clock with every coin pinned
 * (`pinMarks`); Binance's demo cross pool (BTC and ETH) is taken from rho 0.2 to rho 0.95, i.e. from
 * below Watch straight into Critical, and back, by moving BTC and ETH together (prices found from the
 * simulator's own margin formulas). Each crossing is one `advance(1 s)`: every venue's mark streams send
 * their frame in that call; the time is taken just before it. The notification measured is the first
 * notice of the Binance cross pool's Critical tier (id `binance:demo:cross|tier|0.9|<t>`).
 *
 * A fresh notice per crossing, with the default policy (the extension's options cannot change it):
 * between two crossings the market goes back down to rho 0.2, far below the hysteresis band, one second
 * after the crossing (before Critical's 10 min grace would bring a reminder); the notice is resolved (its
 * notification closed), then the market is held there for 16 minutes of sim time, longer than Critical's
 * re-entry period (its 15 min reminder cadence), before the next crossing is sent. The brief
 * high lasts one second of sim time, shorter than the volatility estimate's minimum return span, so the
 * estimate stays at its floor and the LEAVE_BAND test ("near in price") lets the tier go. The Binance
 * listenKey (60 min of sim time) is kept alive with the venue's own PUT after each jump.
 *
 * The clock. Both ends stamp `performance.timeOrigin + performance.now()`: Node at the send, the browser
 * when the notification API's promise resolves (the notification is shown), through a wrapper the bench
 * installs with CDP Runtime.evaluate (`ServiceWorkerRegistration.prototype.showNotification` in the PWA
 * page, `chrome.notifications.create` in the extension's service worker): no hook in production code.
 * The offset between the two processes' clocks is measured by round trips and taken out.
 */

export type Home = 'pwa' | 'extension';

export interface NotificationLatencyRow {
  readonly home: Home;
  /** The dist folder the home was built into (this tree's, or `--against`'s). */
  readonly build: string;
  /** Crossings whose notification was shown (warm-up crossings excluded). */
  readonly crossings: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
  /** The part before the notification API was called (feed, batch, engine, messages), p50 and p99, ms. */
  readonly toCallP50Ms: number;
  readonly toCallP99Ms: number;
  /** Crossings with no notification within the timeout (not in the percentiles). */
  readonly missed: number;
  /** Browser clock minus Node clock, as measured and taken out, ms. */
  readonly clockOffsetMs: number;
}

export interface LatencyOptions {
  readonly crossings: number;
  readonly homes: readonly Home[];
  /** Another build's dist folder (`pwa/`, `extension/` inside) to alternate crossings with, or null. */
  readonly against: string | null;
  readonly build: boolean;
  readonly log: (line: string) => void;
}

const root = join(import.meta.dirname, '../..');
const WARM_UP = 3;
const UP_RHO = 0.95;
const DOWN_RHO = 0.2;
/** Longer than Critical's re-entry period (15 min): each crossing is a fresh notice. */
const DOWN_HOLD_MS = 16 * 60_000;
const NOTICE_TIMEOUT_MS = 10_000;
const CRITICAL_PREFIX = 'binance:demo:cross|tier|0.9|';

async function buildHomes(log: (line: string) => void): Promise<void> {
  log('building the PWA and the extension (as npm run build does)...');
  // NODE_ENV production: a development build would measure React's dev runtime.
  const env = { ...process.env, NODE_ENV: 'production' };
  await promisify(execFile)(join(root, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { cwd: root, env });
  await promisify(execFile)(join(root, 'node_modules/.bin/tsx'), [join(root, 'extension/build/build-extension.ts'), '--quiet'], { cwd: root, env });
}

/** Keeps the feeds fed (marks every 250 ms real, one sim second each) while a home starts. */
function feedWhile(sim: RunningSimulator): () => void {
  const timer = setInterval(() => sim.advance(1_000), 250);
  return () => clearInterval(timer);
}

async function keepListenKey(sim: RunningSimulator): Promise<void> {
  await fetch(`${sim.url}/binance/fapi/v1/listenKey`, { method: 'PUT', headers: { 'X-MBX-APIKEY': DEMO_CREDENTIALS.binance.apiKey } }).catch(() => undefined);
}

/** Nearest-rank percentile of sorted values. */
const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
const round = (x: number): number => Math.round(x * 100) / 100;

/** One home of one build, running: its simulator, its browser, and what was measured so far. */
interface Run {
  readonly dist: string;
  readonly sim: RunningSimulator;
  readonly home: InstrumentedHome;
  readonly offset: number;
  readonly latencies: number[];
  readonly toCall: number[];
  missed: number;
  open: string | null;
}

async function startRun(home: Home, dist: string, log: (line: string) => void): Promise<Run> {
  // Sim time ahead of the wall clock, as the browser tests run it (REST receive times never sit between marks).
  const sim = await startSimulator({ port: 0, scenario: 'calm', seed: 1, manualClock: true, liquidations: false, startMs: Math.floor(Date.now() / 1000) * 1000 + 3_600_000 });
  sim.pinMarks(pricesAtRho(sim, DOWN_RHO));
  const stopFeeding = feedWhile(sim);
  try {
    const h = home === 'pwa' ? await startPwa(sim, dist, log) : await startExtension(sim, dist, log);
    return { dist, sim, home: h, offset: await clockOffset(h), latencies: [], toCall: [], missed: 0, open: null };
  } finally {
    stopFeeding();
  }
}

/** One crossing (i < 0: warm-up, not counted): down and held, then up, timed to the notification. */
async function cross(run: Run, i: number, label: string, log: (line: string) => void): Promise<void> {
  const { sim, home: h } = run;
  // Down: one second (the tier is left before its 10 min grace brings a reminder), the notice resolved
  // (its notification closed), then held for longer than Critical's re-entry period.
  // The prices are found again each time: the funding the simulator pays every 8 h moves them.
  const down = pricesAtRho(sim, DOWN_RHO);
  sim.pinMarks(down);
  sim.advance(1_000);
  const closing = run.open;
  if (closing !== null) await waitFor('the Critical notice to close', async () => !(await h.onScreen()).includes(closing), NOTICE_TIMEOUT_MS).catch(() => log(`  ${label}: ${closing} still shown`));
  sim.advance(DOWN_HOLD_MS);
  await keepListenKey(sim);
  const up = pricesAtRho(sim, UP_RHO);
  sim.pinMarks(down); // until the send, REST answers at the down marks too
  await sleep(250); // longer than any batch window: the down marks are judged alone
  await h.take();
  // Up: one advance sends every venue's marks; the time is taken just before.
  sim.pinMarks(up);
  const sentAt = nowMs();
  sim.advance(1_000);
  const shown = await waitFor(`crossing ${i}'s notification`, async () => (await h.take()).find((s) => s.id.startsWith(CRITICAL_PREFIX)), NOTICE_TIMEOUT_MS, 20).catch(() => null);
  if (shown === null) {
    run.missed += i >= 0 ? 1 : 0;
    log(`  ${label}: crossing ${i} raised no Critical notice within ${NOTICE_TIMEOUT_MS} ms`);
    run.open = null;
    return;
  }
  run.open = shown.id;
  const ms = shown.at - run.offset - sentAt;
  if (i >= 0) {
    run.latencies.push(ms);
    run.toCall.push(shown.calledAt - run.offset - sentAt);
  }
  if (i < 0 || (i + 1) % 20 === 0) log(`  ${label}: crossing ${i < 0 ? `warm-up ${i + WARM_UP + 1}` : i + 1}: ${ms.toFixed(1)} ms`);
}

function rowOf(home: Home, run: Run): NotificationLatencyRow {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  const calls = [...run.toCall].sort((a, b) => a - b);
  return {
    home,
    build: run.dist,
    crossings: sorted.length,
    p50Ms: round(percentile(sorted, 0.5)),
    p99Ms: round(percentile(sorted, 0.99)),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
    meanMs: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
    toCallP50Ms: round(percentile(calls, 0.5)),
    toCallP99Ms: round(percentile(calls, 0.99)),
    missed: run.missed,
    clockOffsetMs: round(run.offset),
  };
}

/**
 * One home, 100 crossings; with `against` (another tree's build, e.g. the commit before a change) that
 * build runs beside it, each with its own simulator and Chromium, and their crossings alternate, so both
 * see the same load (this machine's load moves more between runs than a change does).
 */
async function measureHome(home: Home, dists: readonly string[], crossings: number, log: (line: string) => void): Promise<NotificationLatencyRow[]> {
  const runs: Run[] = [];
  try {
    for (const dist of dists) runs.push(await startRun(home, dist, log));
    for (let i = -WARM_UP; i < crossings; i += 1) {
      // Alternate which build goes first, so neither always follows the other's notification work.
      const order = i % 2 === 0 ? runs : [...runs].reverse();
      for (const run of order) await cross(run, i, runs.length > 1 ? `${home} (${run.dist})` : home, log);
    }
    return runs.map((run) => rowOf(home, run));
  } finally {
    for (const run of runs) {
      await run.home.close();
      await run.sim.close();
    }
  }
}

/** Every home asked for, one after the other. */
export async function notificationLatency(options: LatencyOptions): Promise<NotificationLatencyRow[]> {
  if (options.build) await buildHomes(options.log);
  const dists = [join(root, 'dist'), ...(options.against === null ? [] : [options.against])];
  const rows: NotificationLatencyRow[] = [];
  for (const home of options.homes) {
    options.log(`notification latency, ${home}: ${options.crossings} crossings into Critical (after ${WARM_UP} to warm up)${dists.length > 1 ? `, alternating with ${options.against}` : ''}`);
    for (const row of await measureHome(home, dists, options.crossings, options.log)) {
      options.log(`  ${home} (${row.build}): p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, max ${row.maxMs} ms over ${row.crossings} crossings (${row.missed} missed); to the API call p50 ${row.toCallP50Ms} ms, p99 ${row.toCallP99Ms} ms`);
      rows.push(row);
    }
  }
  return rows;
}

const optionValue = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

/** The options from the command line (`--crossings=`, `--homes=`, `--against=<another dist folder>`, `--no-build`). */
export function latencyOptions(log: (line: string) => void): LatencyOptions {
  const homes = (optionValue('homes') ?? 'pwa,extension').split(',').filter((h): h is Home => h === 'pwa' || h === 'extension');
  return { crossings: Number(optionValue('crossings') ?? 100), homes, against: optionValue('against') ?? null, build: !process.argv.includes('--no-build'), log };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const json = process.argv.includes('--json');
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverageAtStart: loadavg().map((l) => Math.round(l * 10) / 10) };
  const rows = await notificationLatency(latencyOptions(log));
  if (json) process.stdout.write(`${JSON.stringify({ machine, loadAverageAtEnd: loadavg().map((l) => Math.round(l * 10) / 10), notificationLatency: rows }, null, 2)}\n`);
  else {
    for (const r of rows) {
      console.log(`${r.home} (${r.build}): p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms, mean ${r.meanMs} ms over ${r.crossings} crossings (to the API call: p50 ${r.toCallP50Ms} ms, p99 ${r.toCallP99Ms} ms); ${r.missed} missed; clock offset ${r.clockOffsetMs} ms`);
    }
  }
}
