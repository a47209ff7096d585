import { describe, expect, it } from 'vitest';
import { binanceDemoAccountJson, CRASH_START, scenarioSeries, type Series } from '../../tools/test-support/replay-documents.ts';
import type { AlertDecision } from '../engine/alerts/alert-decision.ts';
import { nextDueAt } from '../engine/alerts/next-due-at.ts';
import { createMonitor, monitorStep, type MonitorInput, type MonitorSetup } from '../engine/monitor/account-monitor.ts';
import { isFeedNotice, liveMonitorBatch } from '../engine/monitor/live-batch.ts';
import { emptyLiveMonitor, liveMonitorClock, type LiveMonitor } from '../engine/monitor/live-monitor.ts';
import { applyVenueEvent, applyVenueEvents, emptyAccountState, type AccountState } from '../engine/positions/account-state.ts';
import type { FeedEvent } from '../engine/positions/feed-notices.ts';
import type { VenueEvent } from '../engine/positions/venue-events.ts';
import { createEventBatcher } from '../feed/event-batcher.ts';
import { parseAccountInput } from '../exchanges/parse-account-input.ts';
import { marginModels, venueAdapters } from '../exchanges/venues.ts';
import type { ScenarioName } from '../../tools/market-paths/scenarios.ts';
import type { Clock, Timer } from '../ports/clock.ts';
import { epochMs, price as asPrice } from '../units/units.ts';
import { replay } from './replay.ts';
import { isFieldError } from '../units/field-error.ts';

/**
 * "Replays of the simulator's scenarios give the same alerts as the live engine fed by the simulator."
 * The live side here is a home as the feed wiring will drive the monitor: marks arrive one at a time as
 * events on a clock with timers, each handed to monitorStep at its arrival; a watchdog timer per symbol
 * says `stale` when the venue's bound passes without a mark (and `recovered` when every symbol is fresh
 * again); one wake-up timer at nextDueAt lets reminders fall due. It records the marks it was given, and
 * the replay of that recording must raise the same alerts, with the same ids, at the same times.
 */

const MIN = 60_000;

/** A clock with timers that runs only when told to; equal times run in the order they were set. */
function manualClock(startMs: number): Clock & { runUntil(endMs: number): void } {
  let now = startMs;
  let seq = 0;
  const queue: Array<{ at: number; seq: number; run: () => void; live: boolean }> = [];
  return {
    now: () => epochMs(now),
    setTimer(delayMs, run) {
      const entry = { at: now + delayMs, seq: seq++, run, live: true };
      queue.push(entry);
      return { cancel: () => void (entry.live = false) };
    },
    runUntil(endMs) {
      for (;;) {
        let next: (typeof queue)[number] | undefined;
        for (const e of queue) if (e.live && (next === undefined || e.at < next.at || (e.at === next.at && e.seq < next.seq))) next = e;
        if (next === undefined || next.at > endMs) return;
        next.live = false;
        queue.splice(queue.indexOf(next), 1);
        now = next.at;
        next.run();
      }
    },
  };
}

interface LiveRun {
  readonly log: Array<{ t: number; decision: AlertDecision }>;
  /** The marks as delivered, one per event: what a recording of the feed would hold. */
  readonly recorded: Series;
}

