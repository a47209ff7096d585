import { describe, expect, test } from 'vitest';
import { binanceDemoAccountJson, CRASH_START, scenarioSeries } from '../../../tools/test-support/replay-documents.ts';
import { parseAccountInput } from '../../exchanges/parse-account-input.ts';
import { defaultTakerFeeRate, marginModels, venueAdapters } from '../../exchanges/venues.ts';
import { replay } from '../../replay/replay.ts';
import { epochMs, price as asPrice, type EpochMs } from '../../units/units.ts';
import type { AlertDecision } from '../alerts/alert-decision.ts';
import { applyVenueEvent, emptyAccountState, type AccountState } from '../positions/account-state.ts';
import type { FeedEvent } from '../positions/feed-notices.ts';
import type { VenueEvent } from '../positions/venue-events.ts';
import { emptyLiveMonitor, liveMonitorStep, type LiveMonitor } from './live-monitor.ts';
import { isFieldError } from '../../units/field-error.ts';

/**
 * The live wiring (feed events -> account monitor) against the replay of the marks it saw: one code
 * path, so the same alerts with the same ids at the same times, a stale gap included. The feed is
 * played here as the event sequence it emits (snapshot, balance, tiers, then marks and notices); the
 * real feed over sockets is covered by shared/replay/replay-simulator.test.ts.
 */
const accountDoc = binanceDemoAccountJson();
const parsed = parseAccountInput(accountDoc);
if (isFieldError(parsed)) throw new Error(parsed.message);
const { account } = parsed;
const config = { model: marginModels.binance, takerFeeRate: defaultTakerFeeRate.binance, options: { accountId: 'binance:live' } };
const bound = venueAdapters.binance.timing.markStaleAfterMs;
const SYMBOLS = account.positions.map((p) => p.symbol);

function accountEvents(t: EpochMs): VenueEvent[] {
  return [
    {
      kind: 'positions', mode: 'snapshot', closed: [], time: t,
      open: account.positions.map((p) => ({
        key: `${p.symbol}:${p.side}`, symbol: p.symbol, side: p.side, qty: p.qty, entryPrice: p.entryPrice, marginMode: p.marginMode,
        ...(p.isolatedMargin === undefined ? {} : { isolatedMargin: p.isolatedMargin }),
        ...(p.leverage === undefined ? {} : { leverage: p.leverage }),
        markPrice: p.markPrice,
      })),
    },
    { kind: 'balance', walletBalance: account.walletBalance, includesIsolatedMargin: false, time: t },
    { kind: 'tiers', fetchedAt: t, tables: account.positions.map((p) => ({ symbol: p.symbol, table: p.tiers })) },
  ];
}

const line = (t: number, d: AlertDecision): string | null =>
  d.kind === 'notify' ? `${t} ${d.alert.kind} ${d.alert.id} #${d.alert.reminder}` : d.kind === 'resolve' ? `${d.t} resolve ${d.id}` : null;

describe('live monitor: feed events through the account monitor', () => {
  test('the live wiring and the replay of its marks raise the same alerts, a stale gap included', () => {
    const marks = scenarioSeries('crash', { startMs: CRASH_START, stepMs: 5_000, durationMs: 50 * 60_000, seed: 7 }, false);
    // Ten minutes in, the feed goes silent for a minute: the venue's stale bound passes.
    const gapFrom = CRASH_START + 10 * 60_000;
    const ticks = marks.filter(([t]) => t < gapFrom || t >= gapFrom + 60_000);

    let feedState: AccountState = emptyAccountState('binance');
    let live: LiveMonitor = emptyLiveMonitor;
    const lines: string[] = [];
    const feed = (event: FeedEvent) => {
      if (event.kind === 'venue') feedState = applyVenueEvent(feedState, event.event);
      const step = liveMonitorStep(live, event, feedState, config);
      live = step.live;
      for (const d of step.decisions) {
        const l = line(live.now ?? 0, d);
        if (l !== null) lines.push(l);
      }
    };
    for (const e of accountEvents(epochMs(CRASH_START - 1_000))) feed({ kind: 'venue', event: e });
    expect(live.monitor, 'the monitor starts once the account is whole').not.toBeNull();
    let last = CRASH_START;
    let stale = false;
    for (const [t, m] of ticks) {
      if (t - last > bound && !stale) {
        feed({ kind: 'stale', symbols: SYMBOLS, time: epochMs(last + bound) });
        stale = true;
      }
      if (stale) {
        feed({ kind: 'fresh', symbols: SYMBOLS, time: epochMs(t) });
        stale = false;
      }
      const [symbol, price] = Object.entries(m)[0]!;
      feed({ kind: 'venue', event: { kind: 'mark', symbol, price: asPrice(price), time: epochMs(t), source: 'mark' } });
      last = t;
    }

    const replayed = replay({ account: accountDoc, accountId: 'binance:live', ticks });
    if (isFieldError(replayed)) throw new Error(`${replayed.field}: ${replayed.message}`);
    const fromReplay = replayed.alerts.map((a) => (a.kind === 'resolve' ? `${a.t} resolve ${a.id}` : `${a.t} ${a.kind} ${a.id} #${a.reminder}`));
    expect(lines.some((l) => l.includes(' stale '))).toBe(true);
    expect(lines.some((l) => l.includes(' tier '))).toBe(true);
    expect(lines).toEqual(fromReplay);
  });

  test('nothing is stepped until the account is whole, and marks before it are not lost', () => {
    let feedState = emptyAccountState('binance');
    let live: LiveMonitor = emptyLiveMonitor;
    const [positions, balance, tiers] = accountEvents(epochMs(CRASH_START));
    for (const e of [positions!, balance!]) {
      feedState = applyVenueEvent(feedState, e);
      live = liveMonitorStep(live, { kind: 'venue', event: e }, feedState, config).live;
    }
    expect(live.monitor).toBeNull();
    const mark: VenueEvent = { kind: 'mark', symbol: 'BTCUSDT', price: asPrice(90_000), time: epochMs(CRASH_START + 1_000), source: 'mark' };
    feedState = applyVenueEvent(feedState, mark);
    live = liveMonitorStep(live, { kind: 'venue', event: mark }, feedState, config).live;
    expect(live.monitor).toBeNull();
    feedState = applyVenueEvent(feedState, tiers!);
    live = liveMonitorStep(live, { kind: 'venue', event: tiers! }, feedState, config).live;
    expect(live.monitor?.account.positions.find((p) => p.symbol === 'BTCUSDT')?.markPrice).toBe(90_000);
  });
});
