import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { emptyLiveMonitor } from '../../shared/engine/monitor/live-monitor.ts';
import { buildSizes, type BuildSizes } from './bundle-sizes.ts';
import { bundledLivePath } from './bundled-live-path.ts';
import { liveBench, liveBenchStream, type BenchVenue, type StreamOptions } from './live-path-frames.ts';
import { jsonParseBySecond, livePaths, secondBySecond, WARM_SECONDS, warmLive, type Live } from './live-path-run.ts';
import { cpuNs, pairedRatio } from './measure.ts';
import { latencyOptions, notificationLatency } from './notification-latency.ts';
import { checkBudgets } from './size-budgets.ts';

/**
 * Issue 12's figures in one run, machine-readable with --json (`npm run bench -- --json`):
 * - hotPath: the coalesced live path (parse, fold, one evaluation per mark interval) per second of data
 *   as a multiple of JSON.parse of the same frames, and the share of one core it takes, for each venue's
 *   per-symbol mark frames and Binance's all-symbol `!markPrice@arr@1s` frame, at 5, 50 and 200 positions;
 * - latency: tick to decision at 1,000 frames a second (50 positions), the batches formed as a home's
 *   event batcher with a window of one task turn forms them: whatever arrived while the last batch ran;
 * - heap: heap growth over a simulated day of one-second marks for 50 positions;
 * - sizes: the built bundles in gzip bytes, and issue 12's budgets;
 * - notificationLatency, with --browser: simulator frame to notification shown, in the PWA and the
 *   extension in Chromium (notification-latency.ts; it builds both first, so it runs before the sizes).
 * --quick (under a minute): fewer and shorter rounds, a simulated half hour for the heap.
 */
const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');
const log = (line: string): void => void process.stderr.write(`${line}\n`);

const POSITIONS = [5, 50, 200];
/** About the USDT-margined perpetuals Binance lists: the all-symbol frame carries them all. */
const BINANCE_LISTED = 400;
const STREAMS: readonly { readonly venue: BenchVenue; readonly stream: string; readonly options?: StreamOptions }[] = [
  { venue: 'binance', stream: '<symbol>@markPrice@1s' },
  { venue: 'binance', stream: '!markPrice@arr@1s', options: { allSymbols: BINANCE_LISTED } },
  { venue: 'bybit', stream: 'tickers.<symbol> (100 ms)' },
  { venue: 'okx', stream: 'mark-price (200 ms)' },
  { venue: 'hyperliquid', stream: 'activeAssetCtx (1 s)' },
];
const rounds = quick ? 3 : 7;
const minRoundMs = quick ? 15 : 150;
const timedSeconds = quick ? 5 : 30;

export interface HotPathRow {
  readonly venue: BenchVenue;
  readonly stream: string;
  readonly positions: number;
  /** CPU time of the live path for one second of data over that of JSON.parse of the same frames. */
  readonly ratio: number;
  /** The live path's CPU time per second of data: the share of one core it keeps busy. */
  readonly cpuShareOfCore: number;
  readonly jsonParseUsPerSecond: number;
  readonly livePathMsPerSecond: number;
  /**
   * The same path bundled as the homes' builds bundle it (esbuild, es2022, no keepNames: no tsx `__name`
   * wrapping; bundled-live-path.ts), timed against its own JSON.parse rounds. `ratio` above is the tsx
   * reading (what the relay runs); this one is what the PWA and the extension run.
   */
  readonly bundledRatio: number;
  readonly bundledCpuShareOfCore: number;
}

