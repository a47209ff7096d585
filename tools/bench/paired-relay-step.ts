import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { liveBench, VENUE_STREAMS, type BenchVenue } from './live-path-frames.ts';
import { pairedRatio } from './measure.ts';
import { markIntervalBatches } from './mark-interval-batches.ts';

/**
 * The relay's step per device (relay/watch/monitor-shard.ts: one `liveMonitorBatch`, then
 * `tierBand(monitor)`), before and after in one process: another checkout's (`--before`, made as for
 * paired-trees.ts) against this tree's, the same batches from the same warm state, rounds interleaved.
 * Prints µs per batch (medians of the rounds) and the paired ratio, the batch alone and with the band.
 * The snapshot and JSON.stringify the relay adds when a batch decides something are left out.
 *
 *   npx tsx tools/bench/paired-relay-step.ts --before=/tmp/before [--venues=bybit,binance] [--positions=5]
 */
const arg = (name: string): string | undefined => process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const beforeDir = arg('before');
if (beforeDir === undefined) throw new Error('--before=<folder of the older checkout> is required');
const TIMED_SECONDS = 30;
const treeModules = async (root: string) => {
  const full = isAbsolute(root) ? root : resolve(root);
  const at = (file: string) => pathToFileURL(join(full, file)).href;
  return {
    run: (await import(at('tools/bench/live-path-run.ts'))) as typeof import('./live-path-run.ts'),
    band: (await import(at('shared/engine/monitor/tier-band.ts'))) as typeof import('../../shared/engine/monitor/tier-band.ts'),
  };
};
const before = await treeModules(beforeDir);
const after = await treeModules(join(import.meta.dirname, '../..'));
const venues = (arg('venues') ?? 'bybit,binance').split(',') as BenchVenue[];
const sizes = (arg('positions') ?? '5').split(',').map(Number);

let bands = 0;
for (const venue of venues) {
  for (const n of sizes) {
    const bench = liveBench(n, after.run.WARM_SECONDS + TIMED_SECONDS, venue);
    const batches = markIntervalBatches(bench.seconds.slice(after.run.WARM_SECONDS), 1_000 / VENUE_STREAMS[venue].perSecond);
    const side = (tree: typeof after, withBand: boolean) => {
      const { coalesced, batch } = tree.run.livePaths(venue);
      const warm = tree.run.warmLive(bench.feedState, bench.seconds, coalesced);
      return () => {
        const state = { ...warm };
        for (const frames of batches) {
          batch(state, frames);
          if (withBand) bands += Object.keys(tree.band.tierBand(state.live.monitor)).length;
        }
      };
    };
    for (const withBand of [false, true]) {
      const r = pairedRatio(side(before, withBand), side(after, withBand));
      const us = (ns: number) => `${(ns / batches.length / 1000).toFixed(1)} µs`;
      console.log(`${venue}, ${n} positions, ${withBand ? 'batch + tierBand' : 'batch alone'}: before ${us(r.baselineNs)} per batch, after ${us(r.subjectNs)}; after / before, paired: ${r.ratio.toFixed(2)}`);
    }
  }
}
if (bands === 0) throw new Error('no band was computed');
