import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { artifactDir } from '../../tools/test-support/browser.ts';
import { startPwaOnSimulator, type PwaOnSimulator } from '../../tools/test-support/pwa-on-simulator.ts';

/**
 * The built PWA against the exchange simulator on loopback, in headless Chromium: the worker runs the
 * four demo feeds and the monitor, the screens show its reports, notifications come through the
 * service worker's registration. The simulator's clock is stepped by this test (manual clock), so the
 * crash is walked through the tiers and can be held mid-episode for a reload.
 */
let pwa: PwaOnSimulator;
/** Sim ms added every 100 ms of real time; 0 holds the market (marks keep coming at the same time). */
let step = 0;

beforeAll(async () => {
  pwa = await startPwaOnSimulator(inject('pwaDist'), 1, (sim) => (step > 0 ? sim.advance(step) : sim.tick()));
  await pwa.context.grantPermissions(['notifications'], { origin: pwa.server.origin });
});
afterAll(async () => {
  await pwa?.close();
});

interface Shown {
  title: string;
  body: string;
  tag: string;
}

const notifications = (page: Page): Promise<Shown[]> =>
  page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag })));

async function waitForNotification(page: Page, match: RegExp, timeoutMs = 60_000): Promise<Shown> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await page.waitForTimeout(100)) {
    const n = (await notifications(page)).find((x) => match.test(x.title));
    if (n !== undefined) return n;
  }
  throw new Error(`no notification titled ${match} within ${timeoutMs} ms; shown: ${JSON.stringify(await notifications(page))}`);
}

/** The alert entries the worker saved in IndexedDB (its own engine figures). */
const savedAlerts = (page: Page): Promise<Array<{ id: string; alert: { kind: string; tierName?: string; figures?: { topUpUsdt: number }; resolved: unknown } }>> =>
  page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('margin-sentry');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const all = await new Promise<unknown[]>((resolve, reject) => {
      const req = db.transaction('alerts').objectStore('alerts').getAll();
      req.onsuccess = () => resolve(req.result as unknown[]);
      req.onerror = () => reject(req.error);
    });
    db.close();
    return all as Array<{ id: string; alert: { kind: string; tierName?: string; figures?: { topUpUsdt: number }; resolved: unknown } }>;
  });

const usdtText = (n: number): string => `${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} USDT`;

