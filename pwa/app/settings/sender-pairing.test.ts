import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePushService, type FakePushService } from '../../../tools/test-support/fake-push-service.ts';
import { pairingVapidKeys, parsePushPairing, type PushPairing } from '../../../shared/push/push-pairing.ts';
import { pushRequest } from '../../../shared/push/push-request.ts';
import type { SecretStore } from '../../../shared/ports/secret-store.ts';
import { isFieldError } from '../../../shared/units/field-error.ts';
import { makeSenderPairing, phoneVapidPair, PHONE_VAPID_SECRET, type PushSubscriber } from './sender-pairing.ts';

let service: FakePushService;
beforeAll(async () => {
  service = await startFakePushService();
});
afterAll(() => service.close());

const vault = (): SecretStore & { data: Map<string, string> } => {
  const data = new Map<string, string>();
  return { data, get: async (n) => data.get(n), put: async (n, v) => void data.set(n, v), delete: async (n) => void data.delete(n), names: async () => [...data.keys()] };
};

/** The browser's PushManager, played by the loopback push service: the subscription accepts only the key it was made with. */
const subscriber = (keys: string[] = []): PushSubscriber => ({
  subscribe: async (key) => {
    keys.push(key);
    return { subscription: service.subscribe(key) };
  },
});

describe('the phone side of the sender pairing', () => {
  it('keeps one VAPID pair in the vault, subscribes with it, and its link is what the extension parses', async () => {
    const v = vault();
    const keys: string[] = [];
    const first = await makeSenderPairing({ vault: v, subscriber: subscriber(keys), subject: ' mailto:me@example.com ', appUrl: 'https://app.example/', replace: false });
    if (!first.ok) throw new Error(first.message);
    const second = await makeSenderPairing({ vault: v, subscriber: subscriber(keys), subject: 'mailto:me@example.com', appUrl: 'https://app.example/', replace: false });
    if (!second.ok) throw new Error(second.message);
    expect(keys[0]).toBe(keys[1]);
    expect(first.pairing.vapid).toEqual(await phoneVapidPair(v));
    expect(JSON.parse(v.data.get(PHONE_VAPID_SECRET)!)).toEqual(first.pairing.vapid);
    const parsed = parsePushPairing(first.link) as PushPairing;
    expect(parsed).toEqual(first.pairing);
    expect(parsed.subject).toBe('mailto:me@example.com');
    // A sender holding the link signs with the phone's key, and the push service takes it.
    const signing = await pairingVapidKeys(parsed);
    if (isFieldError(signing)) throw new Error(signing.message);
    const request = await pushRequest({ subscription: parsed.subscription, payload: '{}', ttlSec: 60, urgency: 'normal', topicKey: null, vapid: { keys: signing, subject: parsed.subject }, nowSec: Math.floor(Date.now() / 1000) });
    if (!request.ok) throw new Error(request.error);
    expect((await fetch(request.value.url, { method: 'POST', headers: request.value.headers, body: request.value.body as Uint8Array<ArrayBuffer> })).status).toBe(201);
  });

  it('replaces a damaged kept pair rather than failing', async () => {
    const v = vault();
    await v.put(PHONE_VAPID_SECRET, '{"publicKey":"x"}');
    const pair = await phoneVapidPair(v);
    expect(pair.publicKey).toHaveLength(87);
    expect(pair.privateKey).toHaveLength(43);
  });

  it('refuses a contact push services refuse, naming the field, before subscribing', async () => {
    const keys: string[] = [];
    for (const subject of ['', 'me@example.com', 'mailto:<me@example.com>', 'https://localhost/']) {
      const r = await makeSenderPairing({ vault: vault(), subscriber: subscriber(keys), subject, appUrl: 'https://app.example/', replace: false });
      expect(r, subject).toMatchObject({ ok: false, field: 'senderContact' });
    }
    expect(keys).toEqual([]);
  });

  it('passes the browser\'s refusal on, saying when another key holds the subscription', async () => {
    const r = await makeSenderPairing({
      vault: vault(),
      subscriber: { subscribe: async () => ({ problem: 'another key', otherKey: true }) },
      subject: 'mailto:me@example.com',
      appUrl: 'https://app.example/',
      replace: false,
    });
    expect(r).toEqual({ ok: false, field: null, message: 'another key', otherKey: true });
  });
});
