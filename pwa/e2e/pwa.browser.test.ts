import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { artifactDir, launchChromium, launchPersistentChromium } from '../../tools/test-support/browser.ts';
import { serveStatic, type StaticServer } from '../../tools/test-support/static-server.ts';

/**
 * The built PWA (dist/pwa, built by the browser project's globalSetup) in headless Debian Chromium,
 * served on loopback. Every wait is for a condition in the page, never a fixed sleep.
 */
let browser: Browser;
let server: StaticServer;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  server = await serveStatic(inject('pwaDist'));
  browser = await launchChromium();
});
afterEach(async () => {
  server.reset();
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function newContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, ...options });
  contexts.push(context);
  return context;
}

/** Opens the app and waits until its service worker controls the page. */
async function openApp(context: BrowserContext, path = '/'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(server.origin + path);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await page.getByTestId('device-card').getByText('Accounts saved').waitFor();
  return page;
}

const pngSize = (bytes: number[]): string => {
  const b = Buffer.from(bytes);
  return b.toString('latin1', 1, 4) === 'PNG' ? `${b.readUInt32BE(16)}x${b.readUInt32BE(20)}` : 'not a PNG';
};

interface ShownNotification {
  title: string;
  body: string;
  data: unknown;
}

/** Waits in the page until the worker's registration shows a notification titled `title` (or 20 s pass). */
async function waitForNotification(page: Page, title: string): Promise<ShownNotification | 'none'> {
  return page.evaluate(async (t) => {
    const registration = await navigator.serviceWorker.ready;
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      const n = (await registration.getNotifications()).find((x) => x.title === t);
      if (n !== undefined) return { title: n.title, body: n.body, data: n.data as unknown };
    }
    return 'none' as const;
  }, title);
}

