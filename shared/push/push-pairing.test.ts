import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePushService, type FakePushService } from '../../tools/test-support/fake-push-service.ts';
import { isFieldError } from '../units/field-error.ts';
import { encodeBase64url, utf8 } from './base64url.ts';
import { buildPushPairing, pairingVapidKeys, parsePushPairing, pushPairingLink, type PushPairing } from './push-pairing.ts';
import { pushRequest } from './push-request.ts';

const subtle = globalThis.crypto.subtle;
let service: FakePushService;
beforeAll(async () => {
  service = await startFakePushService();
});
afterAll(() => service.close());

async function vapidPair(): Promise<{ publicKey: string; privateKey: string }> {
  const pair = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as { publicKey: Parameters<typeof subtle.exportKey>[1]; privateKey: Parameters<typeof subtle.exportKey>[1] };
  const raw = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
  const jwk = await subtle.exportKey('jwk', pair.privateKey);
  return { publicKey: encodeBase64url(raw), privateKey: jwk.d! };
}

async function pairing(): Promise<PushPairing> {
  const keys = await vapidPair();
  const built = buildPushPairing({ subscription: service.subscribe(keys.publicKey), vapidPublicKey: keys.publicKey, vapidPrivateKey: keys.privateKey, subject: 'mailto:me@example.com' });
  if (isFieldError(built)) throw new Error(built.message);
  return built;
}

const link = (p: unknown): string => `https://app.example/#pair-sender=${encodeBase64url(utf8(JSON.stringify(p)))}`;

describe('push pairing: builder, link and parser', () => {
  it('round-trips through the link, the bare payload and the JSON, as plain data', async () => {
    const p = await pairing();
    const text = pushPairingLink(p, 'https://app.example/settings#old');
    expect(text.startsWith('https://app.example/settings#pair-sender=')).toBe(true);
    expect(parsePushPairing(text)).toEqual(p);
    expect(parsePushPairing(`  ${text.split('#pair-sender=')[1]!}\n`)).toEqual(p);
    expect(parsePushPairing(JSON.stringify(p))).toEqual(p);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    // chrome.storage and postMessage hand it on by structured clone.
    expect(structuredClone(p)).toStrictEqual(p);
  });

  it('signs with the phone key: the push service that checks the subscription key accepts the push and decrypts it', async () => {
    const p = await pairing();
    const keys = await pairingVapidKeys(parsePushPairing(pushPairingLink(p, 'https://app.example/')) as PushPairing, subtle);
    if (isFieldError(keys)) throw new Error(keys.message);
    const request = await pushRequest({ subscription: p.subscription, payload: '{"hello":1}', ttlSec: 60, urgency: 'high', topicKey: 't', vapid: { keys, subject: p.subject }, nowSec: Math.floor(Date.now() / 1000) }, subtle);
    if (!request.ok) throw new Error(request.error);
    const res = await fetch(request.value.url, { method: 'POST', headers: request.value.headers, body: request.value.body });
    expect(res.status).toBe(201);
    expect(service.received.at(-1)!.text).toBe('{"hello":1}');
  });

  it('refuses garbage, naming the field', () => {
    expect(parsePushPairing('')).toMatchObject({ field: 'link' });
    expect(parsePushPairing('hello world')).toMatchObject({ field: 'link' });
    expect(parsePushPairing('https://app.example/#pair-sender=%%%')).toMatchObject({ field: 'link' });
    expect(parsePushPairing(`https://app.example/#pair-sender=${encodeBase64url(utf8('not json'))}`)).toMatchObject({ field: 'link', message: expect.stringContaining('not JSON') });
    expect(parsePushPairing(encodeBase64url(Uint8Array.of(0xff, 0xfe, 0xfd)))).toMatchObject({ field: 'link' });
    expect(parsePushPairing('[1,2]')).toMatchObject({ field: 'link' });
    expect(parsePushPairing('x'.repeat(9000))).toMatchObject({ field: 'link', message: expect.stringContaining('too long') });
  });

  it('refuses another version', async () => {
    const p = await pairing();
    expect(parsePushPairing(link({ ...p, v: 2 }))).toMatchObject({ field: 'v', message: expect.stringContaining('version 1, got 2') });
    const { v: _v, ...noVersion } = p;
    expect(parsePushPairing(link(noVersion))).toMatchObject({ field: 'v' });
  });

  it('refuses missing or malformed keys, naming each', async () => {
    const p = await pairing();
    const cases: [unknown, string][] = [
      [{ ...p, subscription: undefined }, 'subscription'],
      [{ ...p, subscription: { ...p.subscription, endpoint: 'http://push.example/x' } }, 'subscription.endpoint'],
      [{ ...p, subscription: { endpoint: p.subscription.endpoint } }, 'subscription.keys'],
      [{ ...p, subscription: { ...p.subscription, keys: { auth: p.subscription.keys.auth } } }, 'subscription.keys.p256dh'],
      [{ ...p, subscription: { ...p.subscription, keys: { ...p.subscription.keys, auth: 'AAAA' } } }, 'subscription.keys.auth'],
      [{ ...p, vapid: undefined }, 'vapid'],
      [{ ...p, vapid: { privateKey: p.vapid.privateKey } }, 'vapid.publicKey'],
      [{ ...p, vapid: { publicKey: p.vapid.publicKey } }, 'vapid.privateKey'],
      [{ ...p, vapid: { ...p.vapid, privateKey: 'abc+/' } }, 'vapid.privateKey'],
      [{ ...p, subject: undefined }, 'subject'],
      [{ ...p, subject: 'mailto:<me@example.com>' }, 'subject'],
      [{ ...p, subject: 'https://localhost/' }, 'subject'],
    ];
    for (const [bad, field] of cases) expect(parsePushPairing(link(bad)), field).toMatchObject({ kind: 'field-error', field });
  });

  it('refuses a private key that is not the public key\'s partner', async () => {
    const p = await pairing();
    const other = await vapidPair();
    const mixed = parsePushPairing(link({ ...p, vapid: { publicKey: p.vapid.publicKey, privateKey: other.privateKey } })) as PushPairing;
    expect(isFieldError(mixed)).toBe(false);
    expect(await pairingVapidKeys(mixed, subtle)).toMatchObject({ field: 'vapid.privateKey' });
  });
});
