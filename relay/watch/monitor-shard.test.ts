import { describe, expect, it } from 'vitest';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import { epochMs, price } from '../../shared/units/units.ts';
import { binanceDemoAccountJson } from '../../tools/test-support/replay-documents.ts';
import { silentLog } from '../relay-log.ts';
import { parseMonitorSnapshot } from '../../shared/engine/monitor/parse-monitor-snapshot.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import { withAlertPart } from './alert-part.ts';
import { monitorShard, type FeedPrices, type MonitorShard, type StepResult } from './monitor-shard.ts';

/**
 * The share's calm cadence, driven by hand (no feed, no timers: the relay clock is the `nowMs` each
 * batch is handed with). The simulator's Binance demo account: BTC, ETH and SOL in one cross pool.
 */
const T = 1_764_000_100_000;

function shardWithDemo(calmEveryMs: number, calmBudgetMs?: number, devices = ['dev']): MonitorShard {
  const shard = monitorShard({ log: silentLog, staleAfterMs: 900_000, saveEveryMs: 0, calmEveryMs, ...(calmBudgetMs === undefined ? {} : { calmBudgetMs }) });
  const body = JSON.stringify({ takenAtMs: T - 60_000, accounts: [{ accountId: 'binance:main', account: binanceDemoAccountJson() }] });
  shard.load(devices.map((deviceId) => ({ deviceId, body, monitors: null })), 0);
  return shard;
}

/** The feed's marks now: every symbol's newest (what `feed.state()` gives the share). */
const feedMarks = new Map<string, { price: number; time: number }>();
function batch(shard: MonitorShard, nowMs: number, marks: Record<string, number>, atMs: number): StepResult {
  const events: FeedEvent[] = Object.entries(marks).map(([symbol, p]) => {
    feedMarks.set(symbol, { price: p, time: atMs });
    return { kind: 'venue', event: { kind: 'mark', symbol, price: price(p), time: epochMs(atMs), source: 'mark' } };
  });
  const prices: FeedPrices = { marks: [...feedMarks].map(([s, m]) => [s, { price: price(m.price), time: epochMs(m.time) }] as const), mids: [], funding: [] };
  return shard.step('binance', events, prices, nowMs, nowMs);
}

/** What the monitor was last handed: its marks and when each symbol's newest mark reached it (batch time). */
function handed(result: StepResult, deviceId = 'dev'): { marks: Record<string, number>; markedAt: Record<string, number> } {
  const saves = result.saves.filter((s) => s.monitor.deviceId === deviceId);
  expect(saves).toHaveLength(1);
  const { monitor } = saves[0]!;
  // A whole snapshot and an alert part both hold the marks and the live facts.
  const state = JSON.parse(monitor.state ?? monitor.alerts) as { state: { marks: Record<string, number> }; live: { markedAt: Record<string, number> } };
  return { marks: state.state.marks, markedAt: state.live.markedAt };
}

