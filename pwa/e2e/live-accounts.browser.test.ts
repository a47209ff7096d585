import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { evaluateAccount } from '../../shared/engine/margin/evaluate-account.ts';
import { parseAccountInput } from '../../shared/exchanges/parse-account-input.ts';
import { venueAdapters } from '../../shared/exchanges/venues.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import { DEMO_CREDENTIALS } from '../../tools/simulator/accounts/demo-credentials.ts';
import { artifactDir } from '../../tools/test-support/browser.ts';
import { axeViolations } from './axe-check.ts';
import { accountsOnScreen, fillBinanceKey, leaveDemoMode, startPwaOnSimulator, type PwaOnSimulator } from '../../tools/test-support/pwa-on-simulator.ts';

/**
 * Demo mode off: the accounts typed into Settings are what the worker watches, in Chromium's real
 * IndexedDB against the simulator on loopback (the page opened with `?sim=`): a Hyperliquid address,
 * a Binance read-only key (out of the vault, handed to the worker), a manual what-if account valued at
 * Binance's public marks. Each appears on the Overview without a reload; removing one removes it.
 */
let pwa: PwaOnSimulator;

beforeAll(async () => {
  // Slow time: the market moves (marks change) but stays before the crash.
  pwa = await startPwaOnSimulator(inject('pwaDist'), 3, (sim) => sim.advance(200));
});
afterAll(async () => {
  await pwa?.close();
});

const cards = (page: Page): Promise<Array<{ account: string; key: string; mark: number; rho: string; text: string }>> =>
  page.getByTestId('position-card').evaluateAll((els) =>
    els.map((e) => ({ account: e.getAttribute('data-account') ?? '', key: e.getAttribute('data-key') ?? '', mark: Number(e.getAttribute('data-mark')), rho: e.getAttribute('data-rho') ?? '', text: e.textContent ?? '' })),
  );


const storedSnapshotIds = (page: Page): Promise<string[]> =>
  page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const req = indexedDB.open('margin-sentry');
      req.onsuccess = () => ok(req.result);
      req.onerror = () => fail(req.error);
    });
    const keys = await new Promise<IDBValidKey[]>((ok) => {
      const r = db.transaction('snapshots').objectStore('snapshots').getAllKeys();
      r.onsuccess = () => ok(r.result);
    });
    db.close();
    return keys.map(String).sort();
  });

async function shoot(page: Page, name: string): Promise<void> {
  const dir = artifactDir('pwa');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(dir, `${name}-390.png`), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name}: no horizontal scroll at 390 px`).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(dir, `${name}-1280.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
}

const MANUAL = { symbol: 'BTCUSDT', qty: '0.8', entryPrice: '97000', markPrice: '1000', mmr: '0.02', wallet: '4000' };

