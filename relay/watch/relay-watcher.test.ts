import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyAccountState, type AccountState } from '../../shared/engine/positions/account-state.ts';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import { systemClock } from '../../shared/platform/system-clock.ts';
import { epochMs, price } from '../../shared/units/units.ts';
import { binanceDemoAccountJson } from '../../tools/test-support/replay-documents.ts';
import { waitFor } from '../../tools/test-support/wait-for.ts';
import { silentLog } from '../relay-log.ts';
import type { RelayStore } from '../store/relay-store.ts';
import { inShard } from '../store/shard.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import { relayWatcher, type BatchReport, type MarkFeed, type RelayWatcher } from './relay-watcher.ts';

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
const shard = { index: 0, count: 2 };

beforeEach(async () => {
  store = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'relay-watcher-')), 'relay.sqlite'));
  feeds = new Map();
  batches = [];
  watcher = relayWatcher({
    store,
    log: silentLog,
    clock: Date.now,
    timers: systemClock,
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
    windowMs: () => 0,
    drain: () => undefined,
    onBatch: (r) => batches.push(r),
  });
  await watcher.start();
});
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

describe('relayWatcher', () => {
  it('watches only its shard, follows the union of symbols, and stops watching a deleted device', async () => {
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
  });

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
