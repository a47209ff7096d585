import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseDeclarativePush } from '../../shared/protocol/declarative-push.ts';
import { parsePushPairing } from '../../shared/push/push-pairing.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import { artifactDir } from '../../tools/test-support/browser.ts';
import { launchWithExtension, type ExtensionBrowser } from '../../tools/test-support/extension-browser.ts';
import { startFakePushService, type FakePushService } from '../../tools/test-support/fake-push-service.ts';
import { serveStatic, type StaticServer } from '../../tools/test-support/static-server.ts';
import { startSimulator, type RunningSimulator } from '../../tools/simulator/start-simulator.ts';
import type { NotificationLogEntry, PhonePairingStatus } from '../messages.ts';
import { DEFAULT_SETTINGS } from '../settings.ts';
import { waitUntil } from '../../tools/test-support/wait-for.ts';

/**
 * The extension as a push sender, end to end on loopback: the built PWA makes the pairing with its own
 * code (Settings > Desktop sender; the browser's push service is played by the fake one, which checks
 * every VAPID token against the key the subscription was made with and decrypts with http_ece), the
 * link is pasted into the unpacked extension's options, the simulator's crash runs, the worker is
 * stopped mid-crash, and every notice the extension shows reaches the phone once, in the same words;
 * then the phone unsubscribes (410) and the options page says so.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PASSPHRASE = 'correct horse battery';

let sim: RunningSimulator;
let browser: ExtensionBrowser;
let pwa: StaticServer;
let service: FakePushService;

beforeAll(async () => {
  service = await startFakePushService();
  pwa = await serveStatic(inject('pwaDist'));
  sim = await startSimulator({ port: 0, scenario: 'crash', seed: 1, manualClock: true, startMs: Math.floor(Date.now() / 1000) * 1000 + 3_600_000 });
  browser = await launchWithExtension();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await sim?.close();
  await pwa?.close();
  await service?.close();
});

const ask = async <T>(page: Page, message: unknown): Promise<T> => (await page.evaluate((m) => chrome.runtime.sendMessage(m), message)) as T;

/** The PWA's own pairing code in Chromium; only the browser's push service is the loopback one. */
async function pairingFromThePwa(): Promise<string> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.exposeFunction('fakePushSubscribe', (key: string) => service.subscribe(key));
  await page.addInitScript(() => {
    const b64url = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const call = (window as unknown as { fakePushSubscribe(key: string): Promise<{ endpoint: string }> }).fakePushSubscribe;
    PushManager.prototype.getSubscription = async () => null;
    PushManager.prototype.subscribe = async (options?: PushSubscriptionOptionsInit) => {
      const key = options?.applicationServerKey;
      const json = await call(b64url(new Uint8Array(key as ArrayBuffer)));
      return { endpoint: json.endpoint, options: { applicationServerKey: key, userVisibleOnly: true }, toJSON: () => json, unsubscribe: async () => true } as unknown as PushSubscription;
    };
  });
  await page.goto(`${pwa.origin}/#/settings`);
  const card = page.getByTestId('sender-pairing');
  await card.locator('#f-senderContact').fill('mailto:trader@example.com');
  await card.getByRole('button', { name: 'Make the pairing' }).click();
  await card.getByTestId('sender-qr').waitFor({ timeout: 20_000 });
  await expect.poll(() => card.getByRole('note').textContent()).toContain('This link is a secret');
  const link = await card.getByTestId('sender-link').inputValue();
  await card.scrollIntoViewIfNeeded();
  await card.screenshot({ path: `${artifactDir('pwa')}/sender-pairing.png` });
  await page.close();
  return link;
}

