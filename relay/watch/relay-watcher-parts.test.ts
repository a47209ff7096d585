import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyAccountState, type AccountState } from '../../shared/engine/positions/account-state.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import { epochMs, price } from '../../shared/units/units.ts';
import { binanceDemoAccountJson } from '../../tools/test-support/replay-documents.ts';
import { waitFor } from '../../tools/test-support/wait-for.ts';
import type { DecisionSave, RelayStore } from '../store/relay-store.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import { relayWatcher, type BatchReport, type RelayWatcher } from './relay-watcher.ts';
import { manualTimers } from '../../tools/test-support/manual-timers.ts';
import { testDir } from '../../tools/test-support/test-dir.ts';

/**
 * A batch's saves committed in parts as the share hands them on (monitor-shard.ts), in the order they
 * come, behind whatever the watcher queued before: a slow commit holds the later parts and batches back,
 * so a monitor's saves never overtake each other. The parts that come while a commit is under way are
 * committed together after it, in one transaction.
 */

let store: RelayStore;
let watcher: RelayWatcher;
afterEach(async () => {
  await watcher.stop();
  await store.close();
});


const T = 1_764_000_100_000;
const DEVICES = ['a', 'b', 'c'];

/** A watcher of three demo devices whose every step is saved (saveEveryMs 0) and handed on in a part of its own (partEveryMs 0). */
async function open(workers: number): Promise<{ timers: ReturnType<typeof manualTimers>; reports: BatchReport[]; commits: string[][]; gate: (held: Promise<void> | null) => void; mark: (marks: Record<string, number>, time: number) => void }> {
  const inner = await openSqliteStore(join(testDir('relay-parts-'), 'relay.sqlite'));
  /** Each transaction: the monitors it saved, with the BTC mark each was stepped at. */
  const commits: string[][] = [];
  let held: Promise<void> | null = null;
  store = {
    ...inner,
    async saveBatch(saves: readonly DecisionSave[]) {
      const wait = held;
      held = null;
      if (wait !== null) await wait;
      const queued = await inner.saveBatch(saves);
      commits.push(saves.map((s) => `${s.monitor.deviceId} ${(JSON.parse(s.monitor.state ?? s.monitor.alerts) as { state: { marks: Record<string, number> } }).state.marks['BTCUSDT']}`));
      return queued;
    },
  };
  const timers = manualTimers();
  const reports: BatchReport[] = [];
  const feedMarks = new Map<string, { price: number; time: number }>();
  let emit: (event: FeedEvent) => void = () => undefined;
  watcher = relayWatcher({
    store,
    log: { info: () => undefined, error: (message, fields) => console.error(message, fields) },
    clock: Date.now,
    timers,
    saveEveryMs: 0,
    calmEveryMs: 0,
    partEveryMs: 0,
    workers,
    shard: null,
    staleAfterSec: 900,
    openFeed: (venue, _watch, onEvent) => {
      emit = onEvent;
      return {
        start: () => undefined,
        stop: () => undefined,
        watch: () => undefined,
        state: (): AccountState => ({ ...emptyAccountState(venue), marks: new Map([...feedMarks].map(([s, m]) => [s, { price: price(m.price), time: epochMs(m.time) }])) }),
      };
    },
    windowMs: () => 0,
    drain: () => undefined,
    onBatch: (r) => reports.push(r),
  });
  await watcher.start();
  for (const id of DEVICES) {
    await store.createDevice({ id, tokenHash: 'x', createdAtMs: 1, subscription: null, vapidJwk: null, subject: 'mailto:a@b.test' });
    await store.putSnapshot({ deviceId: id, body: JSON.stringify({ takenAtMs: T - 60_000, accounts: [{ accountId: 'binance:main', account: binanceDemoAccountJson() }] }), receivedAtMs: 1 });
    watcher.deviceChanged(id);
  }
  await watcher.settled();
  const mark = (marks: Record<string, number>, time: number): void => {
    for (const [symbol, p] of Object.entries(marks)) {
      feedMarks.set(symbol, { price: p, time });
      emit({ kind: 'venue', event: { kind: 'mark', symbol, price: price(p), time: epochMs(time), source: 'mark' } });
    }
  };
  return { timers, reports, commits, gate: (h) => void (held = h), mark };
}

/** The reports in the order they came (part, last, monitors), split after each last one. */
const byBatch = (reports: readonly BatchReport[]): [number, boolean, number][][] => {
  const batches: [number, boolean, number][][] = [[]];
  for (const r of reports) {
    batches.at(-1)!.push([r.part, r.last, r.monitors]);
    if (r.last) batches.push([]);
  }
  return batches.filter((b) => b.length > 0);
};

describe('relayWatcher: a batch committed in parts', () => {
  it('commits the parts in the order they came, behind a slow commit; those that came meanwhile in one transaction (in this thread)', async () => {
    const { timers, reports, commits, gate, mark } = await open(0);
    // The first part's commit waits until the test lets it go.
    let release = (): void => undefined;
    gate(new Promise<void>((resolve) => (release = resolve)));
    mark({ BTCUSDT: 97_000, ETHUSDT: 3_400, SOLUSDT: 190 }, T);
    timers.fire();
    // The in-thread share has stepped the batch (its parts queued, the first one's commit held); its lane is free.
    await new Promise((resolve) => setImmediate(resolve));
    expect(commits).toEqual([]);
    mark({ BTCUSDT: 96_000 }, T + 1_000);
    timers.fire();
    await new Promise((resolve) => setImmediate(resolve));
    expect(commits).toEqual([]);
    release();
    await watcher.settled();
    // The first batch's parts had all come when its commit began (the in-thread share answers at once):
    // one transaction; the second batch's, which came while it was held, in the next.
    expect(commits.map((c) => c.length)).toEqual([3, 3]);
    expect(commits.flat().map((c) => c.split(' ')[1])).toEqual(['97000', '97000', '97000', '96000', '96000', '96000']);
    for (const d of DEVICES) expect(commits.flat().filter((c) => c.startsWith(`${d} `))).toEqual([`${d} 97000`, `${d} 96000`]);
    // Per batch: three parts of one monitor each, then its last report (nothing left to save), in order.
    expect(byBatch(reports)).toEqual([
      [[0, false, 1], [1, false, 1], [2, false, 1], [3, true, 0]],
      [[0, false, 1], [1, false, 1], [2, false, 1], [3, true, 0]],
    ]);
    for (let i = 1; i < reports.length; i += 1) expect(reports[i]!.doneAtMs).toBeGreaterThanOrEqual(reports[i - 1]!.doneAtMs);
  });

  it('gets the parts from a worker thread (plain data across the boundary), each committed in order', async () => {
    const { timers, reports, commits, mark } = await open(1);
    const ended = (): number => reports.filter((r) => r.last).length;
    mark({ BTCUSDT: 97_000, ETHUSDT: 3_400, SOLUSDT: 190 }, T);
    timers.fire();
    await waitFor('the first batch', () => ended() === 1);
    mark({ BTCUSDT: 96_000 }, T + 1_000);
    timers.fire();
    await waitFor('the second batch', () => ended() === 2);
    await watcher.settled();
    for (const d of DEVICES) expect(commits.flat().filter((c) => c.startsWith(`${d} `))).toEqual([`${d} 97000`, `${d} 96000`]);
    expect(byBatch(reports)).toEqual([
      [[0, false, 1], [1, false, 1], [2, false, 1], [3, true, 0]],
      [[0, false, 1], [1, false, 1], [2, false, 1], [3, true, 0]],
    ]);
  });
});