describe('the PWA watches the accounts in Settings', () => {
  it('adds a Hyperliquid address, a Binance read-only key and a manual account, shows each live, and drops a removed one', async () => {
    const { sim, server, context } = pwa;
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.origin}/?sim=${encodeURIComponent(sim.url)}#/`);
    // Demo mode first (a fresh install): the simulator's four demo accounts.
    await expect.poll(() => accountsOnScreen(page), { timeout: 30_000 }).toEqual(['binance:demo', 'bybit:demo', 'hyperliquid:demo', 'okx:demo']);

    await leaveDemoMode(page, server.origin);

    const form = page.getByTestId('account-form');
    const save = async (notice: RegExp): Promise<void> => {
      await form.getByRole('button', { name: 'Save account' }).click();
      await expect.poll(() => page.getByTestId('settings-notice').textContent(), { timeout: 15_000 }).toMatch(notice);
    };
    await form.getByLabel('Name').fill('HL');
    await form.getByLabel('Venue', { exact: true }).selectOption('hyperliquid');
    await form.getByLabel('Account address').fill(DEMO_CREDENTIALS.hyperliquid.address);
    await save(/^HL saved\./);

    await fillBinanceKey(form, 'Main');
    await form.getByLabel(/Call ladder/).fill('0.4, 0.7, 0.9, 1');
    await save(/^Main saved\. Binance accepted the key/);

    await form.getByLabel('typed by hand (what-if)').check();
    await form.getByLabel('Name').fill('Plan');
    await form.getByLabel('Venue', { exact: true }).selectOption('binance');
    await form.getByLabel('Wallet balance (USDT)').fill(MANUAL.wallet);
    await form.getByLabel('Symbol').fill(MANUAL.symbol);
    await form.getByLabel('Quantity (base units)').fill(MANUAL.qty);
    await form.getByLabel('Entry price').fill(MANUAL.entryPrice);
    await form.getByLabel('Mark price').fill(MANUAL.markPrice);
    await form.getByLabel('Maintenance rate').fill(MANUAL.mmr);
    await save(/^Plan saved\./);
    expect(await page.getByTestId('accounts').textContent()).toMatch(/HL.*Main.*Plan/);
    await shoot(page, 'settings-accounts');
    expect(await axeViolations(page)).toEqual([]);

    // No reload: the Overview follows the settings (the demo accounts went with demo mode).
    await page.goto(`${server.origin}/#/`);
    await expect.poll(() => accountsOnScreen(page), { timeout: 30_000 }).toEqual(['binance:main', 'binance:plan-plan', 'hyperliquid:hl']);
    const all = await cards(page);
    // The venue accounts show the simulator's demo positions; the plan its one typed position.
    expect(all.filter((c) => c.account === 'hyperliquid:hl').length).toBeGreaterThan(0);
    expect(all.filter((c) => c.account === 'binance:main').length).toBeGreaterThan(0);
    expect(all.filter((c) => c.account === 'binance:plan-plan').map((c) => c.key)).toEqual(['BTCUSDT:long']);
    expect(await page.locator('body').textContent()).not.toMatch(/NaN|Infinity|undefined/);
    expect(await page.getByTestId('monitor-problems').count()).toBe(0);

    // The plan is valued at Binance's live mark, not the typed 1000, and its rho is the engine's there.
    await expect.poll(async () => (await cards(page)).find((c) => c.account === 'binance:plan-plan')?.mark ?? 0, { timeout: 15_000 }).toBeGreaterThan(10_000);
    const plan = (await cards(page)).find((c) => c.account === 'binance:plan-plan')!;
    const input = parseAccountInput({
      exchange: 'binance',
      walletBalance: Number(MANUAL.wallet),
      positions: [{ symbol: 'BTCUSDT', side: 'long', qty: Number(MANUAL.qty), entryPrice: Number(MANUAL.entryPrice), markPrice: plan.mark, marginMode: 'cross', tiers: [{ floor: 0, mmr: Number(MANUAL.mmr) }] }],
    });
    if (isFieldError(input)) throw new Error(input.message);
    const engine = evaluateAccount(input.account, venueAdapters.binance.margin);
    expect(Number(plan.rho)).toBeCloseTo(engine.riskRatio, 9);
    // The Binance account's figures move with the market: it is live, not a one-off read.
    const markOf = async (): Promise<number> => (await cards(page)).find((c) => c.account === 'binance:main')?.mark ?? 0;
    const first = await markOf();
    await expect.poll(markOf, { timeout: 15_000 }).not.toBe(first);
    await shoot(page, 'overview-accounts');
    expect(await axeViolations(page)).toEqual([]);
    await expect.poll(() => storedSnapshotIds(page), { timeout: 35_000 }).toContain('binance:plan-plan');

    // Removing the plan removes its cards and its saved state, still without a reload.
    await page.goto(`${server.origin}/#/settings`);
    await page.getByTestId('accounts').locator('li', { hasText: 'Plan' }).getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => page.getByTestId('settings-notice').textContent()).toBe('Plan removed.');
    await page.goto(`${server.origin}/#/`);
    await expect.poll(() => accountsOnScreen(page), { timeout: 15_000 }).toEqual(['binance:main', 'hyperliquid:hl']);
    await expect.poll(() => storedSnapshotIds(page), { timeout: 10_000 }).not.toContain('binance:plan-plan');

    // A reload starts from the record: the same two accounts, the keys out of the vault again.
    await page.reload();
    await expect.poll(() => accountsOnScreen(page), { timeout: 30_000 }).toEqual(['binance:main', 'hyperliquid:hl']);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
