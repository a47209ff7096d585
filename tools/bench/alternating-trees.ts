import { execFileSync } from 'node:child_process';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchVenue } from './live-path-frames.ts';
import { bundledLivePath } from './bundled-live-path.ts';
import { pairedRatio } from './measure.ts';

/**
 * Before and after in separate processes, alternated: each process loads one tree's coalesced live path
 * (tsx, or `--bundled`) and times it against JSON.parse of the same frames (measure.ts, rounds
 * interleaved). paired-trees.ts puts both trees in one process, where each tree's path runs beside the
 * other's compiled code and garbage; here each process holds one, and the processes alternate
 * (before, after, before, ...) so that the load of the minute falls on both. Prints each process's
 * ratio and, per tree, their median.
 *
 *   npx tsx tools/bench/alternating-trees.ts --before=/tmp/before [--venue=binance] [--positions=50] [--all-symbols=400] [--bundled] [--pairs=4]
 */
const arg = (name: string): string | undefined => process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const TIMED_SECONDS = 30;

if (arg('child') !== undefined) {
  const root = arg('child') ?? '';
  const venue = (arg('venue') ?? 'binance') as BenchVenue;
  const n = Number(arg('positions') ?? 50);
  const allSymbols = arg('all-symbols') === undefined ? undefined : Number(arg('all-symbols'));
  const at = (file: string) => pathToFileURL(join(root, 'tools/bench', file)).href;
  const run = process.argv.includes('--bundled') ? await bundledLivePath(root) : ((await import(at('live-path-run.ts'))) as typeof import('./live-path-run.ts'));
  // The frames are this tree's (the one running the children): both trees read the same ones.
  const frames = (await import('./live-path-frames.ts')) as typeof import('./live-path-frames.ts');
  const bench = frames.liveBench(n, run.WARM_SECONDS + TIMED_SECONDS, venue, 11, allSymbols === undefined ? {} : { allSymbols });
  const timed = bench.seconds.slice(run.WARM_SECONDS);
  const { coalesced } = run.livePaths(venue);
  const path = run.secondBySecond(run.warmLive(bench.feedState, bench.seconds, coalesced), timed, coalesced);
  const r = pairedRatio(run.jsonParseBySecond(timed), path, 15);
  console.log(JSON.stringify({ ratio: r.ratio, ms: r.subjectNs / 1e6 }));
} else {
  const before = arg('before');
  if (before === undefined) throw new Error('--before=<folder of the older checkout> is required');
  const trees = { before: isAbsolute(before) ? before : resolve(before), after: join(import.meta.dirname, '../..') };
  const pairs = Number(arg('pairs') ?? 4);
  const passOn = process.argv.slice(2).filter((a) => !a.startsWith('--before=') && !a.startsWith('--pairs='));
  const got: Record<'before' | 'after', number[]> = { before: [], after: [] };
  for (let i = 0; i < pairs; i += 1) {
    for (const side of i % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const)) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, `--child=${trees[side]}`, ...passOn], { encoding: 'utf8' });
      const { ratio, ms } = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { ratio: number; ms: number };
      got[side].push(ratio);
      console.log(`  ${side.padEnd(6)} ${ratio.toFixed(2)}x (${ms.toFixed(3)} ms per second of data)`);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const b = median(got.before);
  const a = median(got.after);
  console.log(`${arg('venue') ?? 'binance'} ${arg('positions') ?? 50} positions${process.argv.includes('--bundled') ? ' (bundled)' : ''}: before ${b.toFixed(2)}x, after ${a.toFixed(2)}x (medians of ${pairs}); after / before ${(a / b).toFixed(2)}`);
}
