import { describe, expect, it } from 'vitest';
import { binanceDemoAccountJson, CRASH_START, scenarioSeries, type Series } from '../../tools/test-support/replay-documents.ts';
import type { AlertDecision } from '../engine/alerts/alert-decision.ts';
import { nextDueAt } from '../engine/alerts/next-due-at.ts';
import { createMonitor, monitorStep, type MonitorInput, type MonitorSetup } from '../engine/monitor/account-monitor.ts';
import { parseAccountInput } from '../exchanges/parse-account-input.ts';
import { marginModels, venueAdapters } from '../exchanges/venues.ts';
import type { ScenarioName } from '../../tools/market-paths/scenarios.ts';
import type { Clock, Timer } from '../ports/clock.ts';
import { epochMs } from '../units/units.ts';
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