function liveHome(setup: MonitorSetup, events: Series, staleAfterMs: number): LiveRun {
  const clock = manualClock(events[0]?.[0] ?? 0);
  let monitor = createMonitor(setup);
  const log: LiveRun['log'] = [];
  const recorded: Series = [];
  const lastMarkAt = new Map<string, number>();
  const watchdogs = new Map<string, Timer>();
  let stale = false;
  let wake: Timer | null = null;

  const step = (input: MonitorInput): void => {
    const next = monitorStep(monitor, input, clock.now());
    monitor = next.monitor;
    for (const decision of next.decisions) log.push({ t: clock.now(), decision });
    wake?.cancel();
    const due = monitor.state.now === null ? null : nextDueAt(monitor.state.alerts, monitor.state.now, monitor.config.policy);
    wake = due === null ? null : clock.setTimer(due - clock.now(), () => step({ kind: 'clock' }));
  };
  const onMark = (symbol: string, price: number): void => {
    const now = clock.now();
    recorded.push([now, { [symbol]: price }]);
    lastMarkAt.set(symbol, now);
    watchdogs.get(symbol)?.cancel();
    watchdogs.set(
      symbol,
      clock.setTimer(staleAfterMs, () => {
        if (stale) return;
        stale = true;
        step({ kind: 'stale', since: lastMarkAt.get(symbol) ?? now, reason: `no mark for ${symbol}` });
      }),
    );
    if (stale && [...lastMarkAt.values()].every((t) => now - t <= staleAfterMs)) {
      stale = false;
      step({ kind: 'recovered' });
    }
    step({ kind: 'marks', marks: { [symbol]: price } });
  };

  for (const [t, marks] of events) {
    for (const [symbol, price] of Object.entries(marks)) clock.setTimer(t - clock.now(), () => onMark(symbol, price));
  }
  // The recording ends with its last mark, and so does the replay: what would follow is not in it.
  clock.runUntil(events[events.length - 1]?.[0] ?? 0);
  return { log, recorded };
}

const liveLine = ({ t, decision: d }: { t: number; decision: AlertDecision }): string | null =>
  d.kind === 'notify' ? `${t} ${d.alert.kind} ${d.alert.id} #${d.alert.reminder}` : d.kind === 'resolve' ? `${t} resolve ${d.id}` : null;

interface Played {
  readonly fromLive: readonly string[];
  readonly fromReplay: readonly string[];
  readonly liquidatedAt: number | null;
}

/** The same account and marks through the live home and through `replay` (of what the live home recorded). */
function compare(accountJson: Record<string, unknown>, history: Series, events: Series, staleAfterMs?: number): Played {
  const input = parseAccountInput(accountJson);
  if (isFieldError(input)) throw new Error(input.field);
  const bound = staleAfterMs ?? venueAdapters.binance.timing.markStaleAfterMs;
  const live = liveHome({ account: input.account, model: marginModels.binance, options: { accountId: 'binance:main' }, history }, events, bound);
  const document = {
    account: accountJson,
    accountId: 'binance:main',
    history,
    ticks: live.recorded,
    ...(staleAfterMs === undefined ? {} : { staleAfterMs }),
  };
  const replayed = replay(document);
  if (isFieldError(replayed)) throw new Error(`${replayed.field}: ${replayed.message}`);
  // And the monitor restarted every 30 s of exchange time on the way (docs/monitor-state.md): the same again.
  const restarted = replay(document, { restartEverySec: 30 });
  expect(isFieldError(restarted) ? restarted : { ...restarted, restarts: 0 }).toEqual(replayed);
  const fromReplay = replayed.alerts.map((a) => (a.kind === 'resolve' ? `${a.t} resolve ${a.id}` : `${a.t} ${a.kind} ${a.id} #${a.reminder}`));
  const fromLive = live.log.map(liveLine).filter((l): l is string => l !== null);
  return { fromLive, fromReplay, liquidatedAt: replayed.liquidatedAt };
}

