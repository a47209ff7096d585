import { buildSync } from 'esbuild';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { PassBucket, PassData } from './rehearsal-pass.bench.ts';

/**
 * What the rehearsal (relay/watch/rehearsal.ts) saves in a crash: each pass in a fresh worker thread (a
 * fresh isolate, as a relay's monitor thread starts), `devices` of a venue loaded minutes before the
 * wick (the relay had seen only calm), stepped through it with and without the rehearsal at their load,
 * in alternating order. The figure is the whole process's CPU in the wick's busiest 10 s (the
 * steps', and V8's compiler and GC threads', which a crash otherwise keeps busy compiling the crash
 * code), rehearsed / not, per venue (median of the rounds); then what the rehearsal costs at load.
 *
 *   npx tsx relay/bench/rehearsal.bench.ts [--devices=300] [--rounds=3] [--venues=binance,okx]
 */
const FROM_MIN = 7;

let code: string | null = null;
function pass(data: PassData): Promise<{ loadMs: number; buckets: PassBucket[] }> {
  code ??= buildSync({ entryPoints: [join(import.meta.dirname, 'rehearsal-pass.bench.ts')], bundle: true, format: 'cjs', platform: 'node', target: 'node20', minify: true, write: false, logLevel: 'error' }).outputFiles[0]!.text;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code!, { eval: true, workerData: data });
    let loadMs = 0;
    worker.on('message', (m: { kind: 'loaded'; processMs: number } | { kind: 'done'; buckets: PassBucket[] }) => {
      if (m.kind === 'loaded') loadMs = m.processMs;
      else resolve({ loadMs, buckets: m.buckets });
    });
    worker.on('error', reject);
    worker.on('exit', (c) => (c === 0 ? undefined : reject(new Error(`pass exited with ${c}`))));
  });
}

const busiest = (buckets: readonly PassBucket[]): PassBucket => buckets.reduce((a, b) => (b.processMs > a.processMs ? b : a));
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function rehearsalBench(venues: readonly VenueId[], devices: number, rounds: number): Promise<void> {
  console.log(`the rehearsal's saving in the wick (rehearsal.bench.ts): ${devices} devices a venue, loaded ${FROM_MIN} min into the scenario, a fresh thread a pass, ${rounds} rounds; load average ${loadavg()[0]!.toFixed(1)}`);
  for (const venue of venues) {
    const ratios: number[] = [];
    const stepRatios: number[] = [];
    const rows: string[] = [];
    let loadCost = 0;
    for (let r = 0; r < rounds; r += 1) {
      const order = r % 2 === 0 ? [false, true] : [true, false];
      const got = new Map<boolean, { loadMs: number; buckets: PassBucket[] }>();
      for (const rehearse of order) got.set(rehearse, await pass({ venue, devices, fromMin: FROM_MIN, rehearse }));
      const [cold, warm] = [got.get(false)!, got.get(true)!];
      const [c, w] = [busiest(cold.buckets), busiest(warm.buckets)];
      ratios.push(w.processMs / c.processMs);
      stepRatios.push(w.stepMs / c.stepMs);
      loadCost = warm.loadMs - cold.loadMs;
      rows.push(`${Math.round(c.processMs)} → ${Math.round(w.processMs)} ms (steps ${Math.round(c.stepMs)} → ${Math.round(w.stepMs)})`);
    }
    console.log(
      `  ${venue.padEnd(11)} busiest 10 s, process CPU rehearsed / not ${median(ratios).toFixed(2)} (steps alone ${median(stepRatios).toFixed(2)}); per round ${rows.join(', ')}; the rehearsal at load ~${Math.round(loadCost)} ms of CPU`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const devices = Number(arg('devices') ?? 300);
  const rounds = Number(arg('rounds') ?? 3);
  const venues = (arg('venues') ?? 'binance,bybit,okx,hyperliquid').split(',') as VenueId[];
  if (!Number.isInteger(devices) || devices < 1) throw new Error('--devices: a whole number of devices a venue, e.g. --devices=300');
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds: a whole number, e.g. --rounds=3');
  const known: readonly string[] = ['binance', 'bybit', 'okx', 'hyperliquid'];
  const unknown = venues.filter((v) => !known.includes(v));
  if (unknown.length > 0) throw new Error(`--venues: unknown ${unknown.join(', ')} (binance, bybit, okx, hyperliquid)`);
  await rehearsalBench(venues, devices, rounds);
}
