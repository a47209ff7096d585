import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePushService, type FakePushService } from '../../tools/test-support/fake-push-service.ts';
import { decodeBase64url, encodeBase64url } from './base64url.ts';
import { generateP256KeyPair } from './push-encryption.ts';
import { parsePushSubscription, pushRequest, pushRequestCache, pushTopic, type PushSendInput } from './push-request.ts';
import { vapidAuthorization, vapidCache, vapidSubjectProblem, VAPID_LIFETIME_SEC } from './vapid.ts';

const subtle = globalThis.crypto.subtle;
let service: FakePushService;
beforeAll(async () => {
  service = await startFakePushService();
});
afterAll(() => service.close());

const send = async (request: { url: string; method: string; headers: Readonly<Record<string, string>>; body: Uint8Array }) =>
  fetch(request.url, { method: request.method, headers: request.headers, body: request.body });

async function input(overrides: Partial<PushSendInput> = {}): Promise<PushSendInput> {
  return {
    subscription: service.subscribe(),
    payload: JSON.stringify({ web_push: 8030, notification: { title: 'Margin call: BTCUSDT', body: 'rho 0.82; add 412 USDT', navigate: '/' } }),
    ttlSec: 300,
    urgency: 'high',
    topicKey: 'binance:main/BTCUSDT',
    vapid: { keys: await generateP256KeyPair(subtle, 'ecdsa'), subject: 'mailto:alerts@margin-sentry.test' },
    nowSec: Math.floor(Date.now() / 1000),
    ...overrides,
  };
}

describe('pushRequest through a push service that checks like the real ones', () => {
  it('is accepted, verified (VAPID ES256, aud, exp) and decrypted by an independent receiver', async () => {
    const refusedBefore = service.refused.length;
    const i = await input();
    const request = await pushRequest(i, subtle);
    if (!request.ok) throw new Error(request.error);
    const response = await send(request.value);
    expect(response.status).toBe(201);
    const got = service.received.at(-1)!;
    expect(got.text).toBe(i.payload);
    expect(got.headers['ttl']).toBe('300');
    expect(got.headers['urgency']).toBe('high');
    expect(got.headers['topic']).toMatch(/^[\w-]{32}$/);
    expect(service.refused.slice(refusedBefore)).toEqual([]);
  });

  it('a token signed by another key, for another audience or too far ahead is refused (403)', async () => {
    const before = service.refused.length;
    const i = await input();
    const other = await generateP256KeyPair(subtle, 'ecdsa');
    const request = await pushRequest(i, subtle);
    if (!request.ok) throw new Error(request.error);
    const forged = await vapidAuthorization({ endpoint: i.subscription.endpoint, subject: i.vapid.subject, keys: { ...other, publicKey: i.vapid.keys.publicKey }, nowSec: i.nowSec }, subtle);
    if (!forged.ok) throw new Error(forged.error);
    expect((await send({ ...request.value, headers: { ...request.value.headers, Authorization: forged.header } })).status).toBe(403);
    const elsewhere = await vapidAuthorization({ endpoint: 'https://push.example.test/x', subject: i.vapid.subject, keys: i.vapid.keys, nowSec: i.nowSec }, subtle);
    if (!elsewhere.ok) throw new Error(elsewhere.error);
    expect((await send({ ...request.value, headers: { ...request.value.headers, Authorization: elsewhere.header } })).status).toBe(403);
    const stale = await vapidAuthorization({ endpoint: i.subscription.endpoint, subject: i.vapid.subject, keys: i.vapid.keys, nowSec: i.nowSec - 13 * 3600 }, subtle);
    if (!stale.ok) throw new Error(stale.error);
    expect((await send({ ...request.value, headers: { ...request.value.headers, Authorization: stale.header } })).status).toBe(403);
    expect(service.refused.slice(before).map((r) => r.reason)).toEqual([
      'the JWT signature does not verify with k',
      expect.stringContaining('aud https://push.example.test'),
      'exp is not within the next 24 h',
    ]);
  });

  it('matches web-push on the header names and values it sends for the same message', async () => {
    const i = await input({ topicKey: null, urgency: 'normal', ttlSec: 60 });
    const ours = await pushRequest(i, subtle);
    if (!ours.ok) throw new Error(ours.error);
    const vapid = webpush.generateVAPIDKeys();
    const theirs = webpush.generateRequestDetails(i.subscription, i.payload, {
      vapidDetails: { subject: i.vapid.subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
      contentEncoding: 'aes128gcm',
      TTL: 60,
      urgency: 'normal',
    });
    const names = (h: Readonly<Record<string, unknown>>) => Object.keys(h).map((k) => k.toLowerCase()).filter((k) => k !== 'content-length').sort();
    expect(names(ours.value.headers)).toEqual(names(theirs.headers));
    expect(ours.value.headers['TTL']).toBe(String(theirs.headers['TTL']));
    expect(ours.value.body.length).toBe((theirs.body as Buffer).length);
    expect(ours.value.headers['Authorization']).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]{87}$/);
  });

  it('the topic is 32 base64url characters, the same for the same subject, different for another', async () => {
    const a = await pushTopic('binance:main/BTCUSDT');
    expect(a).toMatch(/^[\w-]{32}$/);
    expect(await pushTopic('binance:main/BTCUSDT')).toBe(a);
    expect(await pushTopic('binance:main/ETHUSDT')).not.toBe(a);
  });
});