describe('replay = live, one code path', () => {
  it('crash, 5 s marks one symbol at a time, with a feed outage and one coin falling silent', { timeout: 60_000 }, () => {
    const span = { startMs: CRASH_START, stepMs: 5_000, durationMs: 50 * MIN, seed: 42 };
    const history = scenarioSeries('calm', { startMs: CRASH_START - 3 * 3_600_000, stepMs: MIN, durationMs: 3 * 3_600_000 - MIN, seed: 5 });
    const outage = (t: number) => t > CRASH_START + 12 * MIN && t < CRASH_START + 13 * MIN;
    const ethSilent = (t: number, s: string) => s === 'ETHUSDT' && t > CRASH_START + 20 * MIN && t < CRASH_START + 21 * MIN;
    const events = scenarioSeries('crash', span, false).filter(([t, marks]) => !Object.keys(marks).some((s) => outage(t) || ethSilent(t, s)));
    const { fromLive, fromReplay, liquidatedAt } = compare(binanceDemoAccountJson(), history, events);
    expect(liquidatedAt).not.toBeNull();
    // The run has what it should: stale episodes, tier and predictive alerts, resolutions.
    for (const kind of [' stale ', ' tier ', ' predictive ', ' resolve ']) expect(fromLive.some((l) => l.includes(kind))).toBe(true);
    expect(fromReplay).toEqual(fromLive);
  });

  it('trend, minute marks over 8 h with a stale bound of 2 min', () => {
    const span = { startMs: CRASH_START, stepMs: MIN, durationMs: 8 * 60 * MIN, seed: 43 };
    const { fromLive, fromReplay, liquidatedAt } = compare(binanceDemoAccountJson(), [], scenarioSeries('trend', span, false), 2 * MIN);
    expect(liquidatedAt).not.toBeNull();
    expect(fromReplay).toEqual(fromLive);
  });

  it('an account that sits in Margin call, marks every 7 min: reminders fall due between marks, at the same moments', () => {
    // The demo wallet as it is: with none, the pool starts in Liquidation, and the price band
    // (effective-tier.ts) rightly holds it there while liquidation is likely within 15 min.
    const account = binanceDemoAccountJson();
    const input = parseAccountInput(account);
    if (isFieldError(input)) throw new Error(input.field);
    // Every coin at the same fraction of its start price; find the fraction that puts the pool mid-way 0.8-0.9.
    const rhoAt = (f: number) => {
      const s = createMonitor({ account: input.account, model: marginModels.binance });
      const marks = Object.fromEntries(input.account.positions.map((p) => [p.symbol, p.markPrice * f]));
      return monitorStep(s, { kind: 'marks', marks }, CRASH_START).monitor.view?.risk.riskRatio ?? 0;
    };
    let lo = 0.5;
    let hi = 1.5;
    for (let i = 0; i < 60; i += 1) if (rhoAt((lo + hi) / 2) > 0.85) lo = (lo + hi) / 2; else hi = (lo + hi) / 2;
    const events: Series = [];
    for (let t = CRASH_START; t <= CRASH_START + 3 * 60 * MIN; t += 7 * MIN) {
      for (const p of input.account.positions) events.push([t, { [p.symbol]: p.markPrice * lo * (1 + 1e-6 * Math.sin(t / MIN)) }]);
    }
    const { fromLive, fromReplay } = compare(account, [], events, 10 * MIN);
    const reminders = fromLive.filter((l) => !l.endsWith('#0') && !l.includes('resolve'));
    expect(reminders.length).toBeGreaterThan(0);
    // At least one reminder falls between marks (not on the 7-minute grid): a clock step, live and replayed.
    expect(reminders.some((l) => (Number(l.split(' ')[0]) - CRASH_START) % (7 * MIN) !== 0)).toBe(true);
    expect(fromReplay).toEqual(fromLive);
  });
});

/**
 * The coalesced live path (issue 8): the same marks as feed events, each frame at its own millisecond,
 * collected by the event batcher (a window, notices opening a batch of their own) and handed to
 * liveMonitorBatch, one evaluation per batch. Stale notices come from a watchdog per symbol that runs
 * out `staleAfterMs` after the batch that last carried the symbol, `fresh` with the first mark after
 * it; a wake-up timer at nextDueAt hands on the pending batch, then lets reminders fall due. The home
 * records each batch as one tick `[batch time, marks]`: the replay of that recording must raise the
 * same alerts, with the same ids, at the same times.
 */
