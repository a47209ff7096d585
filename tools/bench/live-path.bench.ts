import { liveBench, type BenchVenue } from './live-path-frames.ts';
import { jsonParseBySecond, livePaths, secondBySecond, WARM_SECONDS, warmLive } from './live-path-run.ts';
import { pairedRatio } from './measure.ts';

/**
 * The live path per second of data (issue 8, section 4): one second of a venue's per-symbol mark
 * frames, one position per symbol, through the venue parser, the feed's state fold and the monitor,
 * against JSON.parse of the same frames, both in CPU time, their rounds interleaved (measure.ts).
 * "Per frame" evaluates the account on every frame (liveMonitorStep); "coalesced" once per batch
 * (liveMonitorBatch), a batch being the frames of one mark interval of the venue (Binance 1 s, Bybit
 * 100 ms, OKX 200 ms, Hyperliquid 1 s). The first minute warms the monitor (volatility, correlation,
 * alert state); the timed seconds follow it and start over from the warm state when they run out.
 *
 *   npx tsx tools/bench/live-path.bench.ts [--venues=binance,bybit] [--positions=5,50,200] [--coalesced-only]
 */
const TIMED_SECONDS = 30;

const arg = (name: string): string | undefined => process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const sizes = (arg('positions') ?? '5,50,200').split(',').map(Number);
const venues = (arg('venues') ?? 'binance').split(',') as BenchVenue[];
const skipPerFrame = process.argv.includes('--coalesced-only');
for (const venue of venues) {
  const { perFrame, coalesced } = livePaths(venue);
  const ratios = new Map<number, number>();
  console.log(`\nLive path, per second of ${venue} mark frames (one position per symbol), as multiples of JSON.parse of the same frames`);
  for (const n of sizes) {
    const bench = liveBench(n, WARM_SECONDS + TIMED_SECONDS, venue);
    const warm = warmLive(bench.feedState, bench.seconds, coalesced);
    const timed = bench.seconds.slice(WARM_SECONDS);
    const parse = jsonParseBySecond(timed);
    const batched = pairedRatio(parse, secondBySecond(warm, timed, coalesced));
    ratios.set(n, batched.ratio);
    let line = `  ${String(n).padStart(3)} positions: JSON.parse ${(batched.baselineNs / 1000).toFixed(1)} µs per second of data; coalesced ${batched.ratio.toFixed(1)}x (${(batched.subjectNs / 1e6).toFixed(2)} ms)`;
    if (!skipPerFrame) {
      const frame = pairedRatio(parse, secondBySecond(warm, timed, perFrame), n >= 200 ? 3 : 5);
      line += `; per frame ${frame.ratio.toFixed(1)}x (${(frame.subjectNs / 1e6).toFixed(2)} ms)`;
    }
    console.log(line);
  }
  const at50 = ratios.get(50);
  const at200 = ratios.get(200);
  if (at50 !== undefined && at200 !== undefined) console.log(`  coalesced, 200 positions against 50: ${(at200 / at50).toFixed(2)} (issue 8 asks for at most 2)`);
}