describe('a sender that pushes again and again (pushRequestCache)', () => {
  it('signs one VAPID token per key pair and push service, and signs again before it is half spent or when the clock went back', async () => {
    const cache = vapidCache(subtle);
    const i = await input();
    const at = (nowSec: number, endpoint = i.subscription.endpoint) => cache.authorization({ endpoint, subject: i.vapid.subject, keys: i.vapid.keys, nowSec });
    const first = await at(i.nowSec);
    if (!first.ok) throw new Error(first.error);
    expect(first.expiresAtSec).toBe(i.nowSec + VAPID_LIFETIME_SEC);
    // Concurrent callers share one signature; later ones reuse it while at least half its life is left.
    const [a, b] = await Promise.all([at(i.nowSec + 10), at(i.nowSec + 20)]);
    expect(a).toBe(first);
    expect(b).toBe(first);
    expect(await at(i.nowSec + VAPID_LIFETIME_SEC / 2)).toBe(first);
    const renewed = await at(i.nowSec + VAPID_LIFETIME_SEC / 2 + 1);
    expect(renewed.ok && renewed.expiresAtSec).toBe(i.nowSec + VAPID_LIFETIME_SEC * 1.5 + 1);
    // A clock set back 13 h: the cached token would end more than 24 h ahead (Apple refuses it).
    const back = await at(i.nowSec - 13 * 3600);
    expect(back.ok && back.expiresAtSec).toBe(i.nowSec - 13 * 3600 + VAPID_LIFETIME_SEC);
    const other = await at(i.nowSec - 13 * 3600, 'https://web.push.apple.com/abc');
    expect(other.ok && other.header).not.toBe(back.ok && back.header);
    // Another key pair for the same service is signed for with that pair.
    const otherKeys = await generateP256KeyPair(subtle, 'ecdsa');
    const theirs = await cache.authorization({ endpoint: i.subscription.endpoint, subject: i.vapid.subject, keys: otherKeys, nowSec: i.nowSec });
    expect(theirs.ok && theirs.header).toContain(`k=${encodeBase64url(otherKeys.publicKey)}`);
  });

  it('pushes made with the cache are accepted and decrypted, each with its own sender key and salt', async () => {
    const cache = pushRequestCache(subtle);
    const i = await input();
    const before = service.received.length;
    const bodies: Uint8Array[] = [];
    for (const payload of ['{"n":1}', '{"n":2}', '{"n":3}']) {
      const request = await pushRequest({ ...i, payload }, subtle, cache);
      if (!request.ok) throw new Error(request.error);
      bodies.push(request.value.body);
      expect((await send(request.value)).status).toBe(201);
    }
    expect(service.received.slice(before).map((r) => r.text)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    // The header's salt (0-16) and sender key (21-86) are new for every message (RFC 8291 §2).
    const headers = bodies.map((b) => encodeBase64url(b.slice(0, 16)) + encodeBase64url(b.slice(21, 86)));
    expect(new Set(headers).size).toBe(3);
    expect(new Set(bodies.map((b) => encodeBase64url(b.slice(21, 86)))).size).toBe(3);
  });

  it('a p256dh that is no point on the curve is refused with the field named, and not kept', async () => {
    const cache = pushRequestCache(subtle);
    const i = await input();
    const bad = { ...i.subscription, keys: { ...i.subscription.keys, p256dh: encodeBase64url(Uint8Array.of(4, ...new Uint8Array(64).fill(7))) } };
    expect(await pushRequest({ ...i, subscription: bad }, subtle, cache)).toEqual({ ok: false, error: 'p256dh: not a point on P-256' });
    expect(await pushRequest({ ...i, subscription: bad }, subtle, cache)).toEqual({ ok: false, error: 'p256dh: not a point on P-256' });
    expect((await pushRequest(i, subtle, cache)).ok).toBe(true);
  });
});

describe('bad input is refused with the field named', () => {
  it('subscriptions', () => {
    const good = { endpoint: 'https://fcm.googleapis.com/fcm/send/abc', keys: { p256dh: encodeBase64url(Uint8Array.of(4, ...new Uint8Array(64))), auth: encodeBase64url(new Uint8Array(16)) } };
    expect(parsePushSubscription(good).ok).toBe(true);
    const field = (v: unknown) => {
      const r = parsePushSubscription(v);
      return r.ok ? 'accepted' : r.field;
    };
    expect(field(null)).toBe('subscription');
    expect(field({ ...good, endpoint: 'http://evil.example/x' })).toBe('endpoint');
    expect(field({ ...good, endpoint: 'not a url' })).toBe('endpoint');
    expect(field({ ...good, keys: { ...good.keys, p256dh: 'abc+/=' } })).toBe('keys.p256dh');
    expect(field({ ...good, keys: { ...good.keys, auth: encodeBase64url(new Uint8Array(15)) } })).toBe('keys.auth');
    expect(field({ endpoint: good.endpoint })).toBe('keys');
    expect(field({ ...good, endpoint: 'http://127.0.0.1:9/push/s1' })).toBe('accepted');
  });

  it('VAPID subjects Apple refuses, a bad TTL and an oversized payload', async () => {
    expect(vapidSubjectProblem('mailto:ops@example.com')).toBeNull();
    expect(vapidSubjectProblem('https://margin-sentry.example/contact')).toBeNull();
    expect(vapidSubjectProblem('mailto: ops@example.com')).not.toBeNull();
    expect(vapidSubjectProblem('mailto:<ops@example.com>')).not.toBeNull();
    expect(vapidSubjectProblem('ops@example.com')).not.toBeNull();
    expect(vapidSubjectProblem('https://localhost/x')).not.toBeNull();
    expect(await pushRequest(await input({ vapid: { keys: await generateP256KeyPair(subtle, 'ecdsa'), subject: 'ops' } }), subtle)).toEqual({ ok: false, error: expect.stringContaining('subject') });
    expect(await pushRequest(await input({ ttlSec: -1 }), subtle)).toEqual({ ok: false, error: expect.stringContaining('ttl') });
    expect(await pushRequest(await input({ ttlSec: Number.NaN }), subtle)).toEqual({ ok: false, error: expect.stringContaining('ttl') });
    expect(await pushRequest(await input({ payload: 'x'.repeat(4000) }), subtle)).toEqual({ ok: false, error: expect.stringContaining('payload') });
    expect(decodeBase64url('abcde')).toBeNull();
  });
});
