import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakePushService, type FakePushService } from '../../tools/test-support/fake-push-service.ts';
import type { RelayLog } from '../relay-log.ts';
import type { RelayStore } from '../store/relay-store.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import { loadOrCreateVapidKeys } from './relay-vapid-keys.ts';
import { threadPushSender, type RunningSender } from './sender-thread.ts';

// The sender in a worker thread of its own, against the main thread's SQLite store (WAL, two connections)
// and a real push service on loopback that decrypts every push.
let service: FakePushService;
let store: RelayStore;
let dataDir: string;
let sender: RunningSender | null = null;
const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
const log: RelayLog = {
  info: (message, fields = {}) => void lines.push({ level: 'info', message, fields }),
  error: (message, fields = {}) => void lines.push({ level: 'error', message, fields }),
};

beforeEach(async () => {
  lines.length = 0;
  service = await startFakePushService();
  dataDir = mkdtempSync(join(tmpdir(), 'relay-sender-thread-'));
  await loadOrCreateVapidKeys(dataDir);
  store = openSqliteStore(join(dataDir, 'relay.sqlite'));
});
afterEach(async () => {
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

describe('threadPushSender', () => {
  it('posts the queue from a worker thread, marks it in the shared store, and hands its log lines to the relay\'s log', async () => {
    await store.createDevice({ id: 'd1', tokenHash: 'x', createdAtMs: Date.now(), subscription: JSON.stringify(service.subscribe()), vapidJwk: null, subject: 'mailto:ops@margin-sentry.test' });
    await store.createDevice({ id: 'd2', tokenHash: 'x', createdAtMs: Date.now(), subscription: JSON.stringify(service.subscribe()), vapidJwk: null, subject: 'mailto:ops@margin-sentry.test' });
    sender = await threadPushSender({ dataDir, store: 'sqlite', shard: null }, store, log, (error) => log.error('failed', { error: error.message }));
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

  it('never posts twice what it posted before the main thread wrote its marks', async () => {
    await store.createDevice({ id: 'd1', tokenHash: 'x', createdAtMs: Date.now(), subscription: JSON.stringify(service.subscribe()), vapidJwk: null, subject: 'mailto:ops@margin-sentry.test' });
    // The main thread writes the marks late (busy with a batch's saves): the next drain reads the queue first.
    const slowMarks: RelayStore = { ...store, markPushes: (marks) => new Promise((resolve) => setTimeout(() => resolve(store.markPushes(marks)), 300)) };
    sender = await threadPushSender({ dataDir, store: 'sqlite', shard: null }, slowMarks, log, () => undefined);
    await queue('d1', ['k1', 'k2']);
    expect(await sender.drain()).toBe(2);
    expect(await sender.drain()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await sender.drain()).toBe(0);
    expect(service.received).toHaveLength(2);
    expect((await store.pushes('d1')).map((p) => p.status)).toEqual(['sent', 'sent']);
  });

  it('rejects when its worker cannot open the store (the relay does not start)', async () => {
    await expect(threadPushSender({ dataDir: '/proc/no-such-relay-dir', store: 'sqlite', shard: null }, store, log, () => undefined)).rejects.toThrow();
  });
});
