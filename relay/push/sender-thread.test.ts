import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakePushService, type FakePushService } from '../../tools/test-support/fake-push-service.ts';
import { postgresBinDir, startThrowawayPostgres, type ThrowawayPostgres } from '../../tools/test-support/throwaway-postgres.ts';
import type { RelayLog } from '../relay-log.ts';
import type { RelayStore } from '../store/relay-store.ts';
import { openPostgresStore } from '../store/postgres-store.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import { loadOrCreateVapidKeys } from './relay-vapid-keys.ts';
import { threadPushSender, type RunningSender } from './sender-thread.ts';
import { holdingPushEndpoint } from '../../tools/test-support/holding-push-endpoint.ts';
import { testDir } from '../../tools/test-support/test-dir.ts';

// The sender in a worker thread of its own, against the main thread's store (SQLite in WAL, two
// connections; or PostgreSQL, the hosted relay's, each thread with its own pool) and a real push service
// on loopback that decrypts every push. PostgreSQL runs where it is installed (.ci/run installs it; the
// store's contract test says why it is skipped elsewhere).
let service: FakePushService;
let store: RelayStore;
let storeName: string;
let dataDir: string;
let sender: RunningSender | null = null;
const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
const log: RelayLog = {
  info: (message, fields = {}) => void lines.push({ level: 'info', message, fields }),
  error: (message, fields = {}) => void lines.push({ level: 'error', message, fields }),
};

let postgres: ThrowawayPostgres | null = null;
let databases = 0;
beforeAll(async () => {
  if (postgresBinDir() !== null) postgres = await startThrowawayPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
});

/** A fresh store of the kind, and the `--store` value a sender thread opens it by. */
async function freshStore(kind: 'sqlite' | 'postgres'): Promise<{ store: RelayStore; name: string }> {
  if (kind === 'sqlite') return { store: openSqliteStore(join(dataDir, 'relay.sqlite')), name: 'sqlite' };
  const admin = new pg.Client({ connectionString: postgres!.url });
  await admin.connect();
  const database = `sender_${++databases}`;
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = postgres!.url.replace('/relay?', `/${database}?`);
  return { store: await openPostgresStore(url), name: url };
}

let opened = false;
afterEach(async () => {
  if (!opened) return;
  opened = false;
  await sender?.stop();
  sender = null;
  await service.close();
  await store.close();
});

async function queue(deviceId: string, keys: readonly string[]): Promise<void> {
  const now = Date.now();
  await store.saveDecisions(
    { deviceId, accountId: 'a', state: '{}', savedAtMs: now },
    keys.map((k) => ({ deviceId, dedupeKey: k, payload: JSON.stringify({ web_push: 8030, notification: { title: `Margin call ${k}`, body: 'add 412 USDT', navigate: '/' } }), urgency: 'high' as const, topicKey: null, ttlSec: 300, createdAtMs: now })),
  );
}

