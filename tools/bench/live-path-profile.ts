import { liveBench, type BenchVenue } from './live-path-frames.ts';
import { livePaths, secondBySecond, WARM_SECONDS, warmLive } from './live-path-run.ts';

/**
 * A fixed amount of the coalesced live path and nothing else (no JSON.parse baseline, no calibration),
 * for a CPU profile whose shares are the path's own:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx tools/bench/live-path-profile.ts [positions] [venue] [seconds]
 *
 * It prints the CPU time per second of data, which on a shared machine is only a rough figure: the
 * benches (live-path.bench.ts, suite.ts, paired-trees.ts) are where ratios are measured.
 */
const n = Number(process.argv[2] ?? 50);
const venue = (process.argv[3] ?? 'binance') as BenchVenue;
const rounds = Number(process.argv[4] ?? 3000);
const { coalesced } = livePaths(venue);
const bench = liveBench(n, WARM_SECONDS + 30, venue);
const run = secondBySecond(warmLive(bench.feedState, bench.seconds, coalesced), bench.seconds.slice(WARM_SECONDS), coalesced);
const from = process.cpuUsage();
for (let i = 0; i < rounds; i += 1) run();
const spent = process.cpuUsage(from);
console.log(`${venue}, ${n} positions: ${((spent.user + spent.system) / rounds / 1000).toFixed(3)} ms of CPU per second of data (${rounds} seconds)`);
