import { describe, expect, test } from 'vitest';
import { binanceDemoAccountJson, CRASH_START, scenarioSeries } from '../../../tools/test-support/replay-documents.ts';
import { accountVenueEvents } from '../../../tools/test-support/account-venue-events.ts';
import { parseAccountInput } from '../../exchanges/parse-account-input.ts';
import { defaultTakerFeeRate, marginModels, venueAdapters } from '../../exchanges/venues.ts';
import { replay } from '../../replay/replay.ts';
import { epochMs, price as asPrice, type EpochMs } from '../../units/units.ts';
import type { AlertDecision } from '../alerts/alert-decision.ts';
import { applyVenueEvent, applyVenueEvents, emptyAccountState, type AccountState } from '../positions/account-state.ts';
import type { FeedEvent } from '../positions/feed-notices.ts';
import type { VenueEvent } from '../positions/venue-events.ts';
import { createMonitor, monitorStep } from './account-monitor.ts';
import { liveMonitorBatch } from './live-batch.ts';
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

const accountEvents = (t: EpochMs): VenueEvent[] => accountVenueEvents(account, t);

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

/** A decision's own time (a batch steps notices and due reminders at their own times). */
const ownLine = (d: AlertDecision): string | null =>
  d.kind === 'notify' ? line(d.alert.t, d) : d.kind === 'resolve' ? line(d.t, d) : null;

const replayLines = (doc: Record<string, unknown>, ticks: ReadonlyArray<readonly [number, Record<string, number>]>, staleAfterMs?: number): string[] => {
  const replayed = replay({ account: doc, accountId: 'binance:live', ticks, ...(staleAfterMs === undefined ? {} : { staleAfterMs }) });
  if (isFieldError(replayed)) throw new Error(`${replayed.field}: ${replayed.message}`);
  return replayed.alerts.map((a) => (a.kind === 'resolve' ? `${a.t} resolve ${a.id}` : `${a.t} ${a.kind} ${a.id} #${a.reminder}`));
};

/**
 * Batches through liveMonitorBatch with no wake-up timer at all: reminders and held notices due
 * between batches must fall due at their own time within the next batch. Returns the alert lines and
 * the recording a replay plays (`[batch time, marks]` per batch with marks).
 */
function runBatches(batches: readonly (readonly FeedEvent[])[], start: AccountState): { lines: string[]; ticks: Array<[number, Record<string, number>]> } {
  let feedState = start;
  let live: LiveMonitor = emptyLiveMonitor;
  const lines: string[] = [];
  const ticks: Array<[number, Record<string, number>]> = [];
  for (const batch of batches) {
    feedState = applyVenueEvents(feedState, batch.flatMap((e) => (e.kind === 'venue' ? [e.event] : [])));
    const step = liveMonitorBatch(live, batch, feedState, config);
    live = step.live;
    for (const d of step.decisions) {
      const l = ownLine(d);
      if (l !== null) lines.push(l);
    }
    const marks: Record<string, number> = {};
    for (const e of batch) if (e.kind === 'venue' && e.event.kind === 'mark') marks[e.event.symbol] = e.event.price;
    if (Object.keys(marks).length > 0 && live.now !== null) ticks.push([live.now, marks]);
  }
  return { lines, ticks };
}

const markEvent = (symbol: string, price: number, t: number): FeedEvent => ({ kind: 'venue', event: { kind: 'mark', symbol, price: asPrice(price), time: epochMs(t), source: 'mark' } });

