import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchVenue } from './live-path-frames.ts';
import { bundledLivePath } from './bundled-live-path.ts';
import { pairedRatio } from './measure.ts';

/**
 * Before and after in one process: the coalesced live path of another checkout of this repository
 * (`--before`, a folder holding tools/bench/live-path-run.ts; `git archive <commit> | tar -x -C dir`
 * and a node_modules link) against this tree's, on the same frames, each timed against JSON.parse and
 * against each other, rounds interleaved (measure.ts).
 *
 *   npx tsx tools/bench/paired-trees.ts --before=/tmp/before [--positions=5,50,200] [--venues=binance] [--all-symbols=400] [--bundled] [--rounds=7]
 *
 * `--all-symbols=N` feeds Binance's `!markPrice@arr@1s` instead of per-symbol frames: one frame a second
 * carrying N listed symbols, the account's among them (the suite's heavy case). `--bundled` times both
 * trees' paths bundled as the homes bundle them (bundled-live-path.ts: esbuild, no tsx `__name`).
 * `--rounds=N` interleaved rounds per ratio (default 7): at 0.3 ms of path per second of data, seven
 * rounds move by 10-20 % between runs on a shared machine; 31 settle a change of 5 %.
 */
const arg = (name: string): string | undefined => process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const beforeDir = arg('before');
if (beforeDir === undefined) throw new Error('--before=<folder of the older checkout> is required');
const bundled = process.argv.includes('--bundled');
const treeModules = async (root: string) => {
  const full = isAbsolute(root) ? root : resolve(root);
  const at = (file: string) => pathToFileURL(join(full, 'tools/bench', file)).href;
  return {
    run: bundled ? await bundledLivePath(full) : ((await import(at('live-path-run.ts'))) as typeof import('./live-path-run.ts')),
    frames: (await import(at('live-path-frames.ts'))) as typeof import('./live-path-frames.ts'),
  };
};
const before = await treeModules(beforeDir);
const after = await treeModules(join(import.meta.dirname, '../..'));
const sizes = (arg('positions') ?? '5,50,200').split(',').map(Number);
const venues = (arg('venues') ?? 'binance').split(',') as BenchVenue[];
const TIMED_SECONDS = 30;
const rounds = Number(arg('rounds') ?? 7);
const allSymbols = arg('all-symbols') === undefined ? undefined : Number(arg('all-symbols'));

for (const venue of venues) {
  console.log(`\nCoalesced live path${bundled ? ' (bundled)' : ''}, ${venue}${allSymbols === undefined ? '' : ` all-symbol frames (${allSymbols} symbols)`}: before (${beforeDir}) and after (this tree), multiples of JSON.parse of the same frames`);
  for (const n of sizes) {
    // The frames are this tree's; both trees' paths read the same ones.
    const bench = after.frames.liveBench(n, after.run.WARM_SECONDS + TIMED_SECONDS, venue, 11, allSymbols === undefined ? {} : { allSymbols });
    const timed = bench.seconds.slice(after.run.WARM_SECONDS);
    const side = (tree: typeof after) => {
      const { coalesced } = tree.run.livePaths(venue);
      return tree.run.secondBySecond(tree.run.warmLive(bench.feedState, bench.seconds, coalesced), timed, coalesced);
    };
    const [old, now] = [side(before), side(after)];
    const parse = after.run.jsonParseBySecond(timed);
    const b = pairedRatio(parse, old, rounds);
    const a = pairedRatio(parse, now, rounds);
    const direct = pairedRatio(old, now, rounds);
    console.log(`  ${String(n).padStart(3)} positions: before ${b.ratio.toFixed(1)}x (${(b.subjectNs / 1e6).toFixed(2)} ms), after ${a.ratio.toFixed(1)}x (${(a.subjectNs / 1e6).toFixed(2)} ms); after / before, paired: ${direct.ratio.toFixed(2)}`);
  }
}
