import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBase64url } from '../../../shared/push/base64url.ts';
import type { SecretStore } from '../../../shared/ports/secret-store.ts';
import { registerDevice, relaySync, relayVapidKey, sendSnapshot, type Fetch, type RelayOutcome } from './relay-pairing.ts';
import { RELAY_TOKEN_SECRET } from '../../platform/settings-record.ts';
import { phoneVapidPair } from './sender-pairing.ts';
import { testDir } from '../../../tools/test-support/test-dir.ts';

const example = JSON.parse(readFileSync(join(import.meta.dirname, '../../../examples/binance-cross.json'), 'utf8')) as Record<string, unknown>;
const subscription = { endpoint: 'https://fcm.googleapis.com/fcm/send/abc', keys: { p256dh: encodeBase64url(Uint8Array.of(4, ...new Uint8Array(64).fill(7))), auth: encodeBase64url(new Uint8Array(16).fill(1)) } };
const f: Fetch = (url, init) => fetch(url, init);

function memoryVault(): SecretStore & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return { values, get: async (n) => values.get(n), put: async (n, v) => void values.set(n, v), delete: async (n) => void values.delete(n), names: async () => [...values.keys()] };
}

// The real relay as its own process (`npm run relay`): a home may not import another home's code.
let child: ChildProcess;
const relay = { url: '' };
beforeAll(async () => {
  const data = testDir('pwa-relay-');
  child = spawn(process.execPath, ['--import', 'tsx', 'relay/main.ts', '--data', data, '--port', '0'], { cwd: join(import.meta.dirname, '../../..'), stdio: ['ignore', 'pipe', 'inherit'] });
  relay.url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`relay exited ${code}: ${out}`)));
  });
}, 60_000);
afterAll(() => {
  child?.kill('SIGTERM');
});

describe('pairing with the relay over loopback', () => {
  it('registers, keeps the token in the vault only, and sends a snapshot when the accounts change', async () => {
    const vapid = await relayVapidKey(f, relay.url);
    expect(vapid.ok && vapid.value.length).toBe(87);
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

  it("registers with the phone's own VAPID pair (the one the desktop sender gets too); a pair that is not one is refused", async () => {
    const vault = memoryVault();
    const pair = await phoneVapidPair(vault);
    const paired = await registerDevice(f, relay.url, subscription, 'mailto:me@example.com', vault, pair);
    if (!paired.ok) throw new Error(paired.message);
    const other = await phoneVapidPair(memoryVault());
    const mixed = await registerDevice(f, relay.url, subscription, 'mailto:me@example.com', memoryVault(), { publicKey: pair.publicKey, privateKey: other.privateKey });
    expect(mixed.ok ? '' : mixed.message).toMatch(/^The relay refused the registration: HTTP 400, .*\(field vapid/);
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