function batchedHome(setup: MonitorSetup, frames: Series, staleAfterMs: number, windowMs: number): LiveRun & { batches: number } {
  const clock = manualClock(frames[0]?.[0] ?? 0);
  const t0 = epochMs((frames[0]?.[0] ?? 0) - 1);
  const account: VenueEvent[] = [
    {
      kind: 'positions', mode: 'snapshot', closed: [], time: t0,
      open: setup.account.positions.map((p) => ({
        key: `${p.symbol}:${p.side}`, symbol: p.symbol, side: p.side, qty: p.qty, entryPrice: p.entryPrice, marginMode: p.marginMode, markPrice: p.markPrice,
        ...(p.isolatedMargin === undefined ? {} : { isolatedMargin: p.isolatedMargin }),
      })),
    },
    { kind: 'balance', walletBalance: setup.account.walletBalance, includesIsolatedMargin: false, time: t0 },
    { kind: 'tiers', fetchedAt: t0, tables: setup.account.positions.map((p) => ({ symbol: p.symbol, table: p.tiers })) },
  ];
  let feedState: AccountState = applyVenueEvents(emptyAccountState('binance'), account);
  const config = { model: setup.model, takerFeeRate: setup.account.positions[0]?.takerFeeRate ?? 0, options: { accountId: 'binance:main' }, ...(setup.history === undefined ? {} : { history: setup.history }) };
  let live: LiveMonitor = emptyLiveMonitor;
  const log: LiveRun['log'] = [];
  const recorded: Series = [];
  let batches = 0;
  const stale = new Set<string>();
  const watchdogs = new Map<string, Timer>();
  let wake: Timer | null = null;

  const afterStep = (decisions: readonly AlertDecision[]): void => {
    // A batch steps notices and due reminders at their own times: each decision says when.
    for (const decision of decisions) {
      const t = decision.kind === 'notify' ? decision.alert.t : decision.kind === 'resolve' ? decision.t : (live.now ?? 0);
      log.push({ t, decision });
    }
    wake?.cancel();
    const monitor = live.monitor;
    const due = monitor === null || monitor.state.now === null ? null : nextDueAt(monitor.state.alerts, monitor.state.now, monitor.config.policy);
    wake = due === null ? null : clock.setTimer(Math.max(0, due - clock.now()), () => {
      batcher.flush();
      const step = liveMonitorClock(live, due);
      live = step.live;
      afterStep(step.decisions);
    });
  };
  const batcher = createEventBatcher<FeedEvent>(clock, { windowMs, startsBatch: isFeedNotice }, (events) => {
    batches += 1;
    const step = liveMonitorBatch(live, events, feedState, config);
    live = step.live;
    const marks: Record<string, number> = {};
    for (const e of events) if (e.kind === 'venue' && e.event.kind === 'mark') marks[e.event.symbol] = e.event.price;
    const batchTime = live.now;
    if (Object.keys(marks).length > 0 && batchTime !== null) {
      recorded.push([batchTime, marks]);
      for (const symbol of Object.keys(marks)) {
        // Silence counts from the batch that carried the mark, as the replay counts from its tick.
        watchdogs.get(symbol)?.cancel();
        watchdogs.set(symbol, clock.setTimer(batchTime + staleAfterMs - clock.now(), () => {
          stale.add(symbol);
          batcher.push({ kind: 'stale', symbols: [symbol], time: clock.now() });
        }));
      }
    }
    afterStep(step.decisions);
  });
  // The account is whole before the first frame: the first batch of marks starts the monitor.

  for (const [t, marks] of frames) {
    for (const [symbol, price] of Object.entries(marks)) {
      clock.setTimer(t - clock.now(), () => {
        const event: VenueEvent = { kind: 'mark', symbol, price: asPrice(price), time: clock.now(), source: 'mark' };
        feedState = applyVenueEvent(feedState, event);
        if (stale.delete(symbol)) batcher.push({ kind: 'fresh', symbols: [symbol], time: clock.now() });
        batcher.push({ kind: 'venue', event });
      });
    }
  }
  // The recording ends with the last batch of marks, and so does the replay.
  clock.runUntil((frames[frames.length - 1]?.[0] ?? 0) + windowMs);
  batcher.flush();
  return { log, recorded, batches };
}

/** Each symbol's frame at its own millisecond within the instant (as a venue's per-symbol streams). */
const spread = (series: Series, offsets: Readonly<Record<string, number>>): Series =>
  series.map(([t, marks]) => [t + (offsets[Object.keys(marks)[0] ?? ''] ?? 0), marks] as const).sort((a, b) => a[0] - b[0]) as Series;

