import type { webcrypto } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeBase64url } from '../../shared/push/base64url.ts';
import { startFakePushService, type FakePushService } from '../../tools/test-support/fake-push-service.ts';
import { silentLog } from '../relay-log.ts';
import { createServer } from 'node:http';
import type { PushMark, PushRecord, RelayStore } from '../store/relay-store.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import { httpPushPost, type HttpPushPost } from './push-post.ts';
import { FILL_AFTER_QUIET_MS, pushSender } from './push-sender.ts';
import { loadOrCreateVapidKeys } from './relay-vapid-keys.ts';
import { testDir } from '../../tools/test-support/test-dir.ts';
import { holdingPushEndpoint } from '../../tools/test-support/holding-push-endpoint.ts';

let service: FakePushService;
let store: RelayStore;
let now: number;
let http: HttpPushPost;
const dataDir = () => testDir('relay-push-');

beforeEach(async () => {
  now = Date.now();
  http = httpPushPost();
  service = await startFakePushService({ clock: () => now });
  const dir = dataDir();
  store = openSqliteStore(join(dir, 'relay.sqlite'));
});
afterEach(async () => {
  http.close();
  await service.close();
  await store.close();
});

const push = (deviceId: string, key: string): PushRecord => ({
  deviceId,
  dedupeKey: key,
  payload: JSON.stringify({ web_push: 8030, notification: { title: `Margin call ${key}`, body: 'add 412 USDT', navigate: '/' } }),
  urgency: 'high',
  topicKey: `acct/${key}`,
  ttlSec: 300,
  createdAtMs: now,
});

async function device(id: string, vapidJwk: string | null = null) {
  const subscription = service.subscribe();
  await store.createDevice({ id, tokenHash: 'x', createdAtMs: now, subscription: JSON.stringify(subscription), vapidJwk, subject: 'mailto:ops@margin-sentry.test' });
  return subscription;
}

async function sender() {
  const relay = await loadOrCreateVapidKeys(dataDir());
  return pushSender({ store, log: silentLog, clock: () => now, relayKeys: relay.keys, post: http.post, shard: null });
}