describe('live monitor, coalesced: one evaluation per batch of feed events', () => {
  test('a batch of one event is a per-event step: the same alerts at the same times', () => {
    const marks = scenarioSeries('crash', { startMs: CRASH_START, stepMs: 5_000, durationMs: 30 * 60_000, seed: 7 }, false);
    const gapFrom = CRASH_START + 10 * 60_000;
    const ticks = marks.filter(([t]) => t < gapFrom || t >= gapFrom + 60_000);
    const events: FeedEvent[] = accountEvents(epochMs(CRASH_START - 1_000)).map((event) => ({ kind: 'venue', event }));
    let last = CRASH_START;
    for (const [t, m] of ticks) {
      if (t - last > bound) {
        events.push({ kind: 'stale', symbols: SYMBOLS, time: epochMs(last + bound) }, { kind: 'fresh', symbols: SYMBOLS, time: epochMs(t) });
      }
      const [symbol, price] = Object.entries(m)[0]!;
      events.push(markEvent(symbol, price, t));
      last = t;
    }
    let feedState: AccountState = emptyAccountState('binance');
    let one: LiveMonitor = emptyLiveMonitor;
    let each: LiveMonitor = emptyLiveMonitor;
    const fromOne: string[] = [];
    const fromEach: string[] = [];
    for (const event of events) {
      if (event.kind === 'venue') feedState = applyVenueEvent(feedState, event.event);
      const a = liveMonitorBatch(one, [event], feedState, config);
      const b = liveMonitorStep(each, event, feedState, config);
      one = a.live;
      each = b.live;
      for (const d of a.decisions) fromOne.push(ownLine(d) ?? d.kind);
      for (const d of b.decisions) fromEach.push(line(each.now ?? 0, d) ?? d.kind);
    }
    expect(fromEach.some((l) => l.includes(' stale '))).toBe(true);
    expect(fromOne).toEqual(fromEach);
  });

  test('the crash in one-second batches (each coin at its own millisecond), a stale gap included: the replay of the batches agrees', () => {
    const marks = scenarioSeries('crash', { startMs: CRASH_START, stepMs: 5_000, durationMs: 50 * 60_000, seed: 7 }, true);
    const gapFrom = CRASH_START + 10 * 60_000;
    const offsets = [0, 310, 845];
    const batches: FeedEvent[][] = [];
    let handed = CRASH_START;
    let stale = false;
    for (const [t, m] of marks) {
      if (t > gapFrom && t < gapFrom + 60_000) continue;
      if (t - handed > bound && !stale) {
        batches.push([{ kind: 'stale', symbols: SYMBOLS, time: epochMs(handed + bound) }]);
        stale = true;
      }
      const batch: FeedEvent[] = stale ? [{ kind: 'fresh', symbols: SYMBOLS, time: epochMs(t) }] : [];
      stale = false;
      Object.entries(m).forEach(([symbol, price], i) => batch.push(markEvent(symbol, price, t + (offsets[i] ?? 0))));
      batches.push(batch);
      handed = t + Math.max(...offsets);
    }
    const start = applyVenueEvents(emptyAccountState('binance'), accountEvents(epochMs(CRASH_START - 1_000)));
    const run = runBatches(batches, start);
    expect(run.lines.some((l) => l.includes(' stale '))).toBe(true);
    expect(run.lines.some((l) => l.includes(' tier '))).toBe(true);
    // Coalesced: every batch's tick carries the three coins, one evaluation for the three frames.
    expect(run.ticks.every(([, m]) => Object.keys(m).length === 3)).toBe(true);
    expect(replayLines(accountDoc, run.ticks, bound)).toEqual(run.lines);
  });

  test('reminders due between batches fall due at their own time, with no wake-up timer', () => {
    const doc = { ...accountDoc, walletBalance: 0 };
    const input = parseAccountInput(doc);
    if (isFieldError(input)) throw new Error(input.message);
    const rhoAt = (f: number) => {
      const s = createMonitor({ account: input.account, model: marginModels.binance });
      return monitorStep(s, { kind: 'marks', marks: Object.fromEntries(input.account.positions.map((p) => [p.symbol, p.markPrice * f])) }, CRASH_START).monitor.view?.risk.riskRatio ?? 0;
    };
    let lo = 1;
    let hi = 1.5;
    for (let i = 0; i < 60; i += 1) if (rhoAt((lo + hi) / 2) > 0.85) lo = (lo + hi) / 2; else hi = (lo + hi) / 2;
    const batches: FeedEvent[][] = [];
    for (let t = CRASH_START; t <= CRASH_START + 3 * 60 * 60_000; t += 7 * 60_000) {
      batches.push(input.account.positions.map((p, i) => markEvent(p.symbol, p.markPrice * lo * (1 + 1e-6 * Math.sin(t / 60_000)), t + 200 * i)));
    }
    const positions = input.account.positions;
    const start = applyVenueEvents(emptyAccountState('binance'), [
      { kind: 'positions', mode: 'snapshot', closed: [], time: epochMs(CRASH_START - 1), open: positions.map((p) => ({ key: `${p.symbol}:${p.side}`, symbol: p.symbol, side: p.side, qty: p.qty, entryPrice: p.entryPrice, marginMode: p.marginMode, markPrice: p.markPrice, ...(p.isolatedMargin === undefined ? {} : { isolatedMargin: p.isolatedMargin }) })) },
      { kind: 'balance', walletBalance: input.account.walletBalance, includesIsolatedMargin: false, time: epochMs(CRASH_START - 1) },
      { kind: 'tiers', fetchedAt: epochMs(CRASH_START - 1), tables: positions.map((p) => ({ symbol: p.symbol, table: p.tiers })) },
    ]);
    const run = runBatches(batches, start);
    const reminders = run.lines.filter((l) => !l.endsWith('#0') && !l.includes('resolve'));
    // Some reminder falls between batches (not on the 7-minute grid of the batch times).
    expect(reminders.some((l) => (Number(l.split(' ')[0]) - CRASH_START - 400) % (7 * 60_000) !== 0)).toBe(true);
    expect(replayLines(doc, run.ticks, 10 * 60_000)).toEqual(run.lines);
  });
});

