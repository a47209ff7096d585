import { liveMonitorBatch } from '../../shared/engine/monitor/live-batch.ts';
import { emptyLiveMonitor, liveMonitorStep, type LiveMonitor, type LiveMonitorConfig } from '../../shared/engine/monitor/live-monitor.ts';
import { applyVenueEvent, applyVenueEvents, type AccountState } from '../../shared/engine/positions/account-state.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import type { VenueEvent } from '../../shared/engine/positions/venue-events.ts';
import { defaultTakerFeeRate, marginModels, venueAdapters } from '../../shared/exchanges/venues.ts';
import type { ParseContext } from '../../shared/ports/venue-adapter.ts';
import { epochMs } from '../../shared/units/units.ts';
import { liveBench, VENUE_STREAMS, type BenchFrame, type BenchVenue } from './live-path-frames.ts';
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
const WARM_SECONDS = 61;
const TIMED_SECONDS = 30;

interface Live {
  feedState: AccountState;
  live: LiveMonitor;
}

let sink = 0;

function paths(venue: BenchVenue) {
  const adapter = venueAdapters[venue];
  const config: LiveMonitorConfig = { model: marginModels[venue], takerFeeRate: defaultTakerFeeRate[venue], options: { accountId: `${venue}:bench` } };
  // Hyperliquid's frames carry no time: the parser stamps the arrival, as the feed's context does.
  const parse = (frame: BenchFrame): readonly VenueEvent[] => {
    const ctx: ParseContext = { now: epochMs(frame.at), contractSize: () => 1 };
    const parsed = adapter.parseFrame(frame.text, ctx);
    if (!parsed.ok) throw new Error(parsed.error.message);
    return parsed.events;
  };
  const windowMs = 1_000 / VENUE_STREAMS[venue].perSecond;
  const perFrame = (state: Live, frames: readonly BenchFrame[]): void => {
    for (const frame of frames) {
      for (const e of parse(frame)) {
        state.feedState = applyVenueEvent(state.feedState, e);
        const step = liveMonitorStep(state.live, { kind: 'venue', event: e }, state.feedState, config);
        state.live = step.live;
        sink += step.decisions.length;
      }
    }
  };
  const batch = (state: Live, frames: readonly BenchFrame[]): void => {
    const venueEvents = frames.flatMap(parse);
    // The feed folds a batch's marks at once (shared/feed/feed.ts); so does this.
    state.feedState = applyVenueEvents(state.feedState, venueEvents);
    const step = liveMonitorBatch(state.live, venueEvents.map((event): FeedEvent => ({ kind: 'venue', event })), state.feedState, config);
    state.live = step.live;
    sink += step.decisions.length;
  };
  /** One second of frames in batches of one mark interval each. */
  const coalesced = (state: Live, frames: readonly BenchFrame[]): void => {
    let from = 0;
    while (from < frames.length) {
      const end = Math.floor((frames[from]?.at ?? 0) / windowMs) * windowMs + windowMs;
      let to = from;
      while (to < frames.length && (frames[to]?.at ?? 0) < end) to += 1;
      batch(state, frames.slice(from, to));
      from = to;
    }
  };
  return { perFrame, coalesced };
}

/** One second of data per call, cycling through the timed seconds from the warm state. */
function secondBySecond(warm: Live, seconds: readonly (readonly BenchFrame[])[], run: (state: Live, frames: readonly BenchFrame[]) => void): () => void {
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

const arg = (name: string): string | undefined => process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const sizes = (arg('positions') ?? '5,50,200').split(',').map(Number);
const venues = (arg('venues') ?? 'binance').split(',') as BenchVenue[];
const skipPerFrame = process.argv.includes('--coalesced-only');
for (const venue of venues) {
  const { perFrame, coalesced } = paths(venue);
  const ratios = new Map<number, number>();
  console.log(`\nLive path, per second of ${venue} mark frames (one position per symbol), as multiples of JSON.parse of the same frames`);
  for (const n of sizes) {
    const bench = liveBench(n, WARM_SECONDS + TIMED_SECONDS, venue);
    const warm: Live = { feedState: bench.feedState, live: emptyLiveMonitor };
    for (const second of bench.seconds.slice(0, WARM_SECONDS)) coalesced(warm, second);
    if (warm.live.monitor === null) throw new Error('the monitor did not start');
    const timed = bench.seconds.slice(WARM_SECONDS);
    let j = 0;
    const parse = () => {
      for (const frame of timed[j++ % timed.length] ?? []) sink += JSON.parse(frame.text) === null ? 0 : 1;
    };
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
if (sink === 42) console.log('');