describe('monitorShard: the calm cadence and the per-monitor tier band', () => {
  it('steps at once a monitor whose band a mark left; one inside its band waits for the calm cadence', () => {
    feedMarks.clear();
    const shard = shardWithDemo(1_000);
    // No band yet: stepped at once.
    expect(batch(shard, 0, { BTCUSDT: 97_000, ETHUSDT: 3_400, SOLUSDT: 190 }, T)).toMatchObject({ stepped: 1, early: 1, held: 0 });
    // A tick inside the band, 100 ms later: kept for later, not stepped.
    expect(batch(shard, 100, { BTCUSDT: 96_990 }, T + 100)).toMatchObject({ stepped: 0, held: 1, saves: [] });
    // BTC down 12 %: out of the band (the pool's rho crosses a tier): stepped in this batch, 200 ms after the last step.
    const crossing = batch(shard, 200, { BTCUSDT: 85_000 }, T + 200);
    expect(crossing).toMatchObject({ stepped: 1, early: 1, held: 0 });
    expect(crossing.saves[0]!.early).toBe(true);
    expect(handed(crossing).marks).toMatchObject({ BTCUSDT: 85_000 });
    // A step's result crosses the worker boundary (postMessage) with its new fields: plain data.
    expect(structuredClone(crossing)).toEqual(crossing);
    expect(JSON.parse(JSON.stringify(crossing))).toEqual(crossing);
  });

  it('hands every held mark with the next step, newest per symbol, and never hands one twice', () => {
    feedMarks.clear();
    const shard = shardWithDemo(1_000);
    batch(shard, 0, { BTCUSDT: 97_000, ETHUSDT: 3_400, SOLUSDT: 190 }, T);
    // Inside the band: both kept.
    expect(batch(shard, 100, { BTCUSDT: 96_995 }, T + 100)).toMatchObject({ stepped: 0, held: 1 });
    expect(batch(shard, 150, { BTCUSDT: 96_990 }, T + 150)).toMatchObject({ stepped: 0, held: 1 });
    // ETH leaves the band: the early step also hands the held BTC mark (the newest of the two).
    const early = batch(shard, 200, { ETHUSDT: 2_900 }, T + 200);
    expect(early).toMatchObject({ stepped: 1, early: 1 });
    expect(handed(early).marks).toMatchObject({ BTCUSDT: 96_990, ETHUSDT: 2_900, SOLUSDT: 190 });
    expect(handed(early).markedAt).toEqual({ BTCUSDT: T + 200, ETHUSDT: T + 200, SOLUSDT: T });
    // Its band is rebuilt at the new marks: a small SOL move is kept...
    expect(batch(shard, 300, { SOLUSDT: 190.1 }, T + 300)).toMatchObject({ stepped: 0, held: 1 });
    // ...and handed with the step the cadence makes (1 s after the early one); BTC and ETH are not handed again.
    const calm = batch(shard, 1_250, { SOLUSDT: 190.2 }, T + 1_250);
    expect(calm).toMatchObject({ stepped: 1, early: 0 });
    expect(handed(calm).marks).toMatchObject({ BTCUSDT: 96_990, ETHUSDT: 2_900, SOLUSDT: 190.2 });
    expect(handed(calm).markedAt).toEqual({ BTCUSDT: T + 200, ETHUSDT: T + 200, SOLUSDT: T + 1_250 });
    // A held mark whose symbol then goes quiet is still handed once the monitor is due, by a batch of other symbols' devices.
    expect(batch(shard, 1_400, { BTCUSDT: 96_980 }, T + 1_400)).toMatchObject({ stepped: 0, held: 1 });
    const quiet = batch(shard, 2_400, {}, T + 2_400);
    expect(quiet).toMatchObject({ stepped: 1 });
    expect(handed(quiet).marks).toMatchObject({ BTCUSDT: 96_980 });
    expect(handed(quiet).markedAt).toMatchObject({ BTCUSDT: T + 1_400 });
  });

  it('past its budget a batch leaves the calm steps to the next one, band-leaving marks first, marks kept', () => {
    feedMarks.clear();
    // Budget 0: every urgent monitor, and one calm step a batch.
    const shard = shardWithDemo(1_000, 0, ['a', 'b', 'c']);
    expect(batch(shard, 0, { BTCUSDT: 97_000, ETHUSDT: 3_400, SOLUSDT: 190 }, T)).toMatchObject({ stepped: 3, early: 3 });
    // All three due: one stepped, two keep the marks.
    const first = batch(shard, 1_000, { BTCUSDT: 96_990 }, T + 1_000);
    expect(first).toMatchObject({ stepped: 1, early: 0, held: 2 });
    const [stepped] = first.saves.map((s) => s.monitor.deviceId);
    const waiting = ['a', 'b', 'c'].filter((d) => d !== stepped);
    // A crossing comes: stepped for all three at once (urgent), each with its held marks; nothing waits.
    const crossing = batch(shard, 1_100, { ETHUSDT: 2_900 }, T + 1_100);
    expect(crossing).toMatchObject({ stepped: 3, early: 3, held: 0 });
    for (const d of waiting) expect(handed(crossing, d).marks).toMatchObject({ BTCUSDT: 96_990, ETHUSDT: 2_900 });
    expect(handed(crossing, stepped).markedAt).toMatchObject({ BTCUSDT: T + 1_000, ETHUSDT: T + 1_100 });
  });

  it('keeps its band through calm steps (same exposure, marks inside it) and rebuilds it after a band-leaving one', () => {
    feedMarks.clear();
    const shard = shardWithDemo(1_000);
    batch(shard, 0, { BTCUSDT: 97_000, ETHUSDT: 3_400, SOLUSDT: 190 }, T);
    // A calm step (due at the cadence, the mark inside the band): the band is kept, so a crossing is still seen.
    expect(batch(shard, 1_000, { BTCUSDT: 96_990 }, T + 1_000)).toMatchObject({ stepped: 1, early: 0 });
    expect(batch(shard, 1_100, { BTCUSDT: 85_000 }, T + 1_100)).toMatchObject({ stepped: 1, early: 1 });
    // The band is rebuilt at 85 000: a tick next to it is inside, kept for the calm step (the old band would step it again).
    expect(batch(shard, 1_200, { BTCUSDT: 84_990 }, T + 1_200)).toMatchObject({ stepped: 0, held: 1 });
  });

  it("lets every stepped monitor's view go once its bands are drawn: a step's evaluation does not live to the next step", () => {
    for (const calmEveryMs of [1_000, 0]) {
      feedMarks.clear();
      const shard = shardWithDemo(calmEveryMs, undefined, ['a', 'b', 'c']);
      expect(shard.heldViews()).toBe(0);
      let stepped = 0;
      let pushes = 0;
      for (const [i, btc] of [97_000, 96_990, 85_000, 84_000, 97_000].entries()) {
        const result = batch(shard, i * 1_000, i === 0 ? { BTCUSDT: btc, ETHUSDT: 3_400, SOLUSDT: 190 } : { BTCUSDT: btc }, T + i * 1_000);
        stepped += result.stepped;
        pushes += result.saves.reduce((n, s) => n + s.pushes.length, 0);
        expect(shard.heldViews()).toBe(0);
      }
      // Not vacuous: the monitors were stepped, through a fall that pushed.
      expect(stepped).toBeGreaterThanOrEqual(9);
      expect(pushes).toBeGreaterThan(0);
    }
  });

  it('steps at once a monitor whose forecast band a mark left, though its tier band holds the mark', () => {
    feedMarks.clear();
    const shard = shardWithDemo(10_000);
    batch(shard, 0, { BTCUSDT: 97_000, ETHUSDT: 3_400, SOLUSDT: 190 }, T);
    // BTC down 3 %: the pool's rho stays under Watch (inside the tier band, below 91 161), but the odds of
    // Margin call within 4 h are not held by the band (a pool's band keeps within 2 % of the mark).
    const moved = batch(shard, 100, { BTCUSDT: 94_000 }, T + 100);
    expect(moved).toMatchObject({ stepped: 1, early: 1, held: 0 });
    // Next to the new mark: inside both bands again, kept for the calm cadence (10 s).
    expect(batch(shard, 200, { BTCUSDT: 93_990 }, T + 200)).toMatchObject({ stepped: 0, held: 1 });
    expect(batch(shard, 5_000, { BTCUSDT: 93_980 }, T + 5_000)).toMatchObject({ stepped: 0, held: 1 });
    expect(batch(shard, 10_100, { BTCUSDT: 93_970 }, T + 10_100)).toMatchObject({ stepped: 1, early: 0 });
  });

  it('with calmEveryMs 0 steps every monitor of the batch, as before', () => {
    feedMarks.clear();
    const shard = shardWithDemo(0);
    batch(shard, 0, { BTCUSDT: 97_000, ETHUSDT: 3_400, SOLUSDT: 190 }, T);
    expect(batch(shard, 100, { BTCUSDT: 96_990 }, T + 100)).toMatchObject({ stepped: 1, early: 0, held: 0 });
  });
});