describe('pushSender', () => {
  it('makes each device\'s next message agreement while the queue is empty, and never sends a sender key twice', async () => {
    await device('a1');
    await device('a2');
    const relay = await loadOrCreateVapidKeys(dataDir());
    const senderKeys: string[] = [];
    const s = pushSender({
      store,
      log: silentLog,
      clock: () => now,
      relayKeys: relay.keys,
      post: (request, timeoutMs) => {
        senderKeys.push(encodeBase64url(request.body.slice(21, 86)));
        return http.post(request, timeoutMs);
      },
      shard: null,
      prepareAhead: { room: 100, perDevice: 1 },
    });
    expect(await s.drain()).toBe(0); // nothing due: agreements are made now
    await s.settled();
    expect(s.prepared()).toEqual({ waiting: 2, taken: 0 });
    await store.saveDecisions({ deviceId: 'a1', accountId: 'a', state: '{}', savedAtMs: now }, [push('a1', 'k1'), push('a1', 'k2'), push('a1', 'k3')]);
    await store.saveDecisions({ deviceId: 'a2', accountId: 'a', state: '{}', savedAtMs: now }, [push('a2', 'k1')]);
    expect(await s.drain()).toBe(4);
    // One agreement a device was ready; a1's other two pushes made theirs as they were sent.
    expect(s.prepared()).toEqual({ waiting: 0, taken: 2 });
    await s.settled();
    // Not while pushes were posted moments ago (the queue empties between a burst's batches) ...
    expect(await s.drain()).toBe(0);
    await s.settled();
    expect(s.prepared()).toEqual({ waiting: 0, taken: 2 });
    // ... but once nothing has been posted for FILL_AFTER_QUIET_MS.
    now += FILL_AFTER_QUIET_MS;
    expect(await s.drain()).toBe(0);
    await s.settled();
    expect(s.prepared()).toEqual({ waiting: 2, taken: 2 });
    await store.saveDecisions({ deviceId: 'a1', accountId: 'a', state: '{}', savedAtMs: now }, [push('a1', 'k4')]);
    expect(await s.drain()).toBe(1);
    expect(service.refused).toEqual([]);
    expect(service.received.map((r) => JSON.parse(r.text).notification.title).sort()).toEqual(['Margin call k1', 'Margin call k1', 'Margin call k2', 'Margin call k3', 'Margin call k4']);
    expect(senderKeys).toHaveLength(5);
    expect(new Set(senderKeys).size).toBe(5);
    s.close();
    await s.settled();
  });

  it('makes up to perDevice agreements a device, every device\'s first before any second, within the room', async () => {
    for (const id of ['b1', 'b2', 'b3']) await device(id);
    const relay = await loadOrCreateVapidKeys(dataDir());
    const s = pushSender({ store, log: silentLog, clock: () => now, relayKeys: relay.keys, post: http.post, shard: null, prepareAhead: { room: 4, perDevice: 2 } });
    await s.drain();
    await s.settled();
    expect(s.prepared()).toEqual({ waiting: 4, taken: 0 });
    await store.saveDecisions({ deviceId: 'b3', accountId: 'a', state: '{}', savedAtMs: now }, [push('b3', 'k1'), push('b3', 'k2')]);
    expect(await s.drain()).toBe(2);
    expect(s.prepared().taken).toBe(1); // b1 b2 b3 b1: the room held b3's first, not its second
    s.close();
  });

  it('posts each due push once; the push service verifies and decrypts it', async () => {
    await device('d1');
    await store.saveDecisions({ deviceId: 'd1', accountId: 'a', state: '{}', savedAtMs: now }, [push('d1', 'k1'), push('d1', 'k2')]);
    const s = await sender();
    expect(await s.drain()).toBe(2);
    expect(await s.drain()).toBe(0);
    expect(service.refused).toEqual([]);
    expect(service.received.map((r) => JSON.parse(r.text).notification.title).sort()).toEqual(['Margin call k1', 'Margin call k2']);
    expect((await store.pushes('d1')).map((p) => p.status)).toEqual(['sent', 'sent']);
  });

  it('a subscription made anew gets the next push, with its own keys, though the old one was decoded and kept moments before', async () => {
    const old = await device('r1');
    const s = await sender();
    await store.saveDecisions({ deviceId: 'r1', accountId: 'a', state: '{}', savedAtMs: now }, [push('r1', 'k1')]);
    expect(await s.drain()).toBe(1);
    await s.settled(); // the devices read, an agreement made ahead for the old key
    await store.saveDecisions({ deviceId: 'r1', accountId: 'a', state: '{}', savedAtMs: now }, [push('r1', 'k2')]);
    expect(await s.drain()).toBe(1);
    // The phone subscribed anew (PUT /v1/devices/r1/subscription); the sender's clock has not moved.
    const renewed = service.subscribe();
    await store.updateSubscription('r1', JSON.stringify(renewed));
    await store.saveDecisions({ deviceId: 'r1', accountId: 'a', state: '{}', savedAtMs: now }, [push('r1', 'k3')]);
    expect(await s.drain()).toBe(1);
    expect(service.refused).toEqual([]);
    const idOf = (endpoint: string): string => endpoint.split('/').pop()!;
    expect(service.received.map((r) => [JSON.parse(r.text).notification.title, r.subscriptionId])).toEqual([
      ['Margin call k1', idOf(old.endpoint)],
      ['Margin call k2', idOf(old.endpoint)],
      ['Margin call k3', idOf(renewed.endpoint)],
    ]);
    s.close();
    await s.settled();
  });

  it('a 410 for a subscription the phone has replaced meanwhile keeps the new one, and the push goes to it', async () => {
    const old = await device('g1');
    const renewed = service.subscribe();
    service.expire(old.endpoint);
    const relay = await loadOrCreateVapidKeys(dataDir());
    let posts = 0;
    const s = pushSender({
      store,
      log: silentLog,
      clock: () => now,
      relayKeys: relay.keys,
      // The phone subscribes anew while the push to its old subscription is on its way.
      post: async (request, timeoutMs) => {
        const answer = await http.post(request, timeoutMs);
        if ((posts += 1) === 1) await store.updateSubscription('g1', JSON.stringify(renewed));
        return answer;
      },
      shard: null,
    });
    await store.saveDecisions({ deviceId: 'g1', accountId: 'a', state: '{}', savedAtMs: now }, [push('g1', 'k1')]);
    await s.drain();
    expect((await store.device('g1'))?.subscription).toBe(JSON.stringify(renewed));
    await s.drain();
    expect(service.refused).toEqual([]);
    expect(service.received.map((r) => [JSON.parse(r.text).notification.title, r.subscriptionId])).toEqual([['Margin call k1', renewed.endpoint.split('/').pop()]]);
    expect((await store.pushes('g1')).map((p) => [p.status, p.attempts])).toEqual([['sent', 2]]);
    s.close();
    await s.settled();
  });

  it('signs with the pair the phone brought when it brought one', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign'])) as { publicKey: webcrypto.CryptoKey; privateKey: webcrypto.CryptoKey };
    const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
    await device('d2', JSON.stringify({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d: jwk.d }));
    await store.saveDecisions({ deviceId: 'd2', accountId: 'a', state: '{}', savedAtMs: now }, [push('d2', 'k')]);
    await (await sender()).drain();
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    expect(service.received[0]?.headers['authorization']).toContain(`k=${encodeBase64url(raw)}`);
  });

  it('429 with Retry-After waits that long, then sends; 410 drops the subscription', async () => {
    const sub = await device('d3');
    service.failNext(sub.endpoint, [429], '30');
    await store.saveDecisions({ deviceId: 'd3', accountId: 'a', state: '{}', savedAtMs: now }, [push('d3', 'k')]);
    const s = await sender();
    await s.drain();
    expect(service.received).toEqual([]);
    expect((await store.pushes('d3'))[0]).toMatchObject({ status: 'pending', attempts: 1, nextAtMs: now + 30_000 });
    now += 29_000;
    await s.drain();
    expect(service.received).toEqual([]);
    now += 1_000;
    await s.drain();
    expect(service.received.length).toBe(1);

    service.expire(sub.endpoint);
    await store.saveDecisions({ deviceId: 'd3', accountId: 'a', state: '{}', savedAtMs: now }, [push('d3', 'k2')]);
    await s.drain();
    expect((await store.device('d3'))?.subscription).toBeNull();
    expect((await store.pushes('d3')).map((p) => p.status)).toEqual(['sent', 'gone']);
  });

  it('a push service that does not answer counts as down: retried later, never lost', async () => {
    await store.createDevice({ id: 'd4', tokenHash: 'x', createdAtMs: now, subscription: JSON.stringify({ ...service.subscribe(), endpoint: 'http://127.0.0.1:1/push/s1' }), vapidJwk: null, subject: 'mailto:ops@margin-sentry.test' });
    await store.saveDecisions({ deviceId: 'd4', accountId: 'a', state: '{}', savedAtMs: now }, [push('d4', 'k')]);
    await (await sender()).drain();
    expect((await store.pushes('d4'))[0]).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('a newer alert for the same subject replaces the queued older one: only the newer is posted', async () => {
    await device('d5');
    const topic = (key: string, topicKey: string): PushRecord => ({ ...push('d5', key), topicKey });
    await store.saveDecisions({ deviceId: 'd5', accountId: 'a', state: '{}', savedAtMs: now }, [topic('watch#0', 'acct/pool'), topic('btc#0', 'acct/BTC')]);
    await store.saveBatch([{ monitor: { deviceId: 'd5', accountId: 'a', state: '{}', savedAtMs: now }, pushes: [topic('margin-call#0', 'acct/pool')] }]);
    expect(await (await sender()).drain()).toBe(2);
    expect(service.received.map((r) => JSON.parse(r.text).notification.title).sort()).toEqual(['Margin call btc#0', 'Margin call margin-call#0']);
    expect((await store.pushes('d5')).map((p) => [p.dedupeKey, p.status])).toEqual([
      ['watch#0', 'replaced'],
      ['btc#0', 'sent'],
      ['margin-call#0', 'sent'],
    ]);
  });

  it('marks each round of posts in one store call, and signs one VAPID token for them all', async () => {
    await device('d6');
    const many = Array.from({ length: 70 }, (_, i) => push('d6', `k${i}`));
    await store.saveDecisions({ deviceId: 'd6', accountId: 'a', state: '{}', savedAtMs: now }, many);
    const rounds: number[] = [];
    const counting: RelayStore = { ...store, markPushes: (marks: readonly PushMark[]) => (rounds.push(marks.length), store.markPushes(marks)) };
    const relay = await loadOrCreateVapidKeys(dataDir());
    expect(await pushSender({ store: counting, log: silentLog, clock: () => now, relayKeys: relay.keys, post: http.post, shard: null, roundSize: 64 }).drain()).toBe(70);
    expect(rounds).toEqual([64, 6]);
    expect((await store.pushes('d6')).every((p) => p.status === 'sent')).toBe(true);
    expect(service.refused).toEqual([]);
    expect(new Set(service.received.map((r) => r.headers['authorization'])).size).toBe(1);
  });

  it('reads the queue once while it has nothing more due, not once per post that finishes', async () => {
    await device('d8');
    await store.saveDecisions({ deviceId: 'd8', accountId: 'a', state: '{}', savedAtMs: now }, Array.from({ length: 40 }, (_, i) => push('d8', `r${i}`)));
    let reads = 0;
    const counting: RelayStore = { ...store, duePushes: (...args: Parameters<RelayStore['duePushes']>) => ((reads += 1), store.duePushes(...args)) };
    const relay = await loadOrCreateVapidKeys(dataDir());
    expect(await pushSender({ store: counting, log: silentLog, clock: () => now, relayKeys: relay.keys, post: http.post, shard: null, window: 16 }).drain()).toBe(40);
    // Windows of 16 refilled at half: 16, then 8 or more at a time, the last read short. Reading again
    // whenever a post finished (before) made 13 reads here, and ~1,400 a second in a burst.
    expect(reads).toBeLessThanOrEqual(6);
    expect((await store.pushes('d8')).every((p) => p.status === 'sent')).toBe(true);
  });

  it('a drain asked for while one runs has its pushes posted by the running one, between its posts', async () => {
    const slow = await holdingPushEndpoint();
    try {
      await store.createDevice({ id: 'slow2', tokenHash: 'x', createdAtMs: now, subscription: JSON.stringify({ ...service.subscribe(), endpoint: slow.url }), vapidJwk: null, subject: 'mailto:ops@margin-sentry.test' });
      await store.saveDecisions({ deviceId: 'slow2', accountId: 'a', state: '{}', savedAtMs: now }, [push('slow2', 'first')]);
      const relay = await loadOrCreateVapidKeys(dataDir());
      let reads = 0;
      const counting: RelayStore = { ...store, duePushes: (...args: Parameters<RelayStore['duePushes']>) => ((reads += 1), store.duePushes(...args)) };
      const sender = pushSender({ store: counting, log: silentLog, clock: () => now, relayKeys: relay.keys, post: http.post, shard: null, timeoutMs: 60_000 });
      const first = sender.drain();
      for (const deadline = Date.now() + 5_000; !slow.seen() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
      expect(slow.seen()).toBe(true);
      // The first drain now waits on the slow post, having found the queue empty after it.
      await device('late');
      await store.saveDecisions({ deviceId: 'late', accountId: 'b', state: '{}', savedAtMs: now }, [push('late', 'l0'), push('late', 'l1')]);
      const second = sender.drain();
      for (const deadline = Date.now() + 5_000; service.received.length < 2 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
      expect(service.received.length).toBe(2);
      // Five more asks while the first still waits: they share the one drain behind it.
      const more = Array.from({ length: 5 }, () => sender.drain());
      slow.release();
      expect(await first).toBe(3);
      expect(await second).toBe(0);
      expect(await Promise.all(more)).toStrictEqual([0, 0, 0, 0, 0]);
      // The first drain's two reads (the slow push, the late ones), its read after the five asks, and
      // the one drain behind it: chained one behind another, the five made five more.
      expect(reads).toBeLessThanOrEqual(5);
    } finally {
      http.close();
      await slow.close();
    }
  });

  it('a slow post does not hold the others: the window keeps posting and marking while it waits', async () => {
    // One push to a push service that holds its answer until released, queued first, then 100 to a quick one.
    const slow = await holdingPushEndpoint();
    try {
      await store.createDevice({ id: 'slow', tokenHash: 'x', createdAtMs: now, subscription: JSON.stringify({ ...service.subscribe(), endpoint: slow.url }), vapidJwk: null, subject: 'mailto:ops@margin-sentry.test' });
      await store.saveDecisions({ deviceId: 'slow', accountId: 'a', state: '{}', savedAtMs: now }, [push('slow', 'first')]);
      await device('quick');
      await store.saveDecisions({ deviceId: 'quick', accountId: 'b', state: '{}', savedAtMs: now }, Array.from({ length: 100 }, (_, i) => push('quick', `q${i}`)));
      const relay = await loadOrCreateVapidKeys(dataDir());
      const draining = pushSender({ store, log: silentLog, clock: () => now, relayKeys: relay.keys, post: http.post, shard: null, roundSize: 64, timeoutMs: 60_000 }).drain();
      // In rounds of 64 the slow post held the other 36 back until it answered; in a window they all go
      // out and are marked (64 at a time) while it waits.
      const marked = async (): Promise<number> => (await store.pushes('quick')).filter((p) => p.status === 'sent').length;
      for (const deadline = Date.now() + 5_000; (await marked()) < 64 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
      for (const deadline = Date.now() + 5_000; service.received.length < 100 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
      expect(service.received.length).toBe(100);
      expect(await marked()).toBeGreaterThanOrEqual(64);
      expect((await store.pushes('slow'))[0]).toMatchObject({ status: 'pending', attempts: 0 });
      slow.release();
      expect(await draining).toBe(101);
      expect((await store.pushes('slow'))[0]).toMatchObject({ status: 'sent', attempts: 1 });
      expect(await marked()).toBe(100);
    } finally {
      http.close();
      await slow.close();
    }
  });

  it('a push service that takes the connection and never answers times out: retried later', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      await store.createDevice({ id: 'd7', tokenHash: 'x', createdAtMs: now, subscription: JSON.stringify({ ...service.subscribe(), endpoint: `http://127.0.0.1:${port}/push/s1` }), vapidJwk: null, subject: 'mailto:ops@margin-sentry.test' });
      await store.saveDecisions({ deviceId: 'd7', accountId: 'a', state: '{}', savedAtMs: now }, [push('d7', 'k')]);
      const relay = await loadOrCreateVapidKeys(dataDir());
      await pushSender({ store, log: silentLog, clock: () => now, relayKeys: relay.keys, post: http.post, shard: null, timeoutMs: 300 }).drain();
      expect((await store.pushes('d7'))[0]).toMatchObject({ status: 'pending', attempts: 1 });
      expect((await store.pushes('d7'))[0]!.nextAtMs).toBeGreaterThan(now);
    } finally {
      http.close();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
