import { forecastBand } from '../../shared/engine/monitor/forecast-band.ts';
import { tierBand } from '../../shared/engine/monitor/tier-band.ts';
import { liveBench, VENUE_STREAMS, type BenchVenue } from '../../tools/bench/live-path-frames.ts';
import { livePaths, warmLive, WARM_SECONDS } from '../../tools/bench/live-path-run.ts';
import { pairedRatio } from '../../tools/bench/measure.ts';
import { markIntervalBatches } from '../../tools/bench/mark-interval-batches.ts';

/**
 * What the forecast band costs the relay's step (relay/watch/monitor-shard.ts rebuilds it after every
 * step of a monitor): the same batches from the same warm state, one `liveMonitorBatch` per batch with
 * its tier band, against the same with the forecast band too, rounds interleaved (tools/bench/measure.ts).
 * Prints µs per batch of each and the paired ratio; the difference is the band's price per rebuild.
 *
 *   npx tsx relay/bench/forecast-band-cost.bench.ts [--venues=bybit,binance,okx,hyperliquid] [--positions=5]
 */
const arg = (name: string): string | undefined => process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const TIMED_SECONDS = 30;
const venues = (arg('venues') ?? 'bybit,binance,okx,hyperliquid').split(',') as BenchVenue[];
const sizes = (arg('positions') ?? '5').split(',').map(Number);

let edges = 0;
for (const venue of venues) {
  for (const n of sizes) {
    const bench = liveBench(n, WARM_SECONDS + TIMED_SECONDS, venue);
    const batches = markIntervalBatches(bench.seconds.slice(WARM_SECONDS), 1_000 / VENUE_STREAMS[venue].perSecond);
    const side = (withForecast: boolean) => {
      const { coalesced, batch } = livePaths(venue);
      const warm = warmLive(bench.feedState, bench.seconds, coalesced);
      return () => {
        const state = { ...warm };
        for (const frames of batches) {
          batch(state, frames);
          const monitor = state.live.monitor;
          edges += Object.keys(tierBand(monitor)).length;
          if (withForecast && monitor !== null) edges += Object.keys(forecastBand(monitor)?.band ?? {}).length;
        }
      };
    };
    const r = pairedRatio(side(false), side(true));
    const us = (ns: number) => (ns / batches.length / 1000).toFixed(1);
    console.log(
      `${venue}, ${n} positions: batch + tierBand ${us(r.baselineNs)} µs, + forecastBand ${us(r.subjectNs)} µs per batch; the forecast band ${us(r.subjectNs - r.baselineNs)} µs per rebuild; paired ratio ${r.ratio.toFixed(2)}`,
    );
  }
}
if (edges === 0) throw new Error('no band was computed');