describe('funding notices on the live path', () => {
  test('a mark with a rate and a time, or an OKX-style funding event, reaches the monitor as plain data, batched or one by one', () => {
    const t0 = CRASH_START;
    const [first, second] = SYMBOLS;
    if (first === undefined || second === undefined) throw new Error('the demo account has two symbols');
    const start: FeedEvent[] = accountEvents(epochMs(t0)).map((event) => ({ kind: 'venue', event }));
    const withFunding: FeedEvent = {
      kind: 'venue',
      event: { kind: 'mark', symbol: first, price: asPrice(account.positions[0]!.markPrice), time: epochMs(t0 + 1000), source: 'mark', fundingRate: 0.0003 as never, nextFundingTime: epochMs(t0 + 3_600_000) },
    };
    const fundingOnly: FeedEvent = {
      kind: 'venue',
      event: { kind: 'funding', symbol: second, fundingRate: -0.0002 as never, nextFundingTime: epochMs(t0 + 7_200_000), time: epochMs(t0 + 2000) },
    };
    const rateless = markEvent(first, account.positions[0]!.markPrice, t0 + 3000);
    let feedState = emptyAccountState('binance');
    let batched: LiveMonitor = emptyLiveMonitor;
    let each: LiveMonitor = emptyLiveMonitor;
    for (const batch of [[...start, markEvent(first, account.positions[0]!.markPrice, t0)], [withFunding], [fundingOnly], [rateless]]) {
      for (const e of batch) if (e.kind === 'venue') feedState = applyVenueEvent(feedState, e.event);
      batched = liveMonitorBatch(batched, batch, feedState, config).live;
      for (const e of batch) each = liveMonitorStep(each, e, feedState, config).live;
    }
    const expected = { [first]: { rate: 0.0003, timeMs: t0 + 3_600_000 }, [second]: { rate: -0.0002, timeMs: t0 + 7_200_000 } };
    expect(batched.monitor?.state.funding).toEqual(expected);
    expect(each.monitor?.state.funding).toEqual(expected);
    expect(JSON.parse(JSON.stringify(batched.monitor?.state.funding))).toEqual(expected);
  });
});