describe('the built PWA in Chromium', () => {
  it('is installable: a valid manifest with its icons, and an active worker controlling the page', async () => {
    const context = await launchPersistentChromium({ viewport: { width: 390, height: 844 } });
    contexts.push(context);
    const page = await openApp(context);
    const cdp = await context.newCDPSession(page);
    const manifestReport = await cdp.send('Page.getAppManifest');
    expect(manifestReport.errors).toEqual([]);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);

    const href = await page.getAttribute('link[rel="manifest"]', 'href');
    const manifest = (await page.evaluate(async (h) => (await fetch(h!)).json(), href)) as {
      name: string;
      display: string;
      start_url: string;
      scope: string;
      icons: { src: string; sizes: string; type: string; purpose: string }[];
    };
    expect(manifest).toMatchObject({ name: 'Margin Sentry', display: 'standalone', start_url: '/', scope: '/', theme_color: '#13203a' });
    const pngs = manifest.icons.filter((i) => i.type === 'image/png');
    expect(pngs.map((i) => `${i.sizes} ${i.purpose}`)).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
    const appleHref = await page.getAttribute('link[rel="apple-touch-icon"]', 'href');
    for (const [src, sizes] of [...pngs.map((i) => [i.src, i.sizes] as const), [appleHref!, '180x180'] as const]) {
      const bytes = await page.evaluate(async (s) => [...new Uint8Array(await (await fetch(s)).arrayBuffer())], src);
      expect(`${src} ${pngSize(bytes)}`).toBe(`${src} ${sizes}`);
    }

    const worker = await page.evaluate(async () => {
      const r = await navigator.serviceWorker.ready;
      const cache = await caches.open((await caches.keys()).find((k) => k.includes('precache'))!);
      return { scope: r.scope, state: r.active?.state, controller: navigator.serviceWorker.controller?.scriptURL, precached: (await cache.keys()).length };
    });
    expect(worker).toMatchObject({ scope: `${server.origin}/`, state: 'activated', controller: `${server.origin}/sw.js` });
    expect(worker.precached).toBeGreaterThanOrEqual(8);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  it('starts offline from the precache, with the saved state marked stale, also on a deep link', async () => {
    const context = await newContext();
    const page = await openApp(context);
    const savedAt = Date.now() - 5 * 60_000;
    await page.evaluate(async (t) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('margin-sentry');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      await new Promise((resolve, reject) => {
        const tx = db.transaction('snapshots', 'readwrite');
        tx.objectStore('snapshots').put({ accountId: 'binance-main', savedAt: t, snapshot: { positions: [] } });
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    }, savedAt);

    await context.setOffline(true);
    await page.reload();
    const banner = page.getByTestId('offline-banner');
    await banner.waitFor();
    // The banner shows at once and names the saved state when the store has been read: wait for that.
    // Five minutes before a run just after midnight is yesterday: then the banner names the day too.
    await expect.poll(() => banner.textContent(), { timeout: 15_000 }).toMatch(/^Offline\. Showing the state saved (on [A-Z][a-z]{2} \d\d? )?at \d\d?:\d\d( [AP]M)? \((5|6) min ago\)\. It may be stale\.$/);
    expect(await page.getByTestId('connection').textContent()).toBe('Offline');
    await expect.poll(() => page.getByTestId('accounts-saved').textContent(), { timeout: 15_000 }).toMatch(/^1 · last saved at/);

    const deep = await context.newPage();
    await deep.goto(`${server.origin}/alerts?id=a-17`);
    await deep.getByTestId('offline-banner').waitFor();
    expect(await deep.locator('h1').textContent()).toBe('Margin Sentry');
    await page.screenshot({ path: join(artifactDir('pwa'), 'offline-390.png') });
  });

  it('shows a declarative push with its title and body, and a generic one for a garbage push', async () => {
    const context = await newContext();
    await context.grantPermissions(['notifications'], { origin: server.origin });
    const page = await openApp(context);
    const cdp = await context.newCDPSession(page);
    const registrationId = await new Promise<string>((resolve) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const ours = registrations.find((r) => r.scopeURL === `${server.origin}/` && !r.isDeleted);
        if (ours !== undefined) resolve(ours.registrationId);
      });
      void cdp.send('ServiceWorker.enable');
    });
    const deliver = (data: string) => cdp.send('ServiceWorker.deliverPushMessage', { origin: `${server.origin}/`, registrationId, data });
    // A push reaches only an activated worker: one still installing (a slow machine) drops it, and the
    // registration exists before it activates.
    await page.evaluate(async () => {
      const { active } = await navigator.serviceWorker.ready;
      if (active !== null && active.state !== 'activated') await new Promise((r) => active.addEventListener('statechange', () => active.state === 'activated' && r(undefined)));
    });

    await deliver(
      JSON.stringify({
        web_push: 8030,
        notification: { title: 'BTCUSDT: margin call', body: 'rho 0.82 of 1.00 · top up 412 USDT', navigate: '/?alert=a-17', lang: 'en' },
        mutable: true,
      }),
    );
    expect(await waitForNotification(page, 'BTCUSDT: margin call')).toEqual({
      title: 'BTCUSDT: margin call',
      body: 'rho 0.82 of 1.00 · top up 412 USDT',
      data: { navigate: `${server.origin}/?alert=a-17` },
    });

    await deliver('{"web_push": 8030, "notification": {"title": 42}}');
    expect(await waitForNotification(page, 'Margin Sentry')).toEqual({
      title: 'Margin Sentry',
      body: 'New alert: open Margin Sentry to see it.',
      data: { navigate: `${server.origin}/` },
    });
  });

  it('asks for notification permission from the tap, then sends a test notification', async () => {
    const context = await newContext();
    const page = await openApp(context);
    const card = page.getByTestId('alerts-card');
    expect(await card.getAttribute('data-setup')).toBe('ask');
    await context.grantPermissions(['notifications'], { origin: server.origin });
    await page.getByRole('button', { name: 'Enable alerts' }).click();
    await page.locator('[data-testid="alerts-card"][data-setup="granted"]').waitFor();
    await page.getByRole('button', { name: 'Send a test notification' }).click();
    expect(await waitForNotification(page, 'Margin Sentry')).toMatchObject({ body: 'Test alert: notifications reach this device.' });
  });

  it('reports and rebuilds a foreign database of the same name instead of showing a blank screen', async () => {
    const context = await newContext();
    const page = await context.newPage();
    // A page of the origin that runs no app code, so the foreign database is in place before the app opens.
    await page.goto(`${server.origin}/manifest.webmanifest`);
    await page.evaluate(async () => {
      await new Promise<void>((resolve, reject) => {
        const req = indexedDB.open('margin-sentry', 3);
        req.onupgradeneeded = () => {
          req.result.createObjectStore('todos', { autoIncrement: true }).add({ text: 'buy milk' });
          const snapshots = req.result.createObjectStore('snapshots', { keyPath: 'key' });
          snapshots.put({ key: 1, accountId: 'kept-account', savedAt: 1_700_000_000_000, snapshot: { ok: true } });
          snapshots.put({ key: 2, accountId: 'bad', savedAt: 'never', snapshot: Number.NaN });
        };
        req.onsuccess = () => {
          req.result.close();
          resolve();
        };
        req.onerror = () => reject(req.error);
      });
    });
    await page.goto(`${server.origin}/`);
    const banner = page.getByTestId('store-banner');
    await banner.waitFor();
    const text = await banner.textContent();
    expect(text).toContain('The data saved on this device was damaged and has been rebuilt.');
    expect(text).toMatch(/The local database could not be opened \(VersionError.*\): rebuilt it, keeping 1 record/);
    expect(text).toContain('Dropped damaged data: 1 snapshot record');
    expect(await page.getByTestId('accounts-saved').textContent()).toMatch(/^1 · last saved/);
    await page.screenshot({ path: join(artifactDir('pwa'), 'repaired-store-390.png') });
  });

  it('offers a waiting update and applies it only on the tap', async () => {
    const context = await newContext();
    const page = await openApp(context);
    server.override('/sw.js', `${readFileSync(join(inject('pwaDist'), 'sw.js'), 'utf8')}\n// next release\n`);
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    await page.getByTestId('update-banner').waitFor();
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.waiting !== null)).toBe(true);

    // The new worker installs its precache and activates before the page reloads: seconds on a busy
    // machine. A timeout says where the hand-over stopped (a worker still waiting, or active without
    // the reload).
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await page.getByRole('button', { name: 'Reload to update' }).click();
    await reloaded.catch(async (error: unknown) => {
      const state = await page
        .evaluate(async () => {
          const r = await navigator.serviceWorker.getRegistration();
          return { installing: r?.installing?.state ?? null, waiting: r?.waiting?.state ?? null, active: r?.active?.state ?? null, controlled: navigator.serviceWorker.controller !== null };
        })
        .catch((e: unknown) => String(e));
      throw new Error(`${String(error)}; the service worker then: ${JSON.stringify(state)}`);
    });
    await page.getByTestId('device-card').getByText('Accounts saved').waitFor();
    const after = await page.evaluate(async () => {
      const r = await navigator.serviceWorker.getRegistration();
      return { waiting: r?.waiting ?? null, active: r?.active?.state, controlled: navigator.serviceWorker.controller !== null };
    });
    expect(after).toEqual({ waiting: null, active: 'activated', controlled: true });
    expect(await page.getByTestId('update-banner').count()).toBe(0);
  }, 120_000);

  it.each([
    ['phone', 390, 844],
    ['desktop', 1280, 800],
  ] as const)('fits the %s screen in light and dark (screenshots in test-artifacts/pwa)', async (name, width, height) => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await newContext({ viewport: { width, height }, colorScheme });
      const page = await openApp(context);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      const ground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(ground).toBe(colorScheme === 'dark' ? 'rgb(11, 16, 32)' : 'rgb(244, 246, 251)');
      await page.screenshot({ path: join(artifactDir('pwa'), `shell-${name}-${width}x${height}-${colorScheme}.png`) });
    }
  });
});