describe.each(['sqlite', 'postgres'] as const)('threadPushSender on %s', (kind) => {
  beforeEach(async (context) => {
    if (kind === 'postgres' && postgres === null) return context.skip();
    lines.length = 0;
    service = await startFakePushService();
    dataDir = testDir('relay-sender-thread-');
    await loadOrCreateVapidKeys(dataDir);
    ({ store, name: storeName } = await freshStore(kind));
    opened = true;
  });

  it('posts the queue from a worker thread, marks it in the shared store, and hands its log lines to the relay\'s log', async () => {
    await store.createDevice({ id: 'd1', tokenHash: 'x', createdAtMs: Date.now(), subscription: JSON.stringify(service.subscribe()), vapidJwk: null, subject: 'mailto:ops@margin-sentry.test' });
    await store.createDevice({ id: 'd2', tokenHash: 'x', createdAtMs: Date.now(), subscription: JSON.stringify(service.subscribe()), vapidJwk: null, subject: 'mailto:ops@margin-sentry.test' });
    sender = await threadPushSender({ dataDir, store: storeName, shard: null }, store, log, (error) => log.error('failed', { error: error.message }));
    await queue('d1', ['k1', 'k2']);
    await queue('d2', ['k3']);
    // Asked many times at once (after every batch, in the relay): every push goes out once.
    const drains = await Promise.all(Array.from({ length: 10 }, () => sender!.drain()));
    expect(drains.reduce((a, b) => a + b, 0)).toBe(3);
    expect(service.received.map((r) => JSON.parse(r.text).notification.title).sort()).toEqual(['Margin call k1', 'Margin call k2', 'Margin call k3']);
    expect((await store.pushes('d1')).map((p) => p.status)).toEqual(['sent', 'sent']);
    expect(lines.filter((l) => l.message === 'push sent').map((l) => l.fields['deviceId']).sort()).toEqual(['d1', 'd1', 'd2']);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    // What was queued after a drain goes out at the next; stop drains what is due before it lets go.
    await queue('d2', ['k4']);
    await sender.stop();
    sender = null;
    expect((await store.pushes('d2')).map((p) => p.status)).toEqual(['sent', 'sent']);
    expect(service.received).toHaveLength(4);
  });

  it('posts what is queued while a drain waits on a slow push service, before that one answers', async () => {
    const slow = await holdingPushEndpoint();
    try {
      await store.createDevice({ id: 'slow', tokenHash: 'x', createdAtMs: Date.now(), subscription: JSON.stringify({ ...service.subscribe(), endpoint: slow.url }), vapidJwk: null, subject: 'mailto:ops@margin-sentry.test' });
      await store.createDevice({ id: 'd1', tokenHash: 'x', createdAtMs: Date.now(), subscription: JSON.stringify(service.subscribe()), vapidJwk: null, subject: 'mailto:ops@margin-sentry.test' });
      sender = await threadPushSender({ dataDir, store: storeName, shard: null }, store, log, () => undefined);
      await queue('slow', ['s1']);
      const first = sender.drain();
      for (const deadline = Date.now() + 5_000; !slow.seen() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
      expect(slow.seen()).toBe(true);
      // The relay asks after every committed part: this ask must reach the running drain, not wait for it.
      await queue('d1', ['k1', 'k2']);
      const second = sender.drain();
      for (const deadline = Date.now() + 5_000; service.received.length < 2 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
      expect(service.received).toHaveLength(2);
      slow.release();
      expect((await first) + (await second)).toBe(3);
    } finally {
      await slow.close();
    }
  });

  it('never posts twice what it posted before the main thread wrote its marks', async () => {
    await store.createDevice({ id: 'd1', tokenHash: 'x', createdAtMs: Date.now(), subscription: JSON.stringify(service.subscribe()), vapidJwk: null, subject: 'mailto:ops@margin-sentry.test' });
    // The main thread writes the marks late (busy with a batch's saves): the next drain reads the queue first.
    const slowMarks: RelayStore = { ...store, markPushes: (marks) => new Promise((resolve) => setTimeout(() => resolve(store.markPushes(marks)), 300)) };
    sender = await threadPushSender({ dataDir, store: storeName, shard: null }, slowMarks, log, () => undefined);
    await queue('d1', ['k1', 'k2']);
    expect(await sender.drain()).toBe(2);
    expect(await sender.drain()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await sender.drain()).toBe(0);
    expect(service.received).toHaveLength(2);
    expect((await store.pushes('d1')).map((p) => p.status)).toEqual(['sent', 'sent']);
  });

  it('rejects when its worker cannot open the store (the relay does not start)', async () => {
    const unreachable = kind === 'sqlite' ? 'sqlite' : 'postgres://relay@127.0.0.1:1/none';
    await expect(threadPushSender({ dataDir: '/proc/no-such-relay-dir', store: unreachable, shard: null }, store, log, () => undefined)).rejects.toThrow();
  });
});

describe('threadPushSender, connections and window', () => {
  // A push service that holds its answers: it answers all it holds once `releaseAt` are held at once,
  // and counts the connections and the most posts it held at a time.
  async function holdingService(releaseAt: number) {
    const held: ServerResponse[] = [];
    let most = 0;
    let sockets = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        held.push(res);
        most = Math.max(most, held.length);
        if (held.length >= releaseAt) for (const r of held.splice(0)) r.writeHead(201).end();
      });
    });
    server.on('connection', () => (sockets += 1));
    // What is still held when the queue runs short of `releaseAt` is answered by the test.
    const flush = (): void => void held.splice(0).forEach((r) => r.writeHead(201).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { origin: `http://127.0.0.1:${port}`, flush, counts: () => ({ most, sockets }), close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
  }

  it.each([
    { connections: 3, window: 6, releaseAt: 3, expected: { most: 3, sockets: 3 } },
    { connections: 8, window: 4, releaseAt: 4, expected: { most: 4, sockets: 4 } },
  ])('keeps at most $connections connections and $window posts in flight when told so', async ({ connections, window, releaseAt, expected }) => {
    const keys = await startFakePushService();
    const push = await holdingService(releaseAt);
    const dir = testDir('relay-sender-thread-');
    await loadOrCreateVapidKeys(dir);
    const local = openSqliteStore(join(dir, 'relay.sqlite'));
    let running: RunningSender | null = null;
    try {
      for (let d = 0; d < 24; d += 1) await local.createDevice({ id: `d${d}`, tokenHash: 'x', createdAtMs: Date.now(), subscription: JSON.stringify({ ...keys.subscribe(), endpoint: `${push.origin}/push/s${d}` }), vapidJwk: null, subject: 'mailto:ops@margin-sentry.test' });
      running = await threadPushSender({ dataDir: dir, store: 'sqlite', shard: null, connections, window }, local, log, () => undefined);
      const now = Date.now();
      await local.saveBatch(Array.from({ length: 24 }, (_, d) => ({ monitor: { deviceId: `d${d}`, accountId: 'a', state: '{}', savedAtMs: now }, pushes: [{ deviceId: `d${d}`, dedupeKey: 'k', payload: '{"web_push":8030,"notification":{"title":"t","body":"b","navigate":"/"}}', urgency: 'high' as const, topicKey: null, ttlSec: 60, createdAtMs: now }] })));
      const draining = running.drain();
      // 24 is a multiple of the release count: each group is answered once it is held whole.
      expect(await draining).toBe(24);
      push.flush();
      expect(push.counts()).toEqual(expected);
      expect((await local.pushes('d23'))[0]!.status).toBe('sent');
    } finally {
      await running?.stop();
      await local.close();
      await push.close();
      await keys.close();
    }
  });
});
