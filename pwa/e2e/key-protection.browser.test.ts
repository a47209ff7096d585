import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../tools/simulator/accounts/demo-credentials.ts';
import { artifactDir } from '../../tools/test-support/browser.ts';
import { axeViolations } from './axe-check.ts';
import { accountsOnScreen, fillBinanceKey, leaveDemoMode, startPwaOnSimulator, type PwaOnSimulator } from '../../tools/test-support/pwa-on-simulator.ts';

/**
 * The saved keys moved under a passphrase, in Chromium's real IndexedDB against the simulator: after a
 * reload the keyed account is not watched and the app asks for the passphrase; a wrong one is refused;
 * the right one unlocks and the account is watched again, without a reload.
 */
let pwa: PwaOnSimulator;

beforeAll(async () => {
  pwa = await startPwaOnSimulator(inject('pwaDist'), 5, (sim) => sim.advance(200));
});
afterAll(async () => {
  await pwa?.close();
});

const PASSPHRASE = 'margin sentry passphrase';

describe('key protection', () => {
  it('moves the keys under a passphrase; after a reload the app asks for it, refuses a wrong one and watches the account again', async () => {
    const { sim, server, context } = pwa;
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.origin}/?sim=${encodeURIComponent(sim.url)}#/`);
    await expect.poll(() => accountsOnScreen(page), { timeout: 30_000 }).toContain('binance:demo');

    await leaveDemoMode(page, server.origin);
    const form = page.getByTestId('account-form');
    await fillBinanceKey(form, 'Main');
    await form.getByRole('button', { name: 'Save account' }).click();
    await expect.poll(() => page.getByTestId('settings-notice').textContent(), { timeout: 15_000 }).toMatch(/^Main saved\./);

    const card = page.getByTestId('key-protection');
    expect(await card.getByTestId('key-protection-kind').textContent()).toMatch(/this device's own key/);
    await card.getByLabel('New passphrase').fill(PASSPHRASE);
    await card.getByLabel('The passphrase again').fill(`${PASSPHRASE}!`);
    await card.getByRole('button', { name: 'Protect with a passphrase' }).click();
    await expect.poll(() => card.getByTestId('key-protection-notice').textContent()).toBe('The two passphrases differ.');
    await card.getByLabel('The passphrase again').fill(PASSPHRASE);
    await card.getByRole('button', { name: 'Protect with a passphrase' }).click();
    await expect.poll(() => card.getByTestId('key-protection-notice').textContent(), { timeout: 20_000 }).toMatch(/now protected by the passphrase/);
    expect(await card.getByTestId('key-protection-kind').textContent()).toMatch(/unlocked for this session/);
    await page.screenshot({ path: join(artifactDir('pwa'), 'settings-key-protection-390.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    // The secret is not in the database in the clear.
    const stored = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const req = indexedDB.open('margin-sentry');
        req.onsuccess = () => ok(req.result);
        req.onerror = () => fail(req.error);
      });
      const all = await new Promise<unknown[]>((ok) => {
        const r = db.transaction('secrets').objectStore('secrets').getAll();
        r.onsuccess = () => ok(r.result);
      });
      db.close();
      return all.map((v) => new TextDecoder().decode((v as { ciphertext: Uint8Array }).ciphertext)).join('|');
    });
    expect(stored).not.toContain(DEMO_CREDENTIALS.binance.secret);

    // A new start: locked. The keyed account is not watched and the app asks for the passphrase.
    await page.goto(`${server.origin}/#/`);
    await page.reload();
    const banner = page.getByTestId('unlock-banner');
    await expect.poll(() => banner.count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('monitor-problems').textContent(), { timeout: 20_000 }).toMatch(/Main is not watched/);
    await page.screenshot({ path: join(artifactDir('pwa'), 'unlock-banner-390.png'), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await axeViolations(page)).toEqual([]);

    await banner.getByLabel('Passphrase').fill('not the passphrase');
    await banner.getByRole('button', { name: 'Unlock' }).click();
    await expect.poll(() => banner.getByTestId('unlock-refusal').textContent(), { timeout: 20_000 }).toMatch(/^Wrong passphrase/);
    await banner.getByLabel('Passphrase').fill(PASSPHRASE);
    await banner.getByRole('button', { name: 'Unlock' }).click();
    await expect.poll(() => page.getByTestId('unlock-banner').count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => accountsOnScreen(page), { timeout: 30_000 }).toEqual(['binance:main']);
    await expect.poll(() => page.getByTestId('monitor-problems').count(), { timeout: 20_000 }).toBe(0);
    expect(await page.locator('body').textContent()).not.toMatch(/NaN|Infinity|undefined/);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 180_000);
});