describe('the extension pushes to the phone it is paired with', () => {
  it('pairs with the PWA\'s link, pushes every notice of the crash once in the desktop\'s words across a worker stop, and a 410 unpairs', async () => {
    const link = await pairingFromThePwa();
    expect(link.startsWith(`${pwa.origin}/#pair-sender=`)).toBe(true);
    const paired = parsePushPairing(link);
    if (isFieldError(paired)) throw new Error(`${paired.field}: ${paired.message}`);

    const options = await browser.context.newPage();
    await options.setViewportSize({ width: 800, height: 1000 });
    await options.goto(`chrome-extension://${browser.extensionId}/options/options.html`);
    // A damaged link is refused, naming the field.
    await options.getByTestId('phone-link').fill(link.slice(0, 120));
    await options.getByTestId('phone-passphrase').fill(PASSPHRASE);
    await options.getByTestId('phone-pair').click();
    await expect.poll(() => options.getByTestId('phone-message').textContent()).toMatch(/^Not paired: link: /);
    await options.getByTestId('phone-link').fill(link);
    await options.getByTestId('phone-pair').click();
    await expect.poll(() => options.getByTestId('phone-message').textContent()).toContain('Paired.');
    await expect.poll(() => options.getByTestId('phone-status').getAttribute('data-state')).toBe('paired');
    // The keys are sealed at rest: neither the link's payload nor the private key is in chrome.storage.local.
    const local = JSON.stringify(await browser.inWorker(() => chrome.storage.local.get(null)));
    expect(local).not.toContain(link.split('#pair-sender=')[1]!.slice(0, 60));
    expect(local).not.toContain('privateKey');

    const saved = await ask<{ kind: string }>(options, { kind: 'save-settings', settings: { ...DEFAULT_SETTINGS, demo: { enabled: true, simulatorUrl: sim.url } } });
    expect(saved.kind).toBe('saved');
    const notifications = () => ask<{ entries: NotificationLogEntry[] }>(options, { kind: 'get-notification-log' }).then((r) => r.entries);
    const status = () => ask<{ status: PhonePairingStatus }>(options, { kind: 'get-phone-pairing' }).then((r) => r.status);
    // The desktop notices of pushed alerts: an in-app one (Watch, a forecast raised again within its
    // reminder period) is shown on the desktop and not sent to the phone. Each notice says which it was
    // (read from the reports instead, an in-app alert that had already left them counted as owed).
    const pushedNotices = async (): Promise<NotificationLogEntry[]> => {
      const shown = await notifications();
      const unknown = shown.filter((n) => n.channel === null);
      if (unknown.length > 0) throw new Error(`notices logged without their channel: ${unknown.map((n) => n.id).join(', ')}`);
      return shown.filter((n) => n.channel === 'push');
    };
    // Each push as the PWA's service worker reads it; one that does not parse fails the test here.
    const pushes = () =>
      service.received.map((r) => {
        const message = parseDeclarativePush(r.text);
        if (isFieldError(message)) throw new Error(`a push the phone cannot read: ${message.field}: ${message.message}`);
        return { ...r, message };
      });

    const tagOf = (p: ReturnType<typeof pushes>[number]): string | null => p.message.tag;
    const bodyOf = (p: ReturnType<typeof pushes>[number]): string => p.message.body;

    let pushedBeforeStop: number | null = null;
    let checked: NotificationLogEntry[] | null = null;
    let expiredAt: number | null = null;
    for (let simMs = 0; simMs < 55 * 60_000; ) {
      const stepMs = pushedBeforeStop === null ? 15_000 : 30_000;
      sim.advance(stepMs);
      simMs += stepMs;
      await sleep(150);
      if (pushedBeforeStop === null) {
        const shown = await pushedNotices().catch(() => [] as NotificationLogEntry[]);
        const topUp = shown.find((n) => n.id.startsWith('binance:demo:') && /Add [\d,.]+ USDT/.test(n.message));
        if (topUp === undefined || !pushes().some((p) => tagOf(p) === topUp.id)) continue;
        // Mid-crash, a notice on the phone already: the worker dies as Chrome would kill it.
        pushedBeforeStop = service.received.length;
        await expect.poll(() => options.getByTestId('phone-last-sent').textContent()).not.toBe('none yet');
        await options.getByTestId('phone').screenshot({ path: `${artifactDir('extension')}/options-phone.png` });
        await browser.stopWorker();
        await waitUntil('the worker back, still paired', async () => (await status()).state === 'paired', 30_000);
        continue;
      }
      if (expiredAt === null) {
        // Until the restarted worker has pushed a Critical (or Liquidation) notice: urgency high.
        if (!service.received.slice(pushedBeforeStop).some((r) => r.headers['urgency'] === 'high')) continue;
        // Every pushed notice shown so far reaches the phone, once each.
        // The log is written just after the push is queued: settle until both agree (bounded: a
        // duplicate push would keep them apart, and the checks below then say which one).
        let shown = await pushedNotices();
        for (let tries = 0; tries < 10; tries++) {
          const seen = shown.length;
          await waitUntil('every pushed notice shown on the desktop sent to the phone', async () => service.received.length >= seen, 30_000).catch((error: unknown) => {
            // Say which notices have no push, so that a failure under load tells a slow send from a lost one.
            const sent = new Set(pushes().map(tagOf));
            const missing = shown.filter((n) => !sent.has(n.id)).map((n) => `${n.id}#${n.reminder}`);
            throw new Error(`${String(error)}: ${service.received.length} pushes for ${seen} notices; not pushed: ${missing.join(', ') || 'none (reminders counted twice?)'}`);
          });
          await sleep(300);
          const again = await pushedNotices();
          if (again.length === shown.length && service.received.length === again.length) break;
          shown = again;
        }
        checked = shown;
        expiredAt = service.received.length;
        service.expire(paired.subscription.endpoint);
        continue;
      }
      if ((await status()).state === 'gone') break;
    }
    expect(pushedBeforeStop).not.toBeNull();
    expect(expiredAt).not.toBeNull();

    const delivered = pushes().slice(0, expiredAt!);
    expect(delivered.length).toBeGreaterThan(3);
    expect(delivered.some((p) => /^(Reminder: )?Critical/.test(p.message.title))).toBe(true);
    for (const n of checked!) {
      // (alert id, reminder) once: as many pushes for an alert as desktop notices (first notice and reminders).
      const count = checked!.filter((x) => x.id === n.id).length;
      expect(delivered.filter((p) => tagOf(p) === n.id).length, n.id).toBe(count);
    }
    for (const p of delivered) {
      const tag = tagOf(p);
      expect(tag).not.toBeNull();
      // The phone reads the desktop's words (tier, rho, the top-up with its amount).
      expect(checked!.some((n) => n.id === tag && n.title === p.message.title && n.message === bodyOf(p)), `same words for ${tag}: pushed ${JSON.stringify([p.message.title, bodyOf(p)])}, shown ${JSON.stringify(checked!.filter((n) => n.id === tag).map((n) => [n.title, n.message]))}`).toBe(true);
      expect(p.headers['ttl']).toBe('300');
      expect(p.headers['topic']).toMatch(/^[\w-]{32}$/);
      const urgent = /^(Reminder: )?(Critical|Liquidation|Data stale)/.test(p.message.title);
      expect(p.headers['urgency'], p.message.title).toBe(urgent ? 'high' : 'normal');
      expect(new TextEncoder().encode(p.text).length).toBeLessThan(3072);
    }
    const binance = delivered.find((p) => tagOf(p)?.startsWith('binance:demo:') === true && /Add [\d,.]+ USDT/.test(bodyOf(p)));
    expect(binance).toBeDefined();
    const amount = /Add ([\d,.]+ USDT)/.exec(bodyOf(binance!))![1]!;
    expect(checked!.find((n) => n.id === tagOf(binance!))!.message).toContain(`Add ${amount}`);

    // 410: unpaired and said so; nothing was delivered after it.
    expect(service.received.length).toBe(expiredAt);
    await expect.poll(() => options.getByTestId('phone-status').getAttribute('data-state'), { timeout: 10_000 }).toBe('gone');
    await expect.poll(() => options.getByTestId('phone-status').textContent()).toContain('Phone unsubscribed');
    await expect.poll(() => options.getByTestId('phone-last-failure').textContent()).toContain('HTTP 410');
    await options.getByTestId('phone').screenshot({ path: `${artifactDir('extension')}/options-phone-gone.png` });
    // Unpair deletes the sealed pairing; the demo build's loopback host (required, not optional) stays.
    await options.getByTestId('phone-unpair').click();
    await expect.poll(() => options.getByTestId('phone-status').getAttribute('data-state')).toBe('unpaired');
    expect(JSON.stringify(await browser.inWorker(() => chrome.storage.local.get(['phone-pairing', 'push-outbox'])))).not.toContain('sealed-box');
    expect(await browser.inWorker(() => chrome.permissions.contains({ origins: ['http://127.0.0.1/*'] }))).toBe(true);
    console.log(`${delivered.length} pushes for ${checked!.length} desktop notices; worker stopped after ${pushedBeforeStop}; 410 after ${expiredAt}`);
    for (const p of delivered) console.log(`  ${p.headers['urgency']!.padEnd(6)} ${p.message.title} | ${bodyOf(p).slice(0, 90)}`);
  }, 240_000);
});
