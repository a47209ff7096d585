import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import { bundledModule } from '../../tools/bench/bundled-module.ts';
import type { Bucket } from './wick-shard.bench.ts';

/**
 * What the flash market asks of the monitor threads, before any thread, store or push: the relay's
 * monitor shard (relay/watch/monitor-shard.ts, its default cadence, no calm budget so that every step
 * that is due is made; wick-shard.bench.ts, bundled without tsx's `__name` as the workers run it) stepped in
 * this thread through the simulator's wick at each venue's mark rate, N devices a venue loaded 15 s
 * before it, as the load bench's flash market does. The step's CPU is
 * summed per 10 s of market time, and scaled to the load bench's 10,000 devices (40 % Binance, 25 %
 * Bybit, 20 % OKX, 15 % Hyperliquid) as **cores**: CPU seconds per second of market. Two sizes show
 * how it grows with the devices (linearly: a monitor steps alone).
 *
 * The busiest 10 s is the floor under the load bench's burst: the relay adds posting the saves, the
 * store's transactions, the push sender and more GC on the same two cores. A queue drains within a
 * second only when that sum stays well short of the cores, so frame → push p99 under 1 s at 10,000
 * devices on two cores needs this figure well under 2 (relay/README.md, Where the goal stands).
 *
 *   npx tsx relay/bench/wick-steps.bench.ts [--devices=100,400]
 *
 * Before and after in one process (this machine's speed moves by 30 % between runs, more than most
 * changes): `--before=DIR`, another checkout holding relay/bench/wick-shard.bench.ts (`git worktree add
 * DIR <commit>` and a node_modules link), both bundled, stepped through the same wick in interleaved
 * rounds, the order swapped each round; prints after / before of the CPU per venue (median of the
 * rounds) and of the busiest 10 s at 10,000 devices.
 *
 *   npx tsx relay/bench/wick-steps.bench.ts --before=/tmp/before [--devices=100] [--rounds=5]
 */
const MIX: readonly (readonly [VenueId, number])[] = [
  ['binance', 0.4],
  ['bybit', 0.25],
  ['okx', 0.2],
  ['hyperliquid', 0.15],
];
const AT_DEVICES = 10_000;

type WickShard = typeof import('./wick-shard.bench.ts');
/** One venue's pass through the wick, with its share of the 10,000 devices. */
interface Pass {
  readonly venue: VenueId;
  readonly share: number;
  readonly buckets: readonly Bucket[];
}

/** Each 10 s of market, every venue's pass summed and scaled to AT_DEVICES (passes of `devices` a venue). */
function scaledBuckets(passes: readonly Pass[], devices: number): { cpuMs: number; steps: number; pushes: number }[] {
  const count = Math.max(...passes.map((v) => v.buckets.length));
  return Array.from({ length: count }, (_, i) => {
    const sum = { cpuMs: 0, steps: 0, pushes: 0 };
    for (const { share, buckets } of passes) {
      const b = buckets[i] ?? { cpuMs: 0, steps: 0, pushes: 0 };
      const k = (share * AT_DEVICES) / devices;
      sum.cpuMs += b.cpuMs * k;
      sum.steps += b.steps * k;
      sum.pushes += b.pushes * k;
    }
    return sum;
  });
}

export async function wickStepsBench(sizes: readonly number[]): Promise<void> {
  const { throughTheWick, WICK_BUCKET_MS: BUCKET_MS } = await bundledModule<WickShard>(join(import.meta.dirname, 'wick-shard.bench.ts'));
  // The engine's code compiled and its caches warm before anything is timed: a first pass's early steps cost 2-3 times more.
  for (const [venue] of MIX) throughTheWick(venue, 20);
  console.log(`the wick's monitor steps in one thread (wick-steps.bench.ts), scaled to ${AT_DEVICES.toLocaleString('en-US')} devices; load average ${loadavg()[0]!.toFixed(1)}`);
  for (const devices of sizes) {
    const perVenue = MIX.map(([venue, share]) => ({ venue, share, buckets: throughTheWick(venue, devices) }));
    const scaled = scaledBuckets(perVenue, devices).map(({ cpuMs, steps, pushes }) => ({ cores: cpuMs / BUCKET_MS, steps, pushes, usPerStep: steps === 0 ? 0 : (cpuMs * 1000) / steps }));
    const busiest = scaled.reduce((a, b) => (b.cores > a.cores ? b : a));
    const before = scaled[0]!;
    const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
    console.log(
      `  ${devices} devices a venue: busiest 10 s ${f(busiest.cores, 2)} cores (${f(busiest.steps)} steps, ${f(busiest.pushes)} pushes, ${f(busiest.usPerStep)} µs a step); ` +
        `the 10 s before the wick ${f(before.cores, 2)} cores (${f(before.usPerStep)} µs a step); busiest / before ${f(busiest.cores / before.cores, 1)}`,
    );
    console.log(`    per 10 s, cores: ${scaled.map((s) => f(s.cores, 2)).join(' ')}`);
    console.log(`    per 10 s, pushes: ${scaled.map((s) => f(s.pushes)).join(' ')}`);
  }
}

/** After (this tree) / before (`beforeDir`'s) of the wick's CPU, interleaved in one process. */
export async function pairedWickSteps(beforeDir: string, devices: number, rounds: number): Promise<void> {
  const load = (root: string) => bundledModule<WickShard>(join(root, 'relay/bench/wick-shard.bench.ts'));
  const trees = { before: await load(beforeDir), after: await load(join(import.meta.dirname, '../..')) };
  for (const tree of Object.values(trees)) for (const [venue] of MIX) tree.throughTheWick(venue, 20);
  const ratios: Record<string, number[]> = { busiest: [] };
  const total = (buckets: readonly Bucket[], of: 'cpuMs' | 'steps') => buckets.reduce((s, b) => s + b[of], 0);
  const busiestMs = (passes: readonly Pass[]) => Math.max(...scaledBuckets(passes, devices).map((b) => b.cpuMs));
  for (let r = 0; r < rounds; r += 1) {
    const order = r % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
    const passes: Record<'before' | 'after', Pass[]> = { before: [], after: [] };
    for (const [venue, share] of MIX) for (const name of order) passes[name].push({ venue, share, buckets: trees[name].throughTheWick(venue, devices) });
    for (let v = 0; v < MIX.length; v += 1) {
      const [venue] = MIX[v]!;
      const before = passes.before[v]!.buckets;
      const after = passes.after[v]!.buckets;
      (ratios[venue] ??= []).push(total(after, 'cpuMs') / total(before, 'cpuMs'));
      (ratios[`${venue} steps`] ??= []).push(total(after, 'steps') / total(before, 'steps'));
    }
    ratios.busiest!.push(busiestMs(passes.after) / busiestMs(passes.before));
  }
  const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`after / before, ${devices} devices a venue, ${rounds} interleaved rounds (median; range) against ${beforeDir}; load average ${loadavg()[0]!.toFixed(1)}`);
  for (const [name, xs] of Object.entries(ratios)) console.log(`  ${name.padEnd(18)} ${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const sizes = (arg('devices') ?? '100,400').split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--devices: whole numbers of devices a venue, e.g. --devices=100,400');
  const before = arg('before');
  const rounds = Number(arg('rounds') ?? 5);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds: a whole number of interleaved rounds, e.g. --rounds=5');
  if (before === undefined) await wickStepsBench(sizes);
  else await pairedWickSteps(before, sizes[0]!, rounds);
}
