import { liveMonitorBatch } from '../../shared/engine/monitor/live-batch.ts';
import { emptyLiveMonitor, liveMonitorStep, type LiveMonitor, type LiveMonitorConfig } from '../../shared/engine/monitor/live-monitor.ts';
import { applyVenueEvent, applyVenueEvents, type AccountState } from '../../shared/engine/positions/account-state.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import type { VenueEvent } from '../../shared/engine/positions/venue-events.ts';
import { binanceAdapter } from '../../shared/exchanges/binance/adapter.ts';
import { defaultTakerFeeRate, marginModels } from '../../shared/exchanges/venues.ts';
import { epochMs } from '../../shared/units/units.ts';
import { liveBench, LIVE_BENCH_START } from './live-path-frames.ts';
import { pairedRatio } from './measure.ts';

/**
 * The live path per second of data (issue 8, section 4): one second of Binance per-symbol mark frames,
 * one position per symbol, through the venue parser, the feed's state fold and the monitor, against
 * JSON.parse of the same frames. "Per frame" evaluates the account on every frame (liveMonitorStep);
 * "coalesced" once per second for the whole batch (liveMonitorBatch). The first minute warms the
 * monitor (volatility, correlation, the alert state); the timed seconds follow it and start over
 * from the warm state when they run out.
 */
const WARM_SECONDS = 61;
const TIMED_SECONDS = 60;
const config: LiveMonitorConfig = { model: marginModels.binance, takerFeeRate: defaultTakerFeeRate.binance, options: { accountId: 'binance:bench' } };
const ctx = { now: epochMs(LIVE_BENCH_START), contractSize: () => undefined };

interface Live {
  feedState: AccountState;
  live: LiveMonitor;
}

let sink = 0;

function perFrame(state: Live, frames: readonly string[]): void {
  for (const frame of frames) {
    const parsed = binanceAdapter.parseFrame(frame, ctx);
    if (!parsed.ok) throw new Error(parsed.error.message);
    for (const e of parsed.events) {
      state.feedState = applyVenueEvent(state.feedState, e);
      const step = liveMonitorStep(state.live, { kind: 'venue', event: e }, state.feedState, config);
      state.live = step.live;
      sink += step.decisions.length;
    }
  }
}

function coalesced(state: Live, frames: readonly string[]): void {
  const venueEvents: VenueEvent[] = [];
  for (const frame of frames) {
    const parsed = binanceAdapter.parseFrame(frame, ctx);
    if (!parsed.ok) throw new Error(parsed.error.message);
    venueEvents.push(...parsed.events);
  }
  // The feed folds a batch's marks at once (shared/feed/feed.ts); so does this.
  state.feedState = applyVenueEvents(state.feedState, venueEvents);
  const events = venueEvents.map((event): FeedEvent => ({ kind: 'venue', event }));
  const step = liveMonitorBatch(state.live, events, state.feedState, config);
  state.live = step.live;
  sink += step.decisions.length;
}

/** One second of data per call, cycling through the timed seconds from the warm state. */
function secondBySecond(warm: Live, seconds: readonly (readonly string[])[], run: (state: Live, frames: readonly string[]) => void): () => void {
  let state: Live = { ...warm };
  let k = 0;
  return () => {
    if (k === seconds.length) {
      state = { ...warm };
      k = 0;
    }
    run(state, seconds[k] ?? []);
    k += 1;
  };
}

const only = process.argv.slice(2).find((a) => a.startsWith('--positions='));
const sizes = only === undefined ? [5, 50, 200] : only.slice('--positions='.length).split(',').map(Number);
const skipPerFrame = process.argv.includes('--coalesced-only');
const ratios = new Map<string, number>();
console.log('\nLive path, per second of Binance mark frames (one position per symbol), as multiples of JSON.parse of the same frames');
for (const n of sizes) {
  const bench = liveBench(n, WARM_SECONDS + TIMED_SECONDS);
  const warm: Live = { feedState: bench.feedState, live: emptyLiveMonitor };
  for (const second of bench.seconds.slice(0, WARM_SECONDS)) coalesced(warm, second);
  if (warm.live.monitor === null) throw new Error('the monitor did not start');
  const timed = bench.seconds.slice(WARM_SECONDS);
  let j = 0;
  const parse = () => {
    const second = timed[j++ % timed.length] ?? [];
    for (const frame of second) sink += (JSON.parse(frame) as { data: { E: number } }).data.E;
  };
  const batch = pairedRatio(parse, secondBySecond(warm, timed, coalesced));
  ratios.set(`${n} coalesced`, batch.ratio);
  let line = `  ${String(n).padStart(3)} positions: JSON.parse ${(batch.baselineNs / 1000).toFixed(1)} µs per second of data; coalesced ${batch.ratio.toFixed(1)}x (${(batch.subjectNs / 1e6).toFixed(2)} ms)`;
  if (!skipPerFrame) {
    const frame = pairedRatio(parse, secondBySecond(warm, timed, perFrame), 5);
    ratios.set(`${n} per frame`, frame.ratio);
    line += `; per frame ${frame.ratio.toFixed(1)}x (${(frame.subjectNs / 1e6).toFixed(2)} ms)`;
  }
  console.log(line);
}
const at50 = ratios.get('50 coalesced');
const at200 = ratios.get('200 coalesced');
if (at50 !== undefined && at200 !== undefined) console.log(`  coalesced, 200 positions against 50: ${(at200 / at50).toFixed(2)} (issue 8 asks for at most 2)`);
if (sink === 42) console.log('');
