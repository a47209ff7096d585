import { liveMonitorBatch } from '../../shared/engine/monitor/live-batch.ts';
import { emptyLiveMonitor, liveMonitorStep, type LiveMonitor, type LiveMonitorConfig } from '../../shared/engine/monitor/live-monitor.ts';
import { applyVenueEvent, applyVenueEvents, type AccountState } from '../../shared/engine/positions/account-state.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import type { VenueEvent } from '../../shared/engine/positions/venue-events.ts';
import { defaultTakerFeeRate, marginModels, venueAdapters } from '../../shared/exchanges/venues.ts';
import type { ParseContext } from '../../shared/ports/venue-adapter.ts';
import { epochMs } from '../../shared/units/units.ts';
import { VENUE_STREAMS, type BenchFrame, type BenchVenue } from './live-path-frames.ts';

/**
 * The live path as a home runs it, for the benches: a venue's frames through its parser, the feed's
 * state fold and the monitor, either per frame (liveMonitorStep) or per batch (liveMonitorBatch).
 */
export interface Live {
  feedState: AccountState;
  live: LiveMonitor;
}

/** The first minute warms the monitor: volatility, one correlation sample, the alert state. */
export const WARM_SECONDS = 61;

/** Decisions made, so that no path's work is optimised away. */
export let decisionsMade = 0;

export function livePaths(venue: BenchVenue) {
  const adapter = venueAdapters[venue];
  const config: LiveMonitorConfig = { model: marginModels[venue], takerFeeRate: defaultTakerFeeRate[venue], options: { accountId: `${venue}:bench` } };
  // Hyperliquid's frames carry no time: the parser stamps the arrival, as the feed's context does
  // (one context object per frame, its lookup made once, as shared/feed/feed.ts does).
  const contractSize = (): number => 1;
  const parse = (frame: BenchFrame): readonly VenueEvent[] => {
    const ctx: ParseContext = { now: epochMs(frame.at), contractSize };
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
        decisionsMade += step.decisions.length;
      }
    }
  };
  /** One batch: its frames parsed, folded at once (as shared/feed/feed.ts does) and evaluated once. */
  const batch = (state: Live, frames: readonly BenchFrame[]): void => {
    // Each frame's events pushed as they are parsed, as the feed's `apply` and the batcher do: the
    // bench's former flatMap (4 % of the Binance profile) was the harness's cost, in no home.
    const venueEvents: VenueEvent[] = [];
    const feedEvents: FeedEvent[] = [];
    for (const frame of frames) {
      for (const event of parse(frame)) {
        venueEvents.push(event);
        feedEvents.push({ kind: 'venue', event });
      }
    }
    state.feedState = applyVenueEvents(state.feedState, venueEvents);
    const step = liveMonitorBatch(state.live, feedEvents, state.feedState, config);
    state.live = step.live;
    decisionsMade += step.decisions.length;
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
  return { perFrame, batch, coalesced };
}

/** A monitor warmed on the first WARM_SECONDS of `seconds` (coalesced). */
export function warmLive(feedState: AccountState, seconds: readonly (readonly BenchFrame[])[], coalesced: (state: Live, frames: readonly BenchFrame[]) => void): Live {
  const warm: Live = { feedState, live: emptyLiveMonitor };
  for (const second of seconds.slice(0, WARM_SECONDS)) coalesced(warm, second);
  if (warm.live.monitor === null) throw new Error('the monitor did not start');
  return warm;
}

/** One second of data per call, cycling through the timed seconds from the warm state. */
export function secondBySecond(warm: Live, seconds: readonly (readonly BenchFrame[])[], run: (state: Live, frames: readonly BenchFrame[]) => void): () => void {
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

/** JSON.parse of every frame of one second per call, cycling like secondBySecond: the baseline. */
export function jsonParseBySecond(seconds: readonly (readonly BenchFrame[])[]): () => void {
  let j = 0;
  return () => {
    for (const frame of seconds[j++ % seconds.length] ?? []) decisionsMade += JSON.parse(frame.text) === null ? 0 : 1;
  };
}