function compareBatched(accountJson: Record<string, unknown>, history: Series, frames: Series, windowMs: number, staleAfterMs?: number): Played & { batches: number; frames: number } {
  const input = parseAccountInput(accountJson);
  if (isFieldError(input)) throw new Error(input.field);
  const bound = staleAfterMs ?? venueAdapters.binance.timing.markStaleAfterMs;
  const live = batchedHome({ account: input.account, model: marginModels.binance, history }, frames, bound, windowMs);
  const replayed = replay({ account: accountJson, accountId: 'binance:main', history, ticks: live.recorded, staleAfterMs: bound });
  if (isFieldError(replayed)) throw new Error(`${replayed.field}: ${replayed.message}`);
  const fromReplay = replayed.alerts.map((a) => (a.kind === 'resolve' ? `${a.t} resolve ${a.id}` : `${a.t} ${a.kind} ${a.id} #${a.reminder}`));
  const fromLive = live.log.map(liveLine).filter((l): l is string => l !== null);
  return { fromLive, fromReplay, liquidatedAt: replayed.liquidatedAt, batches: live.batches, frames: frames.length };
}

describe('replay = live, coalesced: one evaluation per batch of feed events', () => {
  const offsets = { BTCUSDT: 0, ETHUSDT: 40, SOLUSDT: 730 };

  it.each([0, 250, 1_000])('crash with a feed outage and one coin falling silent, window %s ms', (windowMs) => {
    const span = { startMs: CRASH_START, stepMs: 5_000, durationMs: 50 * MIN, seed: 42 };
    const history = scenarioSeries('calm', { startMs: CRASH_START - 3 * 3_600_000, stepMs: MIN, durationMs: 3 * 3_600_000 - MIN, seed: 5 });
    const outage = (t: number) => t > CRASH_START + 12 * MIN && t < CRASH_START + 13 * MIN;
    const ethSilent = (t: number, s: string) => s === 'ETHUSDT' && t > CRASH_START + 20 * MIN && t < CRASH_START + 21 * MIN;
    const series = scenarioSeries('crash', span, false).filter(([t, marks]) => !Object.keys(marks).some((s) => outage(t) || ethSilent(t, s)));
    const played = compareBatched(binanceDemoAccountJson(), history, spread(series, offsets), windowMs);
    expect(played.liquidatedAt).not.toBeNull();
    for (const kind of [' stale ', ' tier ', ' predictive ', ' resolve ']) expect(played.fromLive.some((l) => l.includes(kind))).toBe(true);
    // Coalesced for real: a 1 s window puts the three coins of an instant in one batch.
    if (windowMs === 1_000) expect(played.batches).toBeLessThan(played.frames / 2);
    expect(played.fromReplay).toEqual(played.fromLive);
  });

  it('an account that sits in Margin call: reminders fall due between batches, at the same moments', () => {
    const account = { ...binanceDemoAccountJson(), walletBalance: 0 };
    const input = parseAccountInput(account);
    if (isFieldError(input)) throw new Error(input.field);
    const rhoAt = (f: number) => {
      const s = createMonitor({ account: input.account, model: marginModels.binance });
      const marks = Object.fromEntries(input.account.positions.map((p) => [p.symbol, p.markPrice * f]));
      return monitorStep(s, { kind: 'marks', marks }, CRASH_START).monitor.view?.risk.riskRatio ?? 0;
    };
    let lo = 1;
    let hi = 1.5;
    for (let i = 0; i < 60; i += 1) if (rhoAt((lo + hi) / 2) > 0.85) lo = (lo + hi) / 2; else hi = (lo + hi) / 2;
    const frames: Series = [];
    for (let t = CRASH_START; t <= CRASH_START + 3 * 60 * MIN; t += 7 * MIN) {
      input.account.positions.forEach((p, i) => frames.push([t + 300 * i, { [p.symbol]: p.markPrice * lo * (1 + 1e-6 * Math.sin(t / MIN)) }]));
    }
    const played = compareBatched(account, [], frames, 1_000, 10 * MIN);
    const reminders = played.fromLive.filter((l) => !l.endsWith('#0') && !l.includes('resolve'));
    expect(reminders.length).toBeGreaterThan(0);
    expect(played.fromReplay).toEqual(played.fromLive);
  });
});
