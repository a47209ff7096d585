import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkDeviceSnapshot } from '../../../relay/devices/device-snapshot.ts';
import { startRelayServer, type RunningServer } from '../../../relay/http/relay-server.ts';
import { silentLog } from '../../../relay/relay-log.ts';
import { openSqliteStore } from '../../../relay/store/sqlite-store.ts';
import type { RelayStore } from '../../../relay/store/relay-store.ts';
import { encodeBase64url } from '../../../shared/push/base64url.ts';
import type { SecretStore } from '../../../shared/ports/secret-store.ts';
import { registerDevice, relaySync, relayVapidKey, sendSnapshot, type Fetch, type RelayOutcome } from './relay-pairing.ts';
import { RELAY_TOKEN_SECRET } from './settings-model.ts';

const example = JSON.parse(readFileSync(join(import.meta.dirname, '../../../examples/binance-cross.json'), 'utf8')) as Record<string, unknown>;
const subscription = { endpoint: 'https://fcm.googleapis.com/fcm/send/abc', keys: { p256dh: encodeBase64url(Uint8Array.of(4, ...new Uint8Array(64).fill(7))), auth: encodeBase64url(new Uint8Array(16).fill(1)) } };
const f: Fetch = (url, init) => fetch(url, init);

function memoryVault(): SecretStore & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return { values, get: async (n) => values.get(n), put: async (n, v) => void values.set(n, v), delete: async (n) => void values.delete(n), names: async () => [...values.keys()] };
}

let store: RelayStore;
let relay: RunningServer;
beforeEach(async () => {
  store = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'pwa-relay-')), 'relay.sqlite'));
  relay = await startRelayServer(
    { store, log: silentLog, clock: () => Date.now(), bodyLimitBytes: 64 * 1024, deviceRate: { burst: 10, perMinute: 60 }, registrationRate: { burst: 3, perMinute: 6 }, vapidPublicKey: 'relay-key', checkSnapshot: checkDeviceSnapshot, onDeviceChanged: () => undefined, version: 'test' },
    0,
  );
});
afterEach(async () => {
  await relay.close();
  await store.close();
});

describe('pairing with the relay over loopback', () => {
  it('registers, keeps the token in the vault only, and sends a snapshot when the accounts change', async () => {
    expect(await relayVapidKey(f, relay.url)).toEqual({ ok: true, value: 'relay-key' });
    const vault = memoryVault();
    const paired = await registerDevice(f, relay.url, subscription, 'mailto:me@example.com', vault);
    if (!paired.ok) throw new Error(paired.message);
    expect(JSON.stringify(paired)).not.toContain(vault.values.get(RELAY_TOKEN_SECRET));
    const outcomes: RelayOutcome<null>[] = [];
    let sent = 0;
    const sync = relaySync(async (accounts) => {
      sent += 1;
      return sendSnapshot(f, relay.url, paired.value.deviceId, vault, accounts, Date.now());
    }, (o) => outcomes.push(o));
    const accounts = [{ accountId: 'binance:main', account: example }];
    await sync.positionsChanged(accounts);
    await sync.positionsChanged(accounts);
    expect(sent).toBe(1);
    const held = await fetch(`${relay.url}/v1/devices/${paired.value.deviceId}/snapshot`, { headers: { authorization: `Bearer ${vault.values.get(RELAY_TOKEN_SECRET)}` } });
    expect(((await held.json()) as { snapshot: { accounts: unknown } }).snapshot.accounts).toEqual(accounts);
    expect(outcomes).toEqual([{ ok: true, value: null }]);
  });

  it("shows the relay's refusals plainly", async () => {
    const vault = memoryVault();
    const bad = await registerDevice(f, relay.url, { endpoint: 'nope' }, 'mailto:me@example.com', vault);
    expect(bad.ok).toBe(false);
    expect(bad.ok ? '' : bad.message).toMatch(/^The relay refused the registration: HTTP 400, .*\(field subscription/);
    expect(vault.values.size).toBe(0);
    const paired = await registerDevice(f, relay.url, subscription, 'mailto:me@example.com', vault);
    if (!paired.ok) throw new Error(paired.message);
    const withKey = await sendSnapshot(f, relay.url, paired.value.deviceId, vault, [{ accountId: 'x', account: { ...example, apiKey: 'k' } }], Date.now());
    expect(withKey.ok ? '' : withKey.message).toMatch(/^The relay refused the snapshot: HTTP 400, .*apiKey/);
    vault.values.set(RELAY_TOKEN_SECRET, 'x'.repeat(43));
    const stale = await sendSnapshot(f, relay.url, paired.value.deviceId, vault, [], Date.now());
    expect(stale.ok ? '' : stale.message).toMatch(/HTTP 401.*pair again/);
    const down = await relayVapidKey(() => Promise.reject(new TypeError('Failed to fetch')), 'https://relay.example.com');
    expect(down).toEqual({ ok: false, message: 'The relay at relay.example.com did not answer: the browser refused the request (CORS: the relay must allow this app\'s origin) or the network is down.' });
  });
});
