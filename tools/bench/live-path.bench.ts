import { liveMonitorBatch } from '../../shared/engine/monitor/live-batch.ts';
import { emptyLiveMonitor, liveMonitorStep, type LiveMonitor, type LiveMonitorConfig } from '../../shared/engine/monitor/live-monitor.ts';
import { applyVenueEvent, type AccountState } from '../../shared/engine/positions/account-state.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import { binanceAdapter } from '../../shared/exchanges/binance/adapter.ts';
import { defaultTakerFeeRate, marginModels } from '../../shared/exchanges/venues.ts';
import { epochMs } from '../../shared/units/units.ts';
import { liveBench, LIVE_BENCH_START } from './live-path-frames.ts';
import { nsPerCall, report } from './measure.ts';

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
  const events: FeedEvent[] = [];
  for (const frame of frames) {
    const parsed = binanceAdapter.parseFrame(frame, ctx);
    if (!parsed.ok) throw new Error(parsed.error.message);
    for (const e of parsed.events) {
      state.feedState = applyVenueEvent(state.feedState, e);
      events.push({ kind: 'venue', event: e });
    }
  }
  const step = liveMonitorBatch(state.live, events, state.feedState, config);
  state.live = step.live;
  sink += step.decisions.length;
}

/** Times one second of data at a time, cycling through the timed seconds from the warm state. */
function perSecond(warm: Live, seconds: readonly (readonly string[])[], run: (state: Live, frames: readonly string[]) => void): number {
  let state: Live = { ...warm };
  let k = 0;
  return nsPerCall(
    () => {
      if (k === seconds.length) {
        state = { ...warm };
        k = 0;
      }
      run(state, seconds[k] ?? []);
      k += 1;
    },
    5,
    200,
  );
}

const only = process.argv.slice(2).find((a) => a.startsWith('--positions='));
const sizes = only === undefined ? [5, 50, 200] : only.slice('--positions='.length).split(',').map(Number);
const skipPerFrame = process.argv.includes('--coalesced-only');
const rows: { name: string; ns: number }[] = [];
for (const n of sizes) {
  const bench = liveBench(n, WARM_SECONDS + TIMED_SECONDS);
  const warm: Live = { feedState: bench.feedState, live: emptyLiveMonitor };
  for (const second of bench.seconds.slice(0, WARM_SECONDS)) coalesced(warm, second);
  if (warm.live.monitor === null) throw new Error('the monitor did not start');
  const timed = bench.seconds.slice(WARM_SECONDS);
  let parseSink = 0;
  const parse = nsPerCall(() => {
    for (const second of timed) for (const frame of second) parseSink += (JSON.parse(frame) as { data: { E: number } }).data.E;
  }) / timed.length;
  sink += parseSink % 2;
  const batch = perSecond(warm, timed, coalesced);
  const frame = skipPerFrame ? null : perSecond(warm, timed, perFrame);
  console.log(
    `  ${String(n).padStart(3)} positions: JSON.parse ${(parse / 1000).toFixed(1)} µs/s of data; coalesced ${(batch / parse).toFixed(1)}x` +
      (frame === null ? '' : `; per frame ${(frame / parse).toFixed(1)}x`),
  );
  rows.push({ name: `${n} positions, coalesced (one evaluation per second)`, ns: batch / parse });
  if (frame !== null) rows.push({ name: `${n} positions, per frame (one evaluation per frame)`, ns: frame / parse });
}
report('Live path, per second of Binance mark frames (one position per symbol)', { name: 'JSON.parse of the same frames', ns: 1 }, rows);
if (sink === 42) console.log('');
