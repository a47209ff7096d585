import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePushService, type FakePushService } from '../../tools/test-support/fake-push-service.ts';
import type { RiskAlertEntry } from '../../shared/protocol/alert-log.ts';
import { alertNotification } from '../../shared/protocol/alert-notification.ts';
import { parseDeclarativePush } from '../../shared/protocol/declarative-push.ts';
import { encodeBase64url } from '../../shared/push/base64url.ts';
import { buildPushPairing, pushPairingLink } from '../../shared/push/push-pairing.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import { tierAlertEntry } from '../../tools/test-support/tier-alert-entry.ts';
import { createPhonePush, OUTBOX_KEY, PAIRING_KEY, type PhonePushPorts } from './phone-push.ts';
import type { KeyValueStore } from './worker-ports.ts';

const subtle = globalThis.crypto.subtle;
const PASS = 'correct horse';
let service: FakePushService;
beforeAll(async () => {
  service = await startFakePushService();
});
afterAll(() => service.close());

const memory = (): KeyValueStore & { data: Map<string, unknown> } => {
  const data = new Map<string, unknown>();
  // Through JSON, as chrome.storage stores it: a class instance or a getter would not survive.
  return { data, get: async (k) => (data.has(k) ? JSON.parse(JSON.stringify(data.get(k))) : undefined), set: async (k, v) => void data.set(k, JSON.parse(JSON.stringify(v ?? null))) };
};

const entry = (severity: 'margin-call' | 'critical', id = `binance:main:cross|tier|${severity}|1000`): RiskAlertEntry =>
  tierAlertEntry({ id, subject: 'binance:main:cross', tier: '0.9', tierName: severity === 'critical' ? 'Critical' : 'Margin call', severity, riskRatio: 0.93, topUpUsdt: 412.5, markPrice: 58000 });

async function phoneLink(): Promise<{ link: string; endpoint: string }> {
  const pair = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as { publicKey: Parameters<typeof subtle.exportKey>[1]; privateKey: Parameters<typeof subtle.exportKey>[1] };
  const publicKey = encodeBase64url(new Uint8Array(await subtle.exportKey('raw', pair.publicKey)));
  const subscription = service.subscribe(publicKey);
  const p = buildPushPairing({ subscription, vapidPublicKey: publicKey, vapidPrivateKey: (await subtle.exportKey('jwk', pair.privateKey)).d!, subject: 'mailto:me@example.com' });
  if (isFieldError(p)) throw new Error(p.message);
  return { link: pushPairingLink(p, 'https://app.example/'), endpoint: subscription.endpoint };
}

function world() {
  const kv = memory();
  const session = memory();
  let now = Date.now();
  const wakes: (number | null)[] = [];
  const logs: string[] = [];
  const ports: PhonePushPorts = {
    kv,
    session,
    async post(request) {
      const r = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body as Uint8Array<ArrayBuffer> });
      return { status: r.status, retryAfter: r.headers.get('retry-after') };
    },
    wake: (at) => void wakes.push(at),
    now: () => now,
    log: (l) => void logs.push(l),
    passphraseProblem: async (p) => (p === PASS ? null : '$.passphrase: it does not open the accounts stored before'),
  };
  return { kv, session, wakes, logs, ports, advance: (ms: number) => void (now += ms), phone: () => createPhonePush(ports) };
}

const receivedFor = (endpoint: string) => service.received.filter((r) => r.subscriptionId === endpoint.split('/').pop());

