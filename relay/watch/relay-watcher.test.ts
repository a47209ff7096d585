import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emptyAccountState, type AccountState } from '../../shared/engine/positions/account-state.ts';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import { systemClock } from '../../shared/platform/system-clock.ts';
import { epochMs, price } from '../../shared/units/units.ts';
import { binanceDemoAccountJson } from '../../tools/test-support/replay-documents.ts';
import { waitFor } from '../../tools/test-support/wait-for.ts';
import type { RelayStore } from '../store/relay-store.ts';
import { inShard } from '../store/shard.ts';
import { openPostgresStore } from '../store/postgres-store.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import { postgresBinDir, startThrowawayPostgres, type ThrowawayPostgres } from '../../tools/test-support/throwaway-postgres.ts';
import { relayWatcher, type BatchReport, type MarkFeed, type RelayWatcher } from './relay-watcher.ts';
import { manualTimers } from '../../tools/test-support/manual-timers.ts';
import { testDir } from '../../tools/test-support/test-dir.ts';

/** The watcher's own bookkeeping, with a stand-in feed the test drives (the simulator runs in relay-watch.test.ts). */

interface StubFeed extends MarkFeed {
  watched: string[];
  emit(event: FeedEvent): void;
  marks: Map<string, { price: number; time: number }>;
}

let store: RelayStore;
let watcher: RelayWatcher;
let feeds: Map<VenueId, StubFeed>;
let batches: BatchReport[];
/** A batch's result comes in parts, one report each: its last one ends the batch. */
const ended = (): BatchReport[] => batches.filter((b) => b.last);
const shard = { index: 0, count: 2 };


const sqliteStore = async (): Promise<RelayStore> => openSqliteStore(join(testDir('relay-watcher-'), 'relay.sqlite'));
let openStore: () => Promise<RelayStore> = sqliteStore;

// calmEveryMs 0: every batch steps every monitor of its symbols (the calm cadence has its own tests, monitor-shard.test.ts).
async function open(workers: number, timers: Pick<typeof systemClock, 'setTimer'> = systemClock, saveEveryMs = 60_000, windowMs = 0, calmEveryMs = 0, clock: () => number = Date.now): Promise<void> {
  store = await openStore();
  feeds = new Map();
  batches = [];
  watcher = relayWatcher({
    store,
    log: { info: () => undefined, error: (message, fields) => console.error(message, fields) },
    clock,
    timers,
    saveEveryMs,
    calmEveryMs,
    workers,
    shard,
    staleAfterSec: 900,
    openFeed: (venue, watch, onEvent) => {
      const feed: StubFeed = {
        watched: [...watch],
        marks: new Map(),
        start: () => undefined,
        stop: () => undefined,
        watch: (symbols) => feed.watched.push(...symbols),
        state: (): AccountState => ({ ...emptyAccountState(venue), marks: new Map([...feed.marks].map(([s, m]) => [s, { price: price(m.price), time: epochMs(m.time) }])) }),
        emit: onEvent,
      };
      feeds.set(venue, feed);
      return feed;
    },
    windowMs: () => windowMs,
    drain: () => undefined,
    onBatch: (r) => batches.push(r),
  });
  await watcher.start();
}
afterEach(async () => {
  await watcher.stop();
  await store.close();
});

/** Device ids on either side of the shard. */
const idIn = (wanted: boolean): string => {
  for (let i = 0; ; i += 1) if (inShard(`dev-${i}`, shard) === wanted) return `dev-${i}`;
};

async function device(id: string, account: Record<string, unknown> = binanceDemoAccountJson()): Promise<void> {
  if ((await store.device(id)) === null) await store.createDevice({ id, tokenHash: 'x', createdAtMs: 1, subscription: null, vapidJwk: null, subject: 'mailto:a@b.test' });
  await store.putSnapshot({ deviceId: id, body: JSON.stringify({ takenAtMs: 1_764_000_000_000, accounts: [{ accountId: 'binance:main', account }] }), receivedAtMs: 1 });
  watcher.deviceChanged(id);
  await watcher.settled();
}

function mark(symbol: string, value: number, time: number): void {
  const feed = feeds.get('binance')!;
  feed.marks.set(symbol, { price: value, time });
  feed.emit({ kind: 'venue', event: { kind: 'mark', symbol, price: price(value), time: epochMs(time), source: 'mark' } });
}

async function shardsAndDeletes(): Promise<void> {
  await device(idIn(false));
  expect(watcher.counts()).toEqual({});
  const mine = idIn(true);
  await device(mine);
  expect(watcher.counts()).toEqual({ binance: 1 });
  expect(feeds.get('binance')!.watched.sort()).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);

  // The monitor starts from the snapshot at the feed's marks and is saved.
  const t = 1_764_000_100_000;
  for (const [s, p] of [['BTCUSDT', 97_000], ['ETHUSDT', 3_400], ['SOLUSDT', 190]] as const) mark(s, p, t);
  await waitFor('a batch', () => batches.some((b) => b.monitors === 1));
  await watcher.settled();
  const saved = await store.monitors(mine);
  expect(saved.map((m) => m.accountId)).toEqual(['binance:main']);
  expect(JSON.parse(saved[0]!.state).state.marks).toEqual({ BTCUSDT: 97_000, ETHUSDT: 3_400, SOLUSDT: 190 });

  await store.deleteDevice(mine);
  watcher.deviceChanged(mine);
  await watcher.settled();
  expect(watcher.counts()).toEqual({ binance: 0 });
}

