import { describe, expect, test } from 'vitest';
import { binanceDemoAccountJson, CRASH_START, scenarioSeries } from '../../../tools/test-support/replay-documents.ts';
import { accountVenueEvents } from '../../../tools/test-support/account-venue-events.ts';
import { parseAccountInput } from '../../exchanges/parse-account-input.ts';
import { defaultTakerFeeRate, marginModels, venueAdapters } from '../../exchanges/venues.ts';
import { epochMs, price as asPrice, type EpochMs } from '../../units/units.ts';
import type { AlertDecision } from '../alerts/alert-decision.ts';
import { applyVenueEvent, emptyAccountState, type AccountState } from '../positions/account-state.ts';
import type { FeedEvent } from '../positions/feed-notices.ts';
import type { VenueEvent } from '../positions/venue-events.ts';
import { liveMonitorBatch } from './live-batch.ts';
import { emptyLiveMonitor, liveMonitorFrom, liveMonitorStep, snapshotLiveMonitor, type LiveMonitor } from './live-monitor.ts';
import { parseMonitorSnapshot } from './parse-monitor-snapshot.ts';
import { isFieldError } from '../../units/field-error.ts';

/**
 * The live monitor saved and started again (a service worker killed, a phone closing the PWA): the
 * snapshot through JSON text and the parser, `liveMonitorFrom`, and the feed's events go on. Open
 * alerts keep their ids, a stale episode open at the cut is resolved by the next fresh notice.
 */
const parsed = parseAccountInput(binanceDemoAccountJson());
if (isFieldError(parsed)) throw new Error(parsed.message);
const { account } = parsed;
const config = { model: marginModels.binance, takerFeeRate: defaultTakerFeeRate.binance, options: { accountId: 'binance:live' } };
const bound = venueAdapters.binance.timing.markStaleAfterMs;
const SYMBOLS = account.positions.map((p) => p.symbol);
const MIN = 60_000;

/** The account as a feed sends it on start: positions (at `marks`, the account's own by default), balance, tiers. */
const accountEvents = (t: EpochMs, marks: Readonly<Record<string, number>> = {}): VenueEvent[] => accountVenueEvents(account, t, marks);

const line = (t: number, d: AlertDecision): string | null =>
  d.kind === 'notify' ? `${t} ${d.alert.kind} ${d.alert.id} #${d.alert.reminder}` : d.kind === 'resolve' ? `${d.t} resolve ${d.id} ${d.reason}` : null;

/** Saved and read back as a home would: JSON text in storage, the parser on the way out. */
function restarted(live: LiveMonitor): LiveMonitor {
  const snapshot = snapshotLiveMonitor(live);
  if (snapshot === null) return emptyLiveMonitor;
  const saved = parseMonitorSnapshot(JSON.parse(JSON.stringify(snapshot)));
  if (isFieldError(saved)) throw new Error(`${saved.field}: ${saved.message}`);
  return liveMonitorFrom(saved);
}

/** The crash, mark by mark, with a one-minute feed gap at 10 min; `cutAfter(i)` restarts the live monitor after event i. */
function run(cutAfter: (i: number, live: LiveMonitor) => boolean): { lines: string[]; cuts: number; cutWhileStale: number } {
  const marks = scenarioSeries('crash', { startMs: CRASH_START, stepMs: 5_000, durationMs: 50 * MIN, seed: 7 }, false);
  const gapFrom = CRASH_START + 10 * MIN;
  const ticks = marks.filter(([t]) => t < gapFrom || t >= gapFrom + MIN);
  let feedState: AccountState = emptyAccountState('binance');
  let live: LiveMonitor = emptyLiveMonitor;
  const lines: string[] = [];
  let i = 0;
  let cuts = 0;
  let cutWhileStale = 0;
  const feed = (event: FeedEvent) => {
    if (event.kind === 'venue') feedState = applyVenueEvent(feedState, event.event);
    const step = liveMonitorStep(live, event, feedState, config);
    live = step.live;
    for (const d of step.decisions) {
      const l = line(live.now ?? 0, d);
      if (l !== null) lines.push(l);
    }
    if (cutAfter(i, live)) {
      cuts += 1;
      if (live.stale.length > 0) cutWhileStale += 1;
      live = restarted(live);
    }
    i += 1;
  };
  for (const e of accountEvents(epochMs(CRASH_START - 1_000))) feed({ kind: 'venue', event: e });
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
  return { lines, cuts, cutWhileStale };
}