describe('the extension as a push sender', () => {
  it('pushes a notice with the desktop notification\'s words, high urgency for Critical, a TTL, a Topic per subject, under 3 KB', async () => {
    const w = world();
    const { link, endpoint } = await phoneLink();
    const phone = w.phone();
    const paired = await phone.pair(link, PASS);
    expect(paired).toMatchObject({ status: { state: 'paired', pushService: service.origin, subject: 'mailto:me@example.com' } });
    // Nothing secret in the clear at rest: the record holds a sealed box, not the link's keys.
    expect(JSON.stringify(w.kv.data.get(PAIRING_KEY))).not.toContain(link.split('#pair-sender=')[1]!.slice(0, 40));
    expect(JSON.stringify(w.kv.data.get(PAIRING_KEY))).not.toContain('privateKey');

    const critical = entry('critical');
    await phone.notify({ entry: critical, reminder: 0, accountLabel: 'Binance main' });
    await phone.drain();
    const got = receivedFor(endpoint);
    expect(got).toHaveLength(1);
    const shown = parseDeclarativePush(got[0]!.text);
    const words = alertNotification(critical, { accountLabel: 'Binance main' });
    expect(shown).toMatchObject({ title: words.title, body: words.body, tag: critical.id, navigate: `?alert=${encodeURIComponent(critical.id)}` });
    expect(words.body).toContain('412.50 USDT');
    expect(got[0]!.headers).toMatchObject({ urgency: 'high', ttl: '300' });
    expect(got[0]!.headers['topic']).toMatch(/^[\w-]{32}$/);
    expect(new TextEncoder().encode(got[0]!.text).length).toBeLessThan(3072);
    await phone.notify({ entry: entry('margin-call'), reminder: 0, accountLabel: 'Binance main' });
    await phone.drain();
    expect(receivedFor(endpoint)[1]!.headers['urgency']).toBe('normal');
    expect(receivedFor(endpoint)[1]!.headers['topic']).toBe(got[0]!.headers['topic']);
    expect(await phone.status()).toMatchObject({ state: 'paired', lastFailure: null, waiting: 0, lastSentAtMs: expect.any(Number) });
  });

  it('sends each (alert id, reminder) once, also from a restarted worker', async () => {
    const w = world();
    const { link, endpoint } = await phoneLink();
    const first = w.phone();
    await first.pair(link, PASS);
    const e = entry('critical');
    await first.notify({ entry: e, reminder: 0, accountLabel: 'Binance main' });
    await first.drain();
    await first.notify({ entry: e, reminder: 0, accountLabel: 'Binance main' });
    await first.drain();
    const second = w.phone(); // the worker was killed; a new one reads the same storage
    await second.drain();
    await second.notify({ entry: e, reminder: 0, accountLabel: 'Binance main' });
    await second.drain();
    expect(receivedFor(endpoint)).toHaveLength(1);
    await second.notify({ entry: e, reminder: 1, accountLabel: 'Binance main' });
    await second.drain();
    expect(receivedFor(endpoint)).toHaveLength(2);
  });

  it('retries 429 and 5xx at Retry-After from the stored outbox after a worker restart, then sends it once', async () => {
    const w = world();
    const { link, endpoint } = await phoneLink();
    const first = w.phone();
    await first.pair(link, PASS);
    service.failNext(endpoint, [429, 503], '7');
    await first.notify({ entry: entry('critical'), reminder: 0, accountLabel: 'Binance main' });
    await first.drain();
    expect(receivedFor(endpoint)).toHaveLength(0);
    const status = await first.status();
    expect(status).toMatchObject({ state: 'paired', waiting: 1, lastFailure: { message: expect.stringContaining('HTTP 429') } });
    const wokeAt = w.wakes.at(-1)!;
    expect(wokeAt).toBe(w.ports.now() + 7000);

    const second = w.phone();
    await second.drain(); // not due yet: nothing posted
    expect(receivedFor(endpoint)).toHaveLength(0);
    w.advance(7000);
    await second.drain(); // 503, again Retry-After 7
    expect(await second.status()).toMatchObject({ waiting: 1, lastFailure: { message: expect.stringContaining('HTTP 503') } });
    w.advance(7000);
    await second.drain();
    await second.drain();
    expect(receivedFor(endpoint)).toHaveLength(1);
    expect(await second.status()).toMatchObject({ waiting: 0, lastFailure: null });
    expect(w.wakes.at(-1)).toBeNull();
  });

  it('410 unpairs: the status says the phone unsubscribed, nothing more is sent or queued', async () => {
    const w = world();
    const { link, endpoint } = await phoneLink();
    const phone = w.phone();
    await phone.pair(link, PASS);
    service.expire(endpoint);
    await phone.notify({ entry: entry('critical'), reminder: 0, accountLabel: 'Binance main' });
    await phone.drain();
    const status = await phone.status();
    expect(status).toMatchObject({ state: 'gone', waiting: 0, lastFailure: { message: expect.stringContaining('unsubscribed (HTTP 410)') } });
    await phone.notify({ entry: entry('critical', 'other'), reminder: 0, accountLabel: 'Binance main' });
    await phone.drain();
    expect(await phone.status()).toMatchObject({ state: 'gone', waiting: 0 });
    expect(await phone.unpair()).toMatchObject({ state: 'unpaired' });
  });

  it('after a browser restart (session memory gone) waits, locked, until the passphrase opens the pairing', async () => {
    const w = world();
    const { link, endpoint } = await phoneLink();
    await w.phone().pair(link, PASS);
    w.session.data.clear();
    const phone = w.phone();
    expect(await phone.status()).toMatchObject({ state: 'locked' });
    await phone.notify({ entry: entry('critical'), reminder: 0, accountLabel: 'Binance main' });
    await phone.drain();
    expect(receivedFor(endpoint)).toHaveLength(0);
    expect(await phone.unlock('wrong passphrase')).toBe(false);
    expect(await phone.unlock(PASS)).toBe(true);
    await phone.drain();
    expect(receivedFor(endpoint)).toHaveLength(1);
    expect(await phone.status()).toMatchObject({ state: 'paired', waiting: 0 });
  });

  it('refuses a bad link or passphrase naming the field, and keeps nothing', async () => {
    const w = world();
    const phone = w.phone();
    expect(await phone.pair('https://app.example/#pair-sender=e30', PASS)).toEqual({ refusal: expect.stringMatching(/^v: expected pairing version 1/) });
    expect(await phone.pair('garbage', PASS)).toEqual({ refusal: expect.stringMatching(/^link: /) });
    const { link } = await phoneLink();
    expect(await phone.pair(link, 'not the one')).toEqual({ refusal: expect.stringContaining('$.passphrase') });
    expect(w.kv.data.get(PAIRING_KEY)).toBeUndefined();
    expect(await phone.status()).toMatchObject({ state: 'unpaired' });
  });

  it('a corrupt outbox in storage is reported and replaced, never a crash', async () => {
    const w = world();
    const { link, endpoint } = await phoneLink();
    const phone = w.phone();
    await phone.pair(link, PASS);
    await w.kv.set(OUTBOX_KEY, { pending: [{ key: 7 }], done: [] });
    await phone.notify({ entry: entry('critical'), reminder: 0, accountLabel: 'Binance main' });
    await phone.drain();
    expect(w.logs.some((l) => l.includes('outbox.pending[0]'))).toBe(true);
    expect(receivedFor(endpoint)).toHaveLength(1);
  });
});