describe.each([0, 2])('relayWatcher with %i worker threads', (workers) => {
  beforeEach(() => open(workers));

  it('watches only its shard, follows the union of symbols, and stops watching a deleted device', shardsAndDeletes);

  it('a damaged stored snapshot is not watched; the next good one is', async () => {
    const id = idIn(true);
    await store.createDevice({ id, tokenHash: 'x', createdAtMs: 1, subscription: null, vapidJwk: null, subject: 'mailto:a@b.test' });
    await store.putSnapshot({ deviceId: id, body: '{"takenAtMs":1,"accounts":[{"accountId":"a","account":{"exchange":"binance"}}]}', receivedAtMs: 1 });
    watcher.deviceChanged(id);
    await watcher.settled();
    expect(watcher.counts()).toEqual({});
    await device(id);
    expect(watcher.counts()).toEqual({ binance: 1 });
  });
});

const solOnly = (): Record<string, unknown> => {
  const doc = binanceDemoAccountJson() as { positions: { symbol: string }[] };
  return { ...doc, positions: doc.positions.filter((p) => p.symbol === 'SOLUSDT') };
};

async function onlyTickedSymbols(workers: number): Promise<void> {
  const timers = manualTimers();
  await open(workers, timers, 0);
  const all = idIn(true);
  const solId = (() => {
    for (let i = 0; ; i += 1) if (inShard(`sol-${i}`, shard)) return `sol-${i}`;
  })();
  await device(all);
  await device(solId, solOnly());
  expect(watcher.counts()).toEqual({ binance: 2 });
  const t = 1_764_000_100_000;
  // First batch: every symbol, both devices stepped once (each starts its monitor).
  mark('SOLUSDT', 190, t);
  mark('ETHUSDT', 3_400, t);
  mark('BTCUSDT', 97_000, t);
  // Each share of the monitors (one per worker thread) has its batch of every venue event.
  const shares = Math.max(1, workers);
  const stepped = (): number => batches.reduce((n, b) => n + b.monitors, 0);
  timers.fire();
  await waitFor('the first batch', () => ended().length >= shares);
  await watcher.settled();
  expect(stepped()).toBe(2);
  // Second batch: two BTC marks and one ETH mark: one step for the full device, at the newer BTC mark; none for the SOL-only one.
  mark('BTCUSDT', 96_000, t + 1_000);
  mark('ETHUSDT', 3_390, t + 1_000);
  mark('BTCUSDT', 95_500, t + 1_500);
  timers.fire();
  await waitFor('the second batch', () => ended().length >= 2 * shares);
  expect(stepped()).toBe(3);
  // The stepped monitor saw 95 500 (the newest), not 96 000 (saveEveryMs 0: every step is saved).
  await watcher.settled();
  const saved = await store.monitors(all);
  expect(JSON.parse(saved[0]!.state).state.marks).toMatchObject({ BTCUSDT: 95_500, ETHUSDT: 3_390 });
  expect(JSON.parse((await store.monitors(solId))[0]!.state).state.marks).toEqual({ SOLUSDT: 190 });
}

describe('relayWatcher batches', () => {
  it.each([0, 2])('steps only the monitors holding a symbol that ticked, once per batch, at the newest mark of each symbol (%i worker threads)', onlyTickedSymbols);

  it('reports how long the venue window held a batch beyond its gather (what a tier band could save)', async () => {
    const timers = manualTimers();
    await open(0, timers, 60_000, 60_000);
    await device(idIn(true));
    const t = 1_764_000_100_000;
    mark('BTCUSDT', 97_000, t);
    timers.fire();
    await waitFor('the first batch', () => ended().length >= 1);
    // The first batch only waited for its gather; the next tick comes well inside the 60 s window.
    expect(ended()[0]!.windowHeldMs).toBe(0);
    mark('BTCUSDT', 96_000, t + 1_000);
    timers.fire();
    await waitFor('the second batch', () => ended().length >= 2);
    expect(ended()[1]!.windowHeldMs).toBeGreaterThan(50_000);
    expect(ended()[1]!.windowHeldMs).toBeLessThanOrEqual(60_000 - 20);
  });

  it('counts the window from the venue tick of the batch before, so a late hand-off does not hold the next tick back', async () => {
    const timers = manualTimers();
    let now = 1_000_000;
    await open(0, timers, 60_000, 1_000, 0, () => now);
    await device(idIn(true));
    const t = 1_764_000_100_000;
    mark('BTCUSDT', 97_000, t);
    // The share takes the first tick 600 ms late (busy with the batch before, or a slow machine).
    now += 600;
    timers.fire();
    await waitFor('the first batch', () => ended().length >= 1);
    // The next tick, one venue interval after the first: the window opened with it.
    now += 400;
    mark('BTCUSDT', 96_000, t + 1_000);
    timers.fire();
    await waitFor('the second batch', () => ended().length >= 2);
    expect(ended()[1]!.windowHeldMs).toBe(0);
  });
});

// The same watcher on the PostgreSQL store (a throwaway cluster; see postgres-store.test.ts for when it skips).
const postgres = postgresBinDir() !== null;
describe.skipIf(!postgres)('relayWatcher on the PostgreSQL store', () => {
  let server: ThrowawayPostgres;
  let databases = 0;
  beforeAll(async () => {
    server = await startThrowawayPostgres();
    openStore = async () => {
      const admin = new pg.Client({ connectionString: server.url });
      await admin.connect();
      const name = `watcher_${++databases}`;
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      return openPostgresStore(server.url.replace('/relay?', `/${name}?`));
    };
  }, 60_000);
  afterAll(async () => {
    openStore = sqliteStore;
    await server?.stop();
  });

  it('watches only its shard and stops watching a deleted device (2 worker threads)', async () => {
    await open(2);
    await shardsAndDeletes();
  });
  it('steps only the monitors holding a symbol that ticked; every step saved in one transaction per batch', () => onlyTickedSymbols(2));
});
