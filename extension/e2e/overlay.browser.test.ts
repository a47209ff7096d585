import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { AccountReport } from '../../shared/protocol/account-report.ts';
import { priceText, rhoText } from '../../shared/ui/figures.ts';
import { launchWithExtension, type ExtensionBrowser } from '../../tools/test-support/extension-browser.ts';
import { serveFixturePages, type FixturePages } from '../../tools/test-support/fixture-pages.ts';
import { startSimulator, type RunningSimulator } from '../../tools/simulator/start-simulator.ts';

/**
 * The overlay on each venue's fixture page (extension/content/fixtures: the venue's positions-table
 * markup as venue-pages.md records it), fed by the worker watching the simulator's demo accounts.
 */
const ARTIFACTS = 'test-artifacts/extension';
const PAGES: ReadonlyArray<{ venue: VenueId; path: string; next: string; symbols: string[] }> = [
  { venue: 'binance', path: '/binance/en/futures/BTCUSDT', next: 'ETHUSDT', symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] },
  { venue: 'bybit', path: '/bybit/trade/usdt/BTCUSDT', next: 'ETHUSDT', symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] },
  { venue: 'okx', path: '/okx/trade-swap/btc-usdt-swap', next: 'ETH', symbols: ['BTC-USDT-SWAP', 'ETH-USDT-SWAP', 'SOL-USDT-SWAP'] },
  { venue: 'hyperliquid', path: '/hyperliquid/trade/BTC', next: 'ETH', symbols: ['BTC', 'ETH', 'SOL'] },
];

let sim: RunningSimulator;
let browser: ExtensionBrowser;
let fixtures: FixturePages;
let extensionPage: Page;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  sim = await startSimulator({ port: 0, scenario: 'calm', seed: 3, speed: 1 });
  fixtures = await serveFixturePages();
  browser = await launchWithExtension();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await fixtures?.close();
  await sim?.close();
});

describe('the options page', () => {
  it('refuses a simulator address off loopback, naming the field, then points the worker at the simulator', async () => {
    extensionPage = await browser.context.newPage();
    await extensionPage.goto(`chrome-extension://${browser.extensionId}/options/options.html`);
    await extensionPage.getByTestId('simulator-url').fill('http://example.com:80');
    await extensionPage.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => extensionPage.getByTestId('status').textContent()).toContain('$.settings.demo.simulatorUrl');
    await extensionPage.getByTestId('simulator-url').fill(sim.url);
    await extensionPage.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => extensionPage.getByTestId('status').textContent()).toBe('Saved.');
    await expect
      .poll(async () => ((await extensionPage.evaluate(() => chrome.runtime.sendMessage({ kind: 'get-reports' }))) as { reports: AccountReport[] }).reports.length, { timeout: 20_000 })
      .toBe(4);
  }, 40_000);

  it('adds a read-only account: a wrong key shows the venue refusal, the right one is watched, never shown back', async () => {
    await extensionPage.getByTestId('passphrase').fill('a long passphrase');
    await extensionPage.getByTestId('label').fill('Main');
    await extensionPage.getByTestId('apiKey').fill('not-the-key');
    await extensionPage.getByTestId('apiSecret').fill('sim-binance-demo-secret');
    await extensionPage.getByRole('button', { name: 'Add account' }).click();
    await expect
      .poll(() => extensionPage.getByTestId('accounts-status').textContent())
      .toBe('Not added: Binance refused the key: -2015 Invalid API-key, IP, or permissions for action. The key was not kept.');
    await extensionPage.getByTestId('apiKey').fill('sim-binance-demo-key');
    await extensionPage.getByRole('button', { name: 'Add account' }).click();
    await expect.poll(() => extensionPage.getByTestId('accounts-status').textContent()).toBe('Added binance:main.');
    await expect.poll(() => extensionPage.getByTestId('accounts').textContent()).toContain('binance:main (simulator, watching)');
    await expect
      .poll(async () => ((await extensionPage.evaluate(() => chrome.runtime.sendMessage({ kind: 'get-reports' }))) as { reports: AccountReport[] }).reports.map((r) => r.account.accountId), { timeout: 20_000 })
      .toContain('binance:main');
    const stored = await browser.inWorker(() => chrome.storage.local.get(null));
    expect(JSON.stringify(stored)).not.toContain('sim-binance-demo-key');
    expect(JSON.stringify(stored)).not.toContain('sim-binance-demo-secret');
    expect(await extensionPage.content()).not.toContain('sim-binance-demo-secret');
    await extensionPage.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => extensionPage.getByTestId('accounts-status').textContent()).toBe('Removed binance:main.');
    await extensionPage.screenshot({ path: `${ARTIFACTS}/options.png`, fullPage: true });
  }, 40_000);
});