describe('the live monitor started from a snapshot', () => {
  const straight = run(() => false);

  test('restarted after every event (the feed going on): the same alerts, ids and times, the stale episode included', () => {
    const cut = run(() => true);
    expect(cut.cuts).toBeGreaterThan(1_000);
    expect(cut.cutWhileStale).toBeGreaterThan(0);
    expect(straight.lines.some((l) => l.includes(' stale '))).toBe(true);
    expect(straight.lines.some((l) => l.includes(' tier '))).toBe(true);
    expect(cut.lines).toEqual(straight.lines);
  });

  test('saved before the account is whole: nothing to save yet; a resumed one waits for the account and keeps its snapshot', () => {
    expect(snapshotLiveMonitor(emptyLiveMonitor)).toBeNull();
    // Save at 20 min, then start with an empty feed: the first events do not make a whole account.
    let saved: LiveMonitor | null = null;
    run((i, live) => {
      if (saved === null && (live.now ?? 0) >= CRASH_START + 20 * MIN) saved = restarted(live);
      return false;
    });
    const resumed = saved as LiveMonitor | null;
    if (resumed === null) throw new Error('never saved');
    expect(resumed.monitor).toBeNull();
    const [positions, balance, tiers] = accountEvents(epochMs(CRASH_START + 20 * MIN + 1_000));
    let feedState = emptyAccountState('binance');
    let live = resumed;
    for (const e of [positions!, balance!]) {
      feedState = applyVenueEvent(feedState, e);
      live = liveMonitorStep(live, { kind: 'venue', event: e }, feedState, config).live;
    }
    expect(live.monitor).toBeNull();
    expect(snapshotLiveMonitor(live)?.state).toEqual(resumed.resume?.state);
    feedState = applyVenueEvent(feedState, tiers!);
    const whole = liveMonitorStep(live, { kind: 'venue', event: tiers! }, feedState, config);
    expect(whole.live.monitor?.state.alerts).toEqual(resumed.resume?.state.alerts);
    expect(whole.live.resume).toBeNull();
  });

  test('a real restart (a new feed that sends the account again): open alerts are not notified again, unlike a fresh monitor', () => {
    // Between the first tier alerts (29-30 min) and liquidation (31.4 min): Watch and predictions open.
    const restartAt = CRASH_START + 30.5 * MIN;
    let saved: LiveMonitor | null = null;
    run((i, live) => {
      if (saved === null && (live.now ?? 0) >= restartAt) saved = restarted(live);
      return false;
    });
    const resumed = saved as LiveMonitor | null;
    if (resumed === null || resumed.resume === null) throw new Error('never saved');
    const open = Object.values(resumed.resume.state.alerts.subjects).flatMap((s) => [...s.tiers, ...(s.prediction === null ? [] : [s.prediction])]).filter((a) => a.notified);
    expect(open.length).toBeGreaterThan(0);
    const after = (start: LiveMonitor): string[] => {
      let feedState = emptyAccountState('binance');
      let live = start;
      const lines: string[] = [];
      for (const e of accountEvents(epochMs((resumed.now ?? restartAt) + 1_000), resumed.resume?.state.marks)) {
        feedState = applyVenueEvent(feedState, e);
        const step = liveMonitorStep(live, { kind: 'venue', event: e }, feedState, config);
        live = step.live;
        for (const d of step.decisions) lines.push(line(live.now ?? 0, d) ?? '');
      }
      return lines.filter((l) => l.includes(' #0'));
    };
    // Restored: the account heard again raises nothing new. Fresh: every open alert again, under a new id.
    expect(after(resumed)).toEqual([]);
    const fresh = after(emptyLiveMonitor);
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.some((l) => open.some((a) => l.includes(a.id)))).toBe(false);
  });

  describe('a real restart during a stale episode (a new feed, which never flagged the symbols)', () => {
    let saved: LiveMonitor | null = null;
    run((i, live) => {
      if (saved === null && live.stale.length > 0) saved = restarted(live);
      return false;
    });
    const resumed = saved as LiveMonitor | null;
    const staleId = resumed?.resume?.state.alerts.stale?.id;
    /** The new feed: the account again, then one mark per symbol a minute apart, per event or in one batch. */
    const after = (batched: boolean): { decisions: AlertDecision[]; live: LiveMonitor } => {
      if (resumed === null) throw new Error('never saved while stale');
      const t0 = (resumed.now ?? CRASH_START) + 1_000;
      const events: FeedEvent[] = [
        ...accountEvents(epochMs(t0), resumed.resume?.state.marks).map((e): FeedEvent => ({ kind: 'venue', event: e })),
        ...SYMBOLS.map((symbol, k): FeedEvent => ({
          kind: 'venue', event: { kind: 'mark', symbol, price: asPrice(resumed.resume?.state.marks[symbol] ?? 1), time: epochMs(t0 + (k + 1) * MIN), source: 'mark' },
        })),
      ];
      let feedState = emptyAccountState('binance');
      let live = resumed;
      const decisions: AlertDecision[] = [];
      if (batched) {
        for (const e of events) if (e.kind === 'venue') feedState = applyVenueEvent(feedState, e.event);
        const step = liveMonitorBatch(live, events, feedState, config);
        return { decisions: [...step.decisions], live: step.live };
      }
      for (const e of events) {
        if (e.kind === 'venue') feedState = applyVenueEvent(feedState, e.event);
        const step = liveMonitorStep(live, e, feedState, config);
        live = step.live;
        decisions.push(...step.decisions);
      }
      return { decisions, live };
    };

    test('was saved stale, with a stale alert open', () => {
      expect(resumed?.stale.length).toBeGreaterThan(0);
      expect(resumed?.restoredStale).toEqual(resumed?.stale);
      expect(staleId).toBeTypeOf('string');
    });

    test.each([false, true])('the new feed\'s first marks resolve it under its old id (batched: %s)', (batched) => {
      const { decisions, live } = after(batched);
      expect(live.stale).toEqual([]);
      expect(live.restoredStale).toEqual([]);
      const resolved = decisions.filter((d) => d.kind === 'resolve' && d.id === staleId);
      expect(resolved).toHaveLength(1);
      // Never a second stale alert under a new id.
      expect(decisions.some((d) => d.kind === 'notify' && d.alert.kind === 'stale')).toBe(false);
    });

    test('a stale notice from the new feed hands the symbols back to it: its own fresh notice resolves the alert', () => {
      if (resumed === null) throw new Error('never saved while stale');
      const t = (resumed.now ?? CRASH_START) + 1_000;
      const flagged = liveMonitorStep(resumed, { kind: 'stale', symbols: SYMBOLS, time: epochMs(t) }, emptyAccountState('binance'), config).live;
      expect(flagged.restoredStale).toEqual([]);
      expect(flagged.stale).toEqual([...SYMBOLS].sort());
    });
  });
});