function hotPath(bundled: typeof import('./live-path-run.ts')): HotPathRow[] {
  const rows: HotPathRow[] = [];
  for (const { venue, stream, options } of STREAMS) {
    const { coalesced } = livePaths(venue);
    const { coalesced: bundledCoalesced } = bundled.livePaths(venue);
    for (const positions of POSITIONS) {
      const bench = liveBench(positions, WARM_SECONDS + timedSeconds, venue, 11, options);
      const warm = warmLive(bench.feedState, bench.seconds, coalesced);
      const timed = bench.seconds.slice(WARM_SECONDS);
      const parse = jsonParseBySecond(timed);
      const r = pairedRatio(parse, secondBySecond(warm, timed, coalesced), rounds, minRoundMs);
      const bundledWarm = bundled.warmLive(bench.feedState, bench.seconds, bundledCoalesced);
      const b = pairedRatio(parse, bundled.secondBySecond(bundledWarm, timed, bundledCoalesced), rounds, minRoundMs);
      const row = {
        venue,
        stream,
        positions,
        ratio: round(r.ratio, 2),
        cpuShareOfCore: round(r.subjectNs / 1e9, 5),
        jsonParseUsPerSecond: round(r.baselineNs / 1e3, 1),
        livePathMsPerSecond: round(r.subjectNs / 1e6, 3),
        bundledRatio: round(b.ratio, 2),
        bundledCpuShareOfCore: round(b.subjectNs / 1e9, 5),
      };
      log(`  hot path ${venue} ${stream}, ${positions} positions: ${row.ratio}x JSON.parse (bundled ${row.bundledRatio}x), ${(row.cpuShareOfCore * 100).toFixed(2)} % of a core`);
      rows.push(row);
    }
  }
  return rows;
}

export interface Latency {
  readonly framesPerSecond: number;
  readonly positions: number;
  readonly frames: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanBatchFrames: number;
  readonly busyShare: number;
}

/**
 * Bybit ticker frames for 50 symbols, each every 50 ms: 1,000 frames a second. Time is simulated: the
 * clock moves to a frame's arrival when idle and by each batch's CPU time while busy (the wait for a core
 * on a shared machine is left out); a frame's latency is the end of the batch that decided on it less
 * its arrival.
 */
function latency(): Latency {
  const positions = 50;
  const perSecond = 20;
  const bench = liveBench(positions, WARM_SECONDS + (quick ? 2 : 10), 'bybit', 11, { perSecond });
  const { coalesced, batch } = livePaths('bybit');
  const state: Live = { ...warmLive(bench.feedState, bench.seconds, coalesced) };
  const frames = bench.seconds.slice(WARM_SECONDS).flat();
  const latencies: number[] = [];
  let batches = 0;
  let busyMs = 0;
  let t = frames[0]?.at ?? 0;
  for (let i = 0; i < frames.length; ) {
    t = Math.max(t, frames[i]?.at ?? t);
    let j = i;
    while (j < frames.length && (frames[j]?.at ?? Infinity) <= t) j += 1;
    const c0 = cpuNs();
    batch(state, frames.slice(i, j));
    const ms = (cpuNs() - c0) / 1e6;
    t += ms;
    busyMs += ms;
    batches += 1;
    for (let k = i; k < j; k += 1) latencies.push(t - (frames[k]?.at ?? t));
    i = j;
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN, 3);
  const spanMs = (frames.at(-1)?.at ?? 0) - (frames[0]?.at ?? 0) + 1;
  const row = { framesPerSecond: positions * perSecond, positions, frames: frames.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1 - 1e-9), meanBatchFrames: round(frames.length / batches, 2), busyShare: round(busyMs / spanMs, 3) };
  log(`  latency at ${row.framesPerSecond} frames/s, ${positions} positions: p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, ${row.meanBatchFrames} frames a batch`);
  return row;
}

export interface HeapGrowth {
  readonly positions: number;
  readonly simulatedHours: number;
  /** Heap in use after a full GC once the monitor is warm (the first hour; six minutes with --quick). */
  readonly heapAfterWarmBytes: number;
  readonly heapAtEndBytes: number;
  readonly growthBytes: number;
  readonly samples: readonly { readonly hour: number; readonly heapUsedBytes: number }[];
}