async function shoot(page: Page, name: string): Promise<void> {
  const dir = artifactDir('pwa');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(dir, `${name}-390.png`), fullPage: true });
  // One screen's worth too, for the README (docs/pwa-*.png are copied from these).
  await page.screenshot({ path: join(dir, `${name}-390-screen.png`) });
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name}: no horizontal scroll at 390 px`).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: join(dir, `${name}-1280.png`), fullPage: true });
  await page.screenshot({ path: join(dir, `${name}-1280-screen.png`) });
  await page.setViewportSize({ width: 390, height: 844 });
}

/** What the Overview showed after a reload: whether the restored banner appeared, and how each account's first card read. */
interface ScreensShown {
  banner: boolean;
  /** Account id -> whether its first card was marked stale. */
  firstStale: Record<string, boolean>;
}

/** Runs in the page before its own scripts: records, from the first paint, what `ScreensShown` holds in `window.screensShown`. */
function recordScreens(): void {
  const shown: ScreensShown = { banner: false, firstStale: {} };
  (window as unknown as { screensShown: ScreensShown }).screensShown = shown;
  new MutationObserver(() => {
    if (document.querySelector('[data-testid="restored-banner"]') !== null) shown.banner = true;
    for (const card of document.querySelectorAll('[data-testid="position-card"]')) {
      const account = card.getAttribute('data-account') ?? '';
      if (!(account in shown.firstStale)) shown.firstStale[account] = card.querySelector('[data-testid="age"].age-stale') !== null;
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

describe('the PWA on the simulator', () => {
  it('walks the crash through Watch, Margin call and Critical, notifies with the engine top-up, keeps the alert id across a reload, and shows the last state stale offline', async () => {
    const { sim, server, context } = pwa;
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.origin}/?sim=${encodeURIComponent(sim.url)}`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    // Four demo accounts of three positions each, before the crash.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="position-card"]').length === 12, undefined, { timeout: 30_000 });

    step = 5_000; // 50x: the calm five minutes in 6 s, the fall in under a minute
    const watch = await waitForNotification(page, /^Watch · /);
    const call = await waitForNotification(page, /^Margin call · /);
    step = 0; // hold the market mid-episode
    const callAlert = (await savedAlerts(page)).find((a) => a.id === call.tag);
    expect(callAlert?.alert.resolved).toBeNull();
    const topUp = callAlert?.alert.figures?.topUpUsdt ?? 0;
    expect(topUp).toBeGreaterThan(0);
    expect(call.body).toContain(`Add ${usdtText(topUp)}`);
    expect(watch.tag).not.toBe(call.tag);

    // The Overview says so: the card of that subject shows the tier.
    await page.getByTestId('tier').filter({ hasText: 'Margin call' }).first().waitFor();
    expect(await page.locator('body').textContent()).not.toMatch(/NaN|Infinity|undefined/);
    await page.waitForTimeout(1_500); // the worker saves after each decision; let the 30 s save not matter
    await page.evaluate(async () => {
      for (const n of await (await navigator.serviceWorker.ready).getNotifications()) n.close();
    });
    const idsBefore = new Set((await savedAlerts(page)).map((a) => a.id));

    // Reload mid-episode: the restored monitor keeps the open alert, so no second notification.
    // The restored screen lasts only until the feeds are back (~0.4 s on loopback, shorter than
    // page.reload() may take to return), so the page itself records what it showed from its first paint.
    await page.addInitScript(recordScreens);
    await page.reload();
    await page.waitForFunction(() => document.querySelector('[data-testid="restored-banner"]') === null && document.querySelectorAll('[data-testid="position-card"]').length === 12, undefined, { timeout: 30_000 });
    // Each account showed its saved report first, marked stale under the banner, and then went live (the
    // accounts come back one after another: some may be live while others still show their saved one).
    const shown = await page.evaluate(() => (window as unknown as { screensShown: ScreensShown }).screensShown);
    expect(shown.banner, `no restored banner: ${JSON.stringify(shown)}`).toBe(true);
    expect(shown.firstStale, 'an account showed live before its saved report').toStrictEqual({ 'binance:demo': true, 'bybit:demo': true, 'hyperliquid:demo': true, 'okx:demo': true });
    await page.waitForTimeout(2_000);
    // Nothing notified anew: at most a reminder of an alert already open (same id, same card).
    for (const n of await notifications(page)) {
      expect(idsBefore.has(n.tag), `a new alert id after the reload: ${n.tag} ${n.title}`).toBe(true);
      expect(n.title).toMatch(/^Reminder: /);
    }
    const subject = (callAlert?.alert as { subject?: string } | undefined)?.subject;
    const openCalls = (await savedAlerts(page)).filter((a) => a.alert.kind === 'tier' && a.alert.tierName === 'Margin call' && a.alert.resolved === null && (a.alert as { subject?: string }).subject === subject);
    expect(openCalls.map((a) => a.id)).toStrictEqual([call.tag]);

    await page.goto(`${server.origin}/#/alerts`);
    await page.getByTestId('alert-row').first().waitFor();
    expect(await page.locator(`[data-alert-id="${call.tag}"] [data-testid="alert-next"]`).textContent()).toMatch(/^Still open/);
    await shoot(page, 'alerts');

    step = 5_000;
    const critical = await waitForNotification(page, /^Critical · /);
    step = 0;
    const criticalAlert = (await savedAlerts(page)).find((a) => a.id === critical.tag);
    expect(critical.body).toContain(`Add ${usdtText(criticalAlert?.alert.figures?.topUpUsdt ?? NaN)}`);
    await page.goto(`${server.origin}/#/`);
    await page.getByTestId('tier').filter({ hasText: 'Critical' }).first().waitFor();
    await shoot(page, 'overview');

    const worst = page.getByTestId('position-card').first();
    await worst.locator('a.position-name').click();
    await page.getByTestId('chart').locator('canvas').first().waitFor();
    await page.waitForTimeout(500);
    expect(await page.locator('body').textContent()).not.toMatch(/NaN|Infinity|undefined/);
    await shoot(page, 'position');
    // The forecast fits its card on a phone: every horizon visible without scrolling sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    const forecastOverflow = await page.locator('.table-wrap').evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(forecastOverflow, 'forecast table wider than its card at 390 px').toBeLessThanOrEqual(0);
    await page.goto(`${server.origin}/#/settings`);
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await shoot(page, 'settings');
    await page.goto(`${server.origin}/#/replay`);
    await page.getByRole('heading', { name: 'Replay' }).waitFor();
    // The watched demo accounts are there to replay, as their venues report them now.
    await expect
      .poll(() => page.locator('#f-account option').allTextContents())
      .toStrictEqual(['Binance demo (positions now)', 'Bybit demo (positions now)', 'Hyperliquid demo (positions now)', 'OKX demo (positions now)']);
    await shoot(page, 'replay');

    // Offline: the last saved state, each card marked stale.
    await page.goto(`${server.origin}/#/`);
    await page.getByTestId('position-card').first().waitFor();
    await page.waitForTimeout(1_500);
    await context.setOffline(true);
    await page.reload();
    await page.getByTestId('offline-banner').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="position-card"]').length > 0, undefined, { timeout: 15_000 });
    const ages = await page.getByTestId('age').allTextContents();
    expect(ages.length).toBeGreaterThan(0);
    for (const a of ages) expect(a).toMatch(/^Stale: /);
    await shoot(page, 'overview-offline');
    await context.setOffline(false);
    expect(pageErrors).toEqual([]);
  }, 240_000);
});
