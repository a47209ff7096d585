import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import type { RunningSimulator } from '../simulator/start-simulator.ts';
import { CHROMIUM_ARGS, ensureChromium } from '../test-support/chromium-path.ts';
import { serveStatic } from '../test-support/static-server.ts';

/**
 * The two homes in Chromium for notification-latency.ts, each with a wrapper around its notification
 * API installed through CDP Runtime.evaluate (no hook in production code): the built PWA served on
 * loopback (its page shows the notifications), and the unpacked extension (its service worker does).
 */

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const nowMs = (): number => performance.timeOrigin + performance.now();

/** What the browser side records: each notification shown, its id (tag) and when (its clock). */
export interface Shown {
  readonly id: string;
  /** When the home called the notification API. */
  readonly calledAt: number;
  /** When the API said the notification was shown. */
  readonly at: number;
}

/** A home in Chromium, instrumented: where its notifications are read and its clock is asked. */
export interface InstrumentedHome {
  /** Notifications shown since the last call. */
  take(): Promise<Shown[]>;
  /** Ids of the notifications on screen now. */
  onScreen(): Promise<string[]>;
  /** The browser's clock (timeOrigin + now), ms. */
  clock(): Promise<number>;
  close(): Promise<void>;
}

// The wrappers: installed with Runtime.evaluate, they stamp the moment the API's promise resolves.
const PAGE_WRAP = `(() => {
  if (globalThis.__latencyShown !== undefined) return;
  const shown = [];
  globalThis.__latencyShown = shown;
  const original = ServiceWorkerRegistration.prototype.showNotification;
  ServiceWorkerRegistration.prototype.showNotification = function (title, options) {
    const calledAt = performance.timeOrigin + performance.now();
    return original.call(this, title, options).then((r) => {
      shown.push({ id: String(options && options.tag), calledAt, at: performance.timeOrigin + performance.now() });
      return r;
    });
  };
})()`;
const WORKER_WRAP = `(() => {
  if (globalThis.__latencyShown !== undefined) return;
  const shown = [];
  globalThis.__latencyShown = shown;
  const original = chrome.notifications.create.bind(chrome.notifications);
  chrome.notifications.create = (id, options) => {
    const calledAt = performance.timeOrigin + performance.now();
    return original(id, options).then((r) => {
      shown.push({ id: String(id), calledAt, at: performance.timeOrigin + performance.now() });
      return r;
    });
  };
})()`;
const TAKE = '(globalThis.__latencyShown === undefined ? null : globalThis.__latencyShown.splice(0))';
const CLOCK = 'performance.timeOrigin + performance.now()';


export async function waitFor<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs: number, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}


async function launch(profile: string, extra: readonly string[] = []): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, { executablePath: ensureChromium(), headless: true, args: [...CHROMIUM_ARGS, ...extra] });
}

export async function startPwa(sim: RunningSimulator, dist: string, log: (line: string) => void): Promise<InstrumentedHome> {
  const server = await serveStatic(join(dist, 'pwa'));
  const profile = mkdtempSync(join(tmpdir(), 'latency-pwa-'));
  const context = await launch(profile);
  await context.grantPermissions(['notifications'], { origin: server.origin });
  const page: Page = await context.newPage();
  await page.goto(`${server.origin}/?sim=${encodeURIComponent(sim.url)}`);
  await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 60_000 });
  await page.waitForFunction('document.querySelectorAll(\'[data-testid="position-card"]\').length === 12', undefined, { timeout: 60_000 });
  await page.evaluate(PAGE_WRAP);
  log('  PWA: four demo accounts watched, showNotification wrapped');
  return {
    take: async () => ((await page.evaluate(TAKE)) as Shown[] | null) ?? [],
    onScreen: async () => (await page.evaluate('navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((ns) => ns.map((n) => n.tag))')) as string[],
    clock: async () => (await page.evaluate(CLOCK)) as number,
    close: async () => {
      await context.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function startExtension(sim: RunningSimulator, dist: string, log: (line: string) => void): Promise<InstrumentedHome> {
  const dir = join(dist, 'extension');
  const profile = mkdtempSync(join(tmpdir(), 'latency-ext-'));
  const context = await launch(profile, [`--disable-extensions-except=${dir}`, `--load-extension=${dir}`]);
  const first = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  const id = new URL(first.url()).host;
  const worker = (): Worker => context.serviceWorkers().filter((w) => w.url().startsWith(`chrome-extension://${id}/`)).at(-1) ?? first;
  const page = await context.newPage();
  await page.goto(`chrome-extension://${id}/popup/popup.html`);
  const ask = (message: unknown): Promise<unknown> => page.evaluate((m) => (globalThis as unknown as { chrome: { runtime: { sendMessage(x: unknown): Promise<unknown> } } }).chrome.runtime.sendMessage(m), message);
  const current = (await ask({ kind: 'get-settings' })) as { settings: Record<string, unknown> };
  await ask({ kind: 'save-settings', settings: { ...current.settings, demo: { enabled: true, simulatorUrl: sim.url } } });
  await waitFor('four demo accounts in the extension', async () => ((await ask({ kind: 'get-reports' })) as { reports: unknown[] }).reports.length === 4, 60_000, 200);
  const wrap = async (): Promise<void> => void (await worker().evaluate(WORKER_WRAP));
  await wrap();
  log('  extension: four demo accounts watched, chrome.notifications.create wrapped');
  return {
    async take() {
      const shown = (await worker().evaluate(TAKE)) as Shown[] | null;
      // A restarted worker lost the wrapper (and its record): wrap the new one; its crossing counts as missed.
      if (shown === null) await wrap();
      return shown ?? [];
    },
    onScreen: async () => Object.keys((await worker().evaluate('chrome.notifications.getAll()')) as Record<string, unknown>),
    clock: async () => (await worker().evaluate(CLOCK)) as number,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Browser clock minus Node clock: the round trip with the least delay, its midpoint. */
export async function clockOffset(home: InstrumentedHome): Promise<number> {
  let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 };
  for (let i = 0; i < 20; i += 1) {
    const t0 = nowMs();
    const b = await home.clock();
    const t1 = nowMs();
    if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: b - (t0 + t1) / 2 };
  }
  return best.offset;
}