/** Binance one-second marks for 50 positions, coalesced, a simulated day (half an hour with --quick). */
function heapGrowth(): HeapGrowth {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const positions = 50;
  const seconds = quick ? 1_800 : 86_400;
  const warmSeconds = quick ? 360 : 3_600;
  const sampleEvery = quick ? 360 : 7_200;
  const stream = liveBenchStream(positions, 'binance');
  const { coalesced } = livePaths('binance');
  const state: Live = { feedState: stream.feedState, live: emptyLiveMonitor };
  const heapNow = (): number => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const samples: { hour: number; heapUsedBytes: number }[] = [];
  let heapAfterWarmBytes = 0;
  for (let s = 0; s < seconds; s += 1) {
    coalesced(state, stream.second(s));
    if (s + 1 === warmSeconds) heapAfterWarmBytes = heapNow();
    if ((s + 1) % sampleEvery === 0) samples.push({ hour: round((s + 1) / 3_600, 2), heapUsedBytes: heapNow() });
  }
  const heapAtEndBytes = samples.at(-1)?.heapUsedBytes ?? heapNow();
  const row = { positions, simulatedHours: seconds / 3_600, heapAfterWarmBytes, heapAtEndBytes, growthBytes: heapAtEndBytes - heapAfterWarmBytes, samples };
  log(`  heap over ${row.simulatedHours} h of one-second marks, ${positions} positions: ${(row.growthBytes / 1024).toFixed(0)} KB growth after warm-up`);
  return row;
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

const started = Date.now();
const notificationLatencyRows = process.argv.includes('--browser') ? await notificationLatency(latencyOptions(log)) : null;
const sizeDetails: BuildSizes = buildSizes(join(import.meta.dirname, '../../dist'));
const result = {
  command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
  quick,
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverage1m: round(loadavg()[0] ?? 0, 1) },
  hotPath: hotPath(await bundledLivePath(join(import.meta.dirname, '../..'))),
  latency: latency(),
  heap: heapGrowth(),
  sizes: Object.fromEntries(Object.entries(sizeDetails).map(([k, v]) => [k, v.gzipBytes])) as Record<keyof BuildSizes, number | null>,
  sizeDetails,
  budgets: checkBudgets(sizeDetails),
  notificationLatency: notificationLatencyRows,
  seconds: 0,
};
result.seconds = round((Date.now() - started) / 1000, 1);
if (json) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`\nIssue 12 suite${quick ? ' (--quick)' : ''}: ${result.machine.cpus} x ${result.machine.cpu}, Node ${result.machine.node}, load ${result.machine.loadAverage1m}`);
  console.log('  hot path (coalesced), multiples of JSON.parse of the same frames, and share of one core:');
  console.log('  (tsx, as the relay runs it; bundled, as the PWA and the extension run it)');
  for (const r of result.hotPath) console.log(`    ${`${r.venue} ${r.stream}`.padEnd(40)} ${String(r.positions).padStart(3)} positions: ${r.ratio.toFixed(1).padStart(7)}x  ${(r.cpuShareOfCore * 100).toFixed(3).padStart(7)} %; bundled ${r.bundledRatio.toFixed(1).padStart(7)}x`);
  const l = result.latency;
  console.log(`  tick to decision at ${l.framesPerSecond} frames/s, ${l.positions} positions: p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms (max ${l.maxMs} ms; ${l.meanBatchFrames} frames a batch; busy ${(l.busyShare * 100).toFixed(1)} %)`);
  const h = result.heap;
  console.log(`  heap over ${h.simulatedHours} h, ${h.positions} positions: ${(h.heapAfterWarmBytes / 1e6).toFixed(1)} MB after warm-up, ${(h.heapAtEndBytes / 1e6).toFixed(1)} MB at the end (${(h.growthBytes / 1024).toFixed(0)} KB)`);
  for (const b of result.budgets) console.log(`  ${b.size.padEnd(20)} ${b.gzipBytes === null ? '-' : `${(b.gzipBytes / 1024).toFixed(1)} KB`}  ${b.verdict}${b.reason === undefined ? '' : ` (${b.reason})`}`);
  for (const r of result.notificationLatency ?? []) console.log(`  frame to notification, ${r.home}: p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms (max ${r.maxMs} ms, ${r.crossings} crossings, ${r.missed} missed)`);
  console.log(`  (${result.seconds} s)`);
}