describe('monitorShard: what is saved (only what is pushed must be durable before the push)', () => {
  const body = JSON.stringify({ takenAtMs: T - 60_000, accounts: [{ accountId: 'binance:main', account: binanceDemoAccountJson() }] });
  /** The saves of a crash: the first step (whole), a margin call (its alert part), a resolve (nothing), a periodic save. */
  function crash(saveEveryMs = 60_000) {
    feedMarks.clear();
    const shard = monitorShard({ log: silentLog, staleAfterMs: 900_000, saveEveryMs, calmEveryMs: 1_000 });
    shard.load([{ deviceId: 'dev', body, monitors: null }], 0);
    return {
      first: batch(shard, 0, { BTCUSDT: 97_000, ETHUSDT: 3_400, SOLUSDT: 190 }, T),
      call: batch(shard, 2_000, { BTCUSDT: 85_000 }, T + 2_000),
      resolved: batch(shard, 4_000, { BTCUSDT: 97_000 }, T + 4_000),
      periodic: batch(shard, 62_500, { BTCUSDT: 96_000 }, T + 62_500),
      // Down again, further: new notices after the periodic whole snapshot's.
      again: batch(shard, 64_000, { BTCUSDT: 80_000 }, T + 64_000),
    };
  }
  const alertPartText = (r: StepResult): string => {
    const m = r.saves[0]!.monitor;
    if (m.state !== null) throw new Error('expected an alert part');
    return m.alerts;
  };
  /** A relay restarted on the store as it was after the margin call, stepped with the call's marks again. */
  function restartWith(monitors: { accountId: string; state: string; alerts?: string | null }[], log = silentLog, btc = 85_000, atMs = T + 2_100): StepResult & { shard: MonitorShard } {
    feedMarks.clear();
    const restarted = monitorShard({ log, staleAfterMs: 900_000, saveEveryMs: 60_000, calmEveryMs: 1_000 });
    restarted.load([{ deviceId: 'dev', body, monitors }], 5_000);
    return { ...batch(restarted, 5_000, { BTCUSDT: btc, ETHUSDT: 3_400, SOLUSDT: 190 }, atMs), shard: restarted };
  }

  it("saves a new monitor whole at its first step, a pushing step's alert part only, and the whole again at the periodic save; a step whose decisions push nothing waits for it", () => {
    const { first, call, resolved, periodic } = crash();
    // Nothing in the store yet: saved whole at its first step, though nothing is pushed.
    expect(first.saves.map((x) => [x.pushes.length, x.monitor.state === null])).toEqual([[0, false]]);
    // BTC down 12 %: a margin call pushed, saved with its push (one transaction): the alert part alone.
    expect(call.saves).toHaveLength(1);
    expect(call.saves[0]!.pushes.length).toBeGreaterThan(0);
    const part = call.saves[0]!.monitor;
    expect(part.state).toBeNull();
    const alerts = JSON.parse(part.state === null ? part.alerts : '') as Record<string, unknown>;
    expect(Object.keys(alerts).sort()).toEqual(['accountId', 'alertPart', 'historyAfter', 'live', 'state']);
    expect(Object.keys(alerts['state'] as object).sort()).toEqual(['alerts', 'funding', 'marks', 'now', 'rejected', 'stale']);
    // The options and the estimates are not in it: smaller than the first whole snapshot, which had no alert yet.
    expect(part.state === null && part.alerts.length).toBeLessThan(first.saves[0]!.monitor.state!.length);
    // Back up: the alert resolves (a decision, no push): stepped, not saved.
    expect(resolved).toMatchObject({ stepped: 1, saves: [] });
    // A minute after the last whole save, a step is saved whole again, pushes or not, at the newest state.
    expect(periodic.saves).toHaveLength(1);
    expect(periodic.saves[0]!.pushes).toEqual([]);
    expect(periodic.saves[0]!.monitor.state).not.toBeNull();
    expect(periodic.saves[0]!.monitor.state).not.toBe(first.saves[0]!.monitor.state);
  });

  it('the whole snapshot with the newer alert part over it is the whole snapshot of that step but for the estimates; a part holds only the notices after the whole one', () => {
    const parts = crash();
    const wholes = crash(0);
    const read = (v: unknown) => {
      const snap = parseMonitorSnapshot(v);
      if (isFieldError(snap)) throw new Error(`${snap.field}: ${snap.message}`);
      return snap;
    };
    for (const [whole, step] of [['first', 'call'], ['periodic', 'again']] as const) {
      expect(parts[step].saves[0]!.pushes.length, step).toBeGreaterThan(0);
      const merged = read(withAlertPart(JSON.parse(parts[whole].saves[0]!.monitor.state!), JSON.parse(alertPartText(parts[step])), 'binance:main'));
      const expected = read(JSON.parse(wholes[step].saves[0]!.monitor.state!));
      expect(merged.live, step).toEqual(expected.live);
      const { volatility, correlation, minuteMoves, shape, ...alertState } = expected.state;
      expect(merged.state, step).toMatchObject(alertState);
      expect(merged.options, step).toEqual(expected.options);
    }
    // After a whole snapshot with notices, the part carries only the newer ones.
    const periodic = read(JSON.parse(parts.periodic.saves[0]!.monitor.state!));
    const again = JSON.parse(alertPartText(parts.again)) as { historyAfter: string; state: { alerts: { history: { id: string; reminder: number }[] } } };
    const last = periodic.state.alerts.history.at(-1)!;
    expect(again.historyAfter).toBe(`${last.id}#${last.reminder}`);
    expect(again.state.alerts.history.length).toBeGreaterThan(0);
    expect(again.state.alerts.history.length).toBeLessThan(read(JSON.parse(wholes.again.saves[0]!.monitor.state!)).state.alerts.history.length);
  });

  it('restored from the whole snapshot and the newer alert part (a restart), its first step pushes nothing and is not saved', () => {
    const { first, call } = crash();
    const part = call.saves[0]!.monitor;
    const state = first.saves[0]!.monitor.state!;
    expect(restartWith([{ accountId: 'binance:main', state, alerts: part.state === null ? part.alerts : null }])).toMatchObject({ stepped: 1, saves: [] });
  });

  it("without the alert part, or with another account's, the restart pushes the margin call again (under a new id): the part is what keeps it", () => {
    const { first, call } = crash();
    const part = call.saves[0]!.monitor;
    const alerts = part.state === null ? part.alerts : '';
    const state = first.saves[0]!.monitor.state!;
    const pushedIds = call.saves[0]!.pushes.map((p) => p.dedupeKey);
    // Dropped: restored from the whole snapshot of the first step, before the call.
    const dropped = restartWith([{ accountId: 'binance:main', state }]);
    expect(dropped.saves.flatMap((x) => x.pushes).length).toBeGreaterThan(0);
    expect(dropped.saves.flatMap((x) => x.pushes.map((p) => p.dedupeKey)).some((k) => !pushedIds.includes(k))).toBe(true);
    // Another account's part is refused (logged, naming the field) and the whole snapshot alone restored.
    const errors: string[] = [];
    const log = { info: () => {}, error: (message: string, fields?: Readonly<Record<string, unknown>>) => void errors.push(`${message}: ${String(fields?.['field'])}`) };
    const foreign = alerts.replace('"accountId":"binance:main"', '"accountId":"binance:other"');
    expect(foreign).not.toBe(alerts);
    const wrong = restartWith([{ accountId: 'binance:main', state, alerts: foreign }], log);
    expect(errors).toEqual(['saved alert part refused; restoring the whole snapshot alone: alerts.accountId']);
    expect(wrong.saves.flatMap((x) => x.pushes).length).toBeGreaterThan(0);
    // A part older than the whole snapshot is refused too.
    errors.length = 0;
    const periodicState = crash().periodic.saves[0]!.monitor.state!;
    restartWith([{ accountId: 'binance:main', state: periodicState, alerts }], log);
    expect(errors).toEqual(['saved alert part refused; restoring the whole snapshot alone: alerts.state.now']);
  });

  it('a garbage alert part in the store (not JSON, a wrong field, a number that is not one) is refused naming the field, and the whole snapshot restored: nothing crashes', () => {
    const { first, call } = crash();
    const state = first.saves[0]!.monitor.state!;
    const alerts = alertPartText(call);
    const errors: string[] = [];
    const log = { info: () => {}, error: (message: string, fields?: Readonly<Record<string, unknown>>) => void errors.push(`${message}: ${String(fields?.['field'])}`) };
    const garbage = [
      '{"alertPart":1,"accountId":"binance:ma', // cut off mid-write
      alerts.replace('"alertPart":1', '"alertPart":2'),
      alerts.replace(/"now":\d+/, '"now":"NaN"'),
      alerts.replace('"state":{', '"state":{"volatility":{},'),
    ];
    for (const text of garbage) expect(text).not.toBe(alerts);
    for (const text of garbage) {
      const back = restartWith([{ accountId: 'binance:main', state, alerts: text }], log);
      // The whole snapshot of the first step is what is left: the margin call comes again.
      expect(back.stepped).toBe(1);
      expect(back.saves.flatMap((x) => x.pushes).length).toBeGreaterThan(0);
    }
    expect(errors).toEqual([
      'saved alert part refused; restoring the whole snapshot alone: alerts',
      'saved alert part refused; restoring the whole snapshot alone: alerts.alertPart',
      'saved alert part refused; restoring the whole snapshot alone: alerts.state.now',
      'saved alert part refused; restoring the whole snapshot alone: alerts.state.volatility',
    ]);
  });

  it('a part that follows another whole snapshot than the stored one (that save failed) is still laid over it: the ids hold, each notice once', () => {
    const { first, periodic, again } = crash();
    const errors: string[] = [];
    const log = { info: () => {}, error: (message: string) => void errors.push(message) };
    // The periodic whole save was lost: the store holds the first step's whole snapshot and the newer part.
    const back = restartWith([{ accountId: 'binance:main', state: first.saves[0]!.monitor.state!, alerts: alertPartText(again) }], log, 80_000, T + 65_000);
    expect(back).toMatchObject({ stepped: 1, saves: [] });
    expect(errors).toEqual([]);
    // Its next part follows the stored whole snapshot (no notice: null), so it carries the notices of the part it was restored with too.
    // Back up, down again within Liquidation's re-entry period (the notice waits), then its due notice is pushed.
    batch(back.shard, 6_000, { BTCUSDT: 97_000 }, T + 66_000);
    batch(back.shard, 7_000, { BTCUSDT: 80_000 }, T + 67_000);
    const next = batch(back.shard, 8_000, { BTCUSDT: 80_000 }, T + 64_000 + 16 * 60_000);
    expect(next.saves[0]!.pushes.length).toBeGreaterThan(0);
    const nextPart = JSON.parse(alertPartText(next)) as { historyAfter: string | null; state: { alerts: { history: { id: string; reminder: number }[] } } };
    expect(nextPart.historyAfter).toBeNull();
    const againKeys = (JSON.parse(alertPartText(again)) as typeof nextPart).state.alerts.history.map((a) => `${a.id}#${a.reminder}`);
    expect(nextPart.state.alerts.history.map((a) => `${a.id}#${a.reminder}`).slice(0, againKeys.length)).toEqual(againKeys);
    // Without the part the same restart pushes again, under new ids.
    expect(restartWith([{ accountId: 'binance:main', state: first.saves[0]!.monitor.state! }], log, 80_000, T + 65_000).saves.flatMap((x) => x.pushes).length).toBeGreaterThan(0);
    // A notice in both the whole snapshot and the part is kept once.
    const whole = JSON.parse(periodic.saves[0]!.monitor.state!) as { state: { alerts: { history: { id: string; reminder: number }[] } } };
    const part = JSON.parse(alertPartText(again)) as { historyAfter: string | null; state: { alerts: { history: unknown[] } } };
    const overlapping = { ...part, historyAfter: null, state: { ...part.state, alerts: { ...part.state.alerts, history: [whole.state.alerts.history.at(-1), ...part.state.alerts.history] } } };
    const merged = withAlertPart(whole, overlapping, 'binance:main') as typeof whole;
    const keys = merged.state.alerts.history.map((a) => `${a.id}#${a.reminder}`);
    expect(keys).toHaveLength(whole.state.alerts.history.length + part.state.alerts.history.length);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
