import type { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeBase64url } from '../../shared/push/base64url.ts';
import { checkDeviceSnapshot } from '../devices/device-snapshot.ts';
import { silentLog } from '../relay-log.ts';
import type { RelayStore } from '../store/relay-store.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import { startRelayServer, type RunningServer } from './relay-server.ts';
import { testDir } from '../../tools/test-support/test-dir.ts';

const example = JSON.parse(readFileSync(new URL('../../examples/binance-cross.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const subscription = { endpoint: 'https://fcm.googleapis.com/fcm/send/abc', keys: { p256dh: encodeBase64url(Uint8Array.of(4, ...new Uint8Array(64).fill(7))), auth: encodeBase64url(new Uint8Array(16).fill(1)) } };

let store: RelayStore;
let relay: RunningServer;
let now = 1_764_160_000_000;
const changed: string[] = [];

beforeEach(async () => {
  store = openSqliteStore(join(testDir('relay-http-'), 'relay.sqlite'));
  relay = await startRelayServer(
    {
      store,
      log: silentLog,
      clock: () => now,
      bodyLimitBytes: 64 * 1024,
      deviceRate: { burst: 10, perMinute: 60 },
      registrationRate: { burst: 3, perMinute: 6 },
      vapidPublicKey: 'relay-key',
      checkSnapshot: checkDeviceSnapshot,
      onDeviceChanged: (id) => changed.push(id),
      version: 'test',
    },
    0,
  );
});
afterEach(async () => {
  await relay.close();
  await store.close();
});

const call = (method: string, path: string, body?: unknown, token?: string, raw?: string) =>
  fetch(`${relay.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    ...(body === undefined && raw === undefined ? {} : { body: raw ?? JSON.stringify(body) }),
  });

async function register(): Promise<{ id: string; token: string }> {
  const res = await call('POST', '/v1/devices', { subscription, subject: 'mailto:me@example.com' });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; token: string };
}

const snapshot = { takenAtMs: now, accounts: [{ accountId: 'binance:main', account: example }] };

describe('relay HTTP API', () => {
  it('health, registration, then a snapshot stored and read back by its own device only', async () => {
    expect(await (await call('GET', '/health')).json()).toMatchObject({ ok: true, version: 'test' });
    const a = await register();
    const b = await register();
    expect(a.token).not.toBe(b.token);
    expect((await store.device(a.id))?.tokenHash).not.toContain(a.token);
    expect((await call('PUT', `/v1/devices/${a.id}/snapshot`, snapshot, a.token)).status).toBe(200);
    expect(changed).toContain(a.id);
    const back = await call('GET', `/v1/devices/${a.id}/snapshot`, undefined, a.token);
    expect(((await back.json()) as { snapshot: unknown }).snapshot).toEqual(snapshot);
    // b's token never opens a's data, for reading, writing or deleting.
    for (const [method, path, body] of [
      ['GET', `/v1/devices/${a.id}/snapshot`, undefined],
      ['PUT', `/v1/devices/${a.id}/snapshot`, snapshot],
      ['DELETE', `/v1/devices/${a.id}`, undefined],
    ] as const) {
      expect((await call(method, path, body, b.token)).status).toBe(401);
    }
    expect((await call('GET', `/v1/devices/${a.id}/snapshot`, undefined)).status).toBe(401);
    expect((await call('GET', `/v1/devices/${a.id}/snapshot`, undefined, 'x'.repeat(43))).status).toBe(401);
    expect((await call('DELETE', `/v1/devices/${a.id}`, undefined, a.token)).status).toBe(200);
    expect(await store.device(a.id)).toBeNull();
  });

  it('bad bodies are refused with the field named; nothing is stored', async () => {
    const a = await register();
    const refusal = async (body: unknown, raw?: string) => {
      const res = await call('PUT', `/v1/devices/${a.id}/snapshot`, body, a.token, raw);
      return { status: res.status, ...((await res.json()) as { error: string; field?: string }) };
    };
    expect(await refusal(undefined, '{not json')).toMatchObject({ status: 400, error: 'body is not JSON' });
    expect(await refusal({ ...snapshot, apiKey: 'secret' })).toMatchObject({ status: 400, field: 'apiKey' });
    expect(await refusal({ ...snapshot, takenAtMs: 'soon' })).toMatchObject({ status: 400, field: 'takenAtMs' });
    const badMark = { ...example, positions: [{ ...(example['positions'] as object[])[0], markPrice: 'NaN' }] };
    expect(await refusal({ ...snapshot, accounts: [{ accountId: 'x', account: badMark }] })).toMatchObject({ status: 400, field: 'accounts[0].account.positions[0].markPrice' });
    expect(await refusal({ ...snapshot, accounts: [{ accountId: 'x', account: example, policy: { bogus: 1 } }] })).toMatchObject({ status: 400 });
    expect(await refusal({ ...snapshot, accounts: [{ accountId: 'x', account: example, secret: 'k' }] })).toMatchObject({ status: 400, field: 'accounts[0].secret' });
    expect(await store.snapshot(a.id)).toBeNull();
    const registration = await call('POST', '/v1/devices', { subscription: { ...subscription, endpoint: 'http://evil.example/x' }, subject: 'mailto:me@example.com' });
    expect(await registration.json()).toMatchObject({ field: 'subscription.endpoint' });
    const badSubject = await call('POST', '/v1/devices', { subscription, subject: 'me' });
    expect(await badSubject.json()).toMatchObject({ field: 'subject' });
  });

  it('an oversized body is 413 and a wrong content type 415', async () => {
    const a = await register();
    const big = { ...snapshot, pad: 'x'.repeat(70 * 1024) };
    expect((await call('PUT', `/v1/devices/${a.id}/snapshot`, big, a.token)).status).toBe(413);
    const res = await fetch(`${relay.url}/v1/devices/${a.id}/snapshot`, { method: 'PUT', headers: { authorization: `Bearer ${a.token}`, 'content-type': 'text/plain' }, body: 'hi' });
    expect(res.status).toBe(415);
  });

  it('rate limits per device and per registering address, with Retry-After', async () => {
    const a = await register();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1) statuses.push((await call('GET', `/v1/devices/${a.id}/snapshot`, undefined, a.token)).status);
    expect(statuses.every((s) => s === 404)).toBe(true);
    const limited = await call('GET', `/v1/devices/${a.id}/snapshot`, undefined, a.token);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    now += 60_000;
    expect((await call('GET', `/v1/devices/${a.id}/snapshot`, undefined, a.token)).status).toBe(404);
    // The minute refilled the registration burst (3): three pass, the fourth is refused.
    await register();
    await register();
    await register();
    expect((await call('POST', '/v1/devices', { subscription, subject: 'mailto:me@example.com' })).status).toBe(429);
  });

  it('a VAPID pair whose private key does not belong to its public key is refused at registration', async () => {
    const pair = async () => {
      const p = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign'])) as { publicKey: webcrypto.CryptoKey; privateKey: webcrypto.CryptoKey };
      const jwk = await crypto.subtle.exportKey('jwk', p.privateKey);
      return { publicKey: encodeBase64url(new Uint8Array(await crypto.subtle.exportKey('raw', p.publicKey))), privateKey: jwk.d! };
    };
    const one = await pair();
    const two = await pair();
    const good = await call('POST', '/v1/devices', { subscription, subject: 'mailto:me@example.com', vapid: one });
    expect(good.status).toBe(201);
    const mixed = await call('POST', '/v1/devices', { subscription, subject: 'mailto:me@example.com', vapid: { publicKey: one.publicKey, privateKey: two.privateKey } });
    expect(await mixed.json()).toMatchObject({ field: 'vapid' });
  });

  it('a page on another origin may call it: CORS on every answer and on the preflight (tokens, not cookies, guard it)', async () => {
    const preflight = await fetch(`${relay.url}/v1/devices/abc/snapshot`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization, content-type' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');
    const refused = await call('GET', '/v1/devices/abc/snapshot', undefined, 'x'.repeat(43));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('unknown routes are 404, known paths with the wrong method 405', async () => {
    expect((await call('GET', '/v2/nothing')).status).toBe(404);
    expect((await call('DELETE', '/health')).status).toBe(405);
  });
});