const panelText = (page: Page) => page.locator('margin-sentry-overlay').evaluate((host) => host.shadowRoot?.textContent ?? '');
const venueReport = async (venue: VenueId): Promise<AccountReport> =>
  ((await extensionPage.evaluate(() => chrome.runtime.sendMessage({ kind: 'get-reports' }))) as { reports: AccountReport[] }).reports.find((r) => r.account.venue === venue)!;

describe.each(PAGES)('overlay on the $venue fixture page', ({ venue, path, next, symbols }) => {
  it('shows each position beside the positions table with the worker figures, and survives a client-side navigation', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setViewportSize({ width: 1100, height: 700 });
    await page.goto(`${fixtures.origin}${path}`);
    const host = page.locator('margin-sentry-overlay');
    await expect.poll(() => host.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => panelText(page), { timeout: 10_000 }).toContain(symbols[0]!);

    // Every row of the venue's table has its line, with the figures the worker holds for that position.
    // Marks move every second: read the panel and the worker's report until one pair agrees.
    await expect
      .poll(
        async () => {
          const text = await panelText(page);
          const report = await venueReport(venue);
          return report.positions.every((p) => symbols.includes(p.symbol) && text.includes(`ρ ${rhoText(p.riskRatio)}`) && text.includes(`Liq. ${priceText(p.liquidationPrice, 'none')}`));
        },
        { timeout: 10_000, interval: 100 },
      )
      .toBe(true);
    const text = await panelText(page);
    for (const s of symbols) expect(text).toContain(s);
    expect(text).toMatch(/Margin call \d/);
    expect(text).toMatch(/Add [\d,.]+ USDT|ρ within target: nothing to add or reduce/);
    expect(text).not.toMatch(/NaN|Infinity|undefined|null/);
    // Beside the table: the panel sits right before the venue's own positions table.
    expect(await host.evaluate((h) => h.nextElementSibling?.matches('table, .position-box') ?? false)).toBe(true);
    await host.screenshot({ path: `${ARTIFACTS}/overlay-${venue}.png` });

    // The venue's app switches symbol with pushState and re-renders the table: the panel follows.
    const oldTable = await host.evaluate((h) => h.nextElementSibling?.outerHTML.length ?? 0);
    await page.locator(`a[data-spa]:has-text("${next}")`).first().click();
    await expect.poll(() => page.locator('#current-symbol').textContent()).toMatch(new RegExp(next, 'i'));
    // The old table went with its panel (the app replaced both); a new panel sits before the new table.
    await expect
      .poll(async () => (await host.count()) === 1 && (await host.evaluate((h) => h.nextElementSibling?.matches('table, .position-box') ?? false)), { timeout: 10_000 })
      .toBe(true);
    await expect.poll(() => panelText(page), { timeout: 10_000 }).toContain(symbols[1]!);
    expect(oldTable).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});

describe('the overlay when the extension reloads under it', () => {
  it('goes quiet: the panel is removed and the page sees no error', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${fixtures.origin}/hyperliquid/trade/BTC`);
    await expect.poll(() => page.locator('margin-sentry-overlay').count(), { timeout: 10_000 }).toBe(1);
    await browser.inWorker(() => chrome.runtime.reload()).catch(() => undefined); // the worker dies with the reload
    await expect.poll(() => page.locator('margin-sentry-overlay').count(), { timeout: 10_000 }).toBe(0);
    // The page's own app keeps working, and the orphaned script does not come back.
    await page.locator('a[data-spa]:has-text("ETH")').click();
    await page.waitForTimeout(1_500);
    expect(await page.locator('margin-sentry-overlay').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
