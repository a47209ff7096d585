import 'fake-indexeddb/auto';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAccountInput } from '../../shared/exchanges/parse-account-input.ts';
import type { SecretStore } from '../../shared/ports/secret-store.ts';
import { accountDocument } from '../../shared/protocol/account-document.ts';
import { encodeBase64url } from '../../shared/push/base64url.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import { waitFor } from '../../tools/test-support/wait-for.ts';
import { putSetting } from '../platform/app-records.ts';
import { openStore } from '../platform/open-store.ts';
import type { PlainData } from '../platform/plain-data.ts';
import { DEFAULT_SETTINGS, policyOf, RELAY_TOKEN_SECRET, SETTINGS_NAME } from '../platform/settings-record.ts';
import type { PageToWorker, WorkerToPage } from '../worker/worker-messages.ts';
import { startMonitorFeed } from './monitor-feed.ts';
import { registerDevice, type Fetch } from './settings/relay-pairing.ts';
import { testDir } from '../../tools/test-support/test-dir.ts';

/**
 * The page's relay refresh, at the unit level against the real relay on loopback (its own process, as
 * `npm run relay` starts it): a paired device whose worker reports changed positions sends the relay a
 * fresh snapshot; a mark alone sends nothing. (In Chromium the pairing needs a push subscription,
 * which headless Chromium refuses, so this runs in Node with fake-indexeddb and a stand-in worker.)
 */
let child: ChildProcess;
let relayUrl = '';
beforeAll(async () => {
  const data = testDir('pwa-relay-feed-');
  child = spawn(process.execPath, ['--import', 'tsx', 'relay/main.ts', '--data', data, '--port', '0'], { cwd: join(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] });
  relayUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`relay exited ${code}: ${out}`)));
  });
}, 60_000);
afterAll(() => void child?.kill('SIGTERM'));

const subscription = { endpoint: 'https://fcm.googleapis.com/fcm/send/abc', keys: { p256dh: encodeBase64url(Uint8Array.of(4, ...new Uint8Array(64).fill(7))), auth: encodeBase64url(new Uint8Array(16).fill(1)) } };

describe('the page keeps a paired relay fed', () => {
  it('sends a snapshot when positions change, not when only marks move', async () => {
    const values = new Map<string, string>();
    const vault: SecretStore = { get: async (n) => values.get(n), put: async (n, v) => void values.set(n, v), delete: async (n) => void values.delete(n), names: async () => [...values.keys()] };
    const puts: string[] = [];
    const counting: Fetch = (url, init) => {
      if (init.method === 'PUT') puts.push(init.body ?? '');
      return fetch(url, init);
    };
    const paired = await registerDevice(counting, relayUrl, subscription, 'mailto:me@example.com', vault);
    if (!paired.ok) throw new Error(paired.message);
    const opened = await openStore({ name: `relay-feed-${Math.random().toString(36).slice(2)}` });
    if (opened.db === null) throw new Error('no database');
    await putSetting(opened.db, SETTINGS_NAME, { ...DEFAULT_SETTINGS, demoMode: false, relay: { url: relayUrl, deviceId: paired.value.deviceId } } as unknown as PlainData);

    // A stand-in for the monitor worker: what the page posts, and a way to answer as the worker would.
    const posted: PageToWorker[] = [];
    let deliver: (m: WorkerToPage) => void = () => undefined;
    const worker = {
      postMessage: (m: PageToWorker) => void posted.push(m),
      addEventListener: (_type: string, listener: (e: { data: WorkerToPage }) => void) => void (deliver = (m) => listener({ data: m })),
    };
    const feed = startMonitorFeed(worker as never, opened.db, { simulatorOrigin: null, pageOrigin: 'http://127.0.0.1:1', vault: async () => vault, fetch: counting });
    await waitFor('the first watch list', () => posted.some((m) => m.kind === 'watch'), 5_000);

    const input = parseAccountInput(JSON.parse(readFileSync(join(import.meta.dirname, '../../examples/binance-cross.json'), 'utf8')));
    if (isFieldError(input)) throw new Error(input.message);
    const policy = policyOf({ ladder: [0.5, 0.8, 0.9, 1], target: null }, null) as { [k: string]: PlainData };
    const positions = (account: typeof input.account): WorkerToPage => ({ kind: 'positions', accountId: 'binance:main', account: accountDocument(account), policy });
    const held = async (): Promise<unknown> => {
      const r = await fetch(`${relayUrl}/v1/devices/${paired.value.deviceId}/snapshot`, { headers: { authorization: `Bearer ${values.get(RELAY_TOKEN_SECRET)}` } });
      return r.status === 200 ? ((await r.json()) as { snapshot: { accounts: unknown } }).snapshot.accounts : null;
    };

    deliver(positions(input.account));
    await waitFor('the first snapshot', () => puts.length === 1, 5_000);
    await expect.poll(held).toEqual([{ accountId: 'binance:main', account: JSON.parse(JSON.stringify(accountDocument(input.account))), policy }]);

    // A mark moved: the relay follows marks itself, nothing is sent.
    deliver(positions({ ...input.account, positions: input.account.positions.map((p) => ({ ...p, markPrice: (p.markPrice * 0.99) as typeof p.markPrice })) }));
    await new Promise((r) => setTimeout(r, 300));
    expect(puts.length).toBe(1);

    // A position grew: a fresh snapshot, and the relay holds it.
    const grown = { ...input.account, positions: input.account.positions.map((p, i) => (i === 0 ? { ...p, qty: (p.qty * 2) as typeof p.qty } : p)) };
    deliver(positions(grown));
    await waitFor('the second snapshot', () => puts.length === 2, 5_000);
    await expect.poll(async () => ((await held()) as Array<{ account: { positions: Array<{ qty: number }> } }>)[0]?.account.positions[0]?.qty).toBe(input.account.positions[0]!.qty * 2);
    expect(feed.get().problems).toEqual([]);
    opened.db.close();
  }, 30_000);
});
