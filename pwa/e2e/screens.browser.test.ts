import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build, type Rolldown } from 'vite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { artifactDir, launchChromium } from '../../tools/test-support/browser.ts';
import { serveStatic, type StaticServer } from '../../tools/test-support/static-server.ts';
import { DEFAULT_HORIZONS_SEC } from '../../shared/engine/projection/first-passage.ts';
import { fmtDuration, fmtProbability, fmtSigma } from '../app/format.ts';
import type { ForecastRow } from '../app/position/position-view.ts';
import { DEMO_CREDENTIALS, TRADING_CREDENTIALS } from '../../tools/simulator/accounts/demo-credentials.ts';
import { startSimulator } from '../../tools/simulator/start-simulator.ts';
import type { screens } from './screens-harness.tsx';

/** The Settings and Replay screens in Chromium: the key check against the simulator, refusals beside fields, the crash replay. */
declare const sentryScreens: typeof screens;
const root = join(import.meta.dirname, '../..');

let browser: Browser;
let server: StaticServer;
let sim: Awaited<ReturnType<typeof startSimulator>>;
let script: string;
let css: string;

beforeAll(async () => {
  // Inside vitest NODE_ENV is `test`, which would make the JSX transform emit the dev runtime.
  const nodeEnv = process.env['NODE_ENV'];
  process.env['NODE_ENV'] = 'production';
  const out = (await build({
    mode: 'production',
    configFile: false,
    logLevel: 'silent',
    plugins: [react()],
    define: { 'process.env.NODE_ENV': '"production"' },
    build: {
      write: false,
      minify: false,
      lib: { entry: join(import.meta.dirname, 'screens-harness.tsx'), formats: ['iife'], name: 'sentryScreensBundle', fileName: 'screens' },
    },
  })) as Rolldown.RolldownOutput[];
  process.env['NODE_ENV'] = nodeEnv;
  const chunk = out[0]!.output.find((o) => o.type === 'chunk');
  script = chunk!.code;
  css = ['pwa/app/shell.css', 'pwa/app/settings/settings.css'].map((f) => readFileSync(join(root, f), 'utf8')).join('\n');
  sim = await startSimulator({ port: 0, manualClock: true });
  server = await serveStatic(inject('pwaDist'));
  server.override('/screens.html', '<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>screens</title><div class="shell"><div id="root"></div></div>');
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await sim?.close();
});

async function screenPage(width: number, height: number, colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.origin}/screens.html`);
  await page.addStyleTag({ content: css });
  await page.addScriptTag({ content: script });
  return { page, context };
}

const noHorizontalScroll = (page: Page): Promise<boolean> => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe('Settings screen', () => {
  it("shows the venue's refusal of a wrong key, a garbage field's message, keeps a read-only key and refuses a trading one", async () => {
    const { page, context } = await screenPage(390, 844);
    expect(await page.evaluate((origin) => sentryScreens.mountSettings(origin), sim.url)).toBeNull();
    const form = page.getByTestId('account-form');

    await form.getByLabel('Name').fill('Main');
    await form.getByLabel('API key (read-only)').fill('wrong-key');
    await form.getByLabel('API secret').fill('wrong-secret');
    await form.getByRole('button', { name: 'Save account' }).click();
    await expect.poll(() => page.getByTestId('account-refusal').textContent()).toBe(
      'Binance refused the key: -2015 Invalid API-key, IP, or permissions for action. The key was not kept.',
    );
    await page.screenshot({ path: join(artifactDir('pwa'), 'settings-wrong-key-390x844.png'), fullPage: true });

    await form.getByLabel(/Call ladder/).fill('0.5, 0.8, lots, 1');
    await form.getByRole('button', { name: 'Save account' }).click();
    await expect.poll(() => page.getByTestId('error-ladder').textContent()).toBe('expected a number, got "lots"');
    expect(await form.getByLabel(/Call ladder/).getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: join(artifactDir('pwa'), 'settings-garbage-field-390x844.png'), fullPage: true });

    await form.getByLabel(/Call ladder/).fill('0.5, 0.8, 0.9, 1');
    await form.getByLabel('API key (read-only)').fill(TRADING_CREDENTIALS.binance.apiKey);
    await form.getByLabel('API secret').fill(TRADING_CREDENTIALS.binance.secret);
    await form.getByRole('button', { name: 'Save account' }).click();
    await expect.poll(() => page.getByTestId('account-refusal').textContent()).toMatch(/^This Binance key can withdraw funds \(enableWithdrawals\)/);

    await form.getByLabel('API key (read-only)').fill(DEMO_CREDENTIALS.binance.apiKey);
    await form.getByLabel('API secret').fill(DEMO_CREDENTIALS.binance.secret);
    await form.getByRole('button', { name: 'Save account' }).click();
    await expect.poll(() => page.getByTestId('settings-notice').textContent()).toBe('Main saved. Binance accepted the key, and it is read-only.');
    expect(await page.getByTestId('accounts').textContent()).toContain('Main');
    // The secret is in the vault, encrypted: not in the settings record, not in any store as text.
    const stored = await page.evaluate(async () => {
      const req = indexedDB.open('screens-settings');
      const db = await new Promise<IDBDatabase>((ok) => (req.onsuccess = () => ok(req.result)));
      const all = async (store: string): Promise<unknown[]> => {
        const r = db.transaction(store).objectStore(store).getAll();
        return new Promise((ok) => (r.onsuccess = () => ok(r.result as unknown[])));
      };
      return { settings: JSON.stringify(await all('settings')), secrets: (await all('secrets')).length };
    });
    expect(stored.settings).toContain('binance:main');
    expect(stored.settings).not.toContain(DEMO_CREDENTIALS.binance.secret);
    expect(stored.secrets).toBe(2);

    // A manual account: the calc parser's refusal beside the position's field.
    await form.getByLabel('typed by hand (what-if)').check();
    await form.getByLabel('Name').fill('Plan');
    await form.getByLabel('Wallet balance (USDT)').fill('5000');
    await form.getByLabel('Symbol').fill('BTCUSDT');
    await form.getByLabel('Quantity (base units)').fill('-0.5');
    await form.getByLabel('Entry price').fill('97000');
    await form.getByLabel('Mark price').fill('95000');
    await form.getByRole('button', { name: 'Save account' }).click();
    await expect.poll(() => page.getByTestId('error-positions[0].qty').textContent()).toBe('expected a size >= 0, got -0.5');
    expect(await noHorizontalScroll(page)).toBe(true);
    await page.screenshot({ path: join(artifactDir('pwa'), 'settings-manual-390x844.png'), fullPage: true });
    await form.getByLabel('Quantity (base units)').fill('0.5');
    await form.getByRole('button', { name: 'Save account' }).click();
    await expect.poll(() => page.getByTestId('settings-notice').textContent()).toBe('Plan saved. Saved as a plan: positions typed by hand.');
    await context.close();

    const desktop = await screenPage(1280, 800, 'dark');
    expect(await desktop.page.evaluate((origin) => sentryScreens.mountSettings(origin), sim.url)).toBeNull();
    await expect.poll(() => desktop.page.getByTestId('settings-screen').count()).toBe(1);
    await desktop.page.screenshot({ path: join(artifactDir('pwa'), 'settings-1280x800-dark.png'), fullPage: true });
    await desktop.context.close();
  });
});

describe('Replay screen', () => {
  const crash = JSON.parse(readFileSync(join(root, 'examples/replay-crash.json'), 'utf8')) as { account: Record<string, unknown> };
  const csv = readFileSync(join(root, 'examples/replay-crash.csv'), 'utf8');

  it.each([
    ['phone', 390, 844],
    ['desktop', 1280, 800],
  ] as const)('lists the alerts the crash CSV (pasted on the phone, uploaded on the desktop) would have fired, with lead times (%s)', async (name, width, height) => {
    const { page, context } = await screenPage(width, height);
    expect(await page.evaluate((account) => sentryScreens.mountReplay([{ id: 'binance:demo', label: 'Binance demo (crash)', document: account }]), crash.account)).toBeNull();
    await page.getByLabel('Paste the CSV or choose a file').fill('time,symbol,price\n1760130000000,BTCUSDT,97000\n1760130005000,BTCUSDT,-5\n');
    await page.getByRole('button', { name: 'Replay' }).click();
    await expect.poll(() => page.getByTestId('error-csv').textContent()).toBe('line 3, column 3 (price): expected a price > 0, got -5');

    // The phone pastes it; the desktop uploads the file (pasting 60 KB through CDP takes 16-35 s here,
    // more than playwright's default 30 s action timeout on a loaded machine).
    if (name === 'phone') await page.getByLabel('Paste the CSV or choose a file').fill(csv, { timeout: 150_000 });
    else await page.getByLabel('CSV file').setInputFiles({ name: 'replay-crash.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await expect.poll(() => page.getByLabel('Paste the CSV or choose a file').inputValue().then((v) => v.length)).toBe(csv.length);
    await page.getByRole('button', { name: 'Replay' }).click();
    await expect.poll(() => page.getByTestId('alerts-fired').locator('li').count(), { timeout: 20_000 }).toBeGreaterThan(3);
    const items = await page.getByTestId('alerts-fired').locator('li').allTextContents();
    expect(items.some((t) => t.includes('Margin call') && /before liquidation/.test(t))).toBe(true);
    expect(await page.getByTestId('replay-chart').locator('canvas').count()).toBeGreaterThan(0);
    expect(items.join('\n')).not.toMatch(/NaN|Infinity|undefined/);
    expect(await page.getByTestId('replay-result').textContent()).toContain('Liquidation at 2025-10-10');
    expect(await noHorizontalScroll(page)).toBe(true);
    await page.screenshot({ path: join(artifactDir('pwa'), `replay-crash-${width}x${height}.png`), fullPage: true });
    await context.close();
  }, 240_000);
});

describe('Position forecast', () => {
  // The widest cells the formatters write, at every horizon, with the longest tier names, six-digit prices
  // and the longest median: the live e2e only gets what its market happens to give (a CI run's did overflow).
  const cells = (p: number, sd: number): ForecastRow['cells'] => DEFAULT_HORIZONS_SEC.map(() => ({ odds: fmtProbability(p), sigma: fmtSigma(sd) }));
  const rows: ForecastRow[] = [
    { tier: 'Watch', price: '102,345.6', cells: [], median: fmtDuration(0), whole: 'reached' },
    { tier: 'Margin call', price: '101,234.5', cells: cells(0.99999, 12.34), median: 'beyond the model', whole: null },
    { tier: 'Critical', price: '100,123.4', cells: cells(0.0000123, 19.87), median: fmtDuration(86_400 * 30), whole: null },
    { tier: 'Liquidation', price: '99,012.3', cells: [], median: 'never', whole: 'out of reach' },
  ];

  it.each([
    ['phone', 390, 844],
    ['desktop', 1280, 800],
  ] as const)('fits its card with the widest figures, every horizon visible without scrolling sideways (%s)', async (_name, width, height) => {
    const { page, context } = await screenPage(width, height);
    expect(await page.evaluate(([h, f]) => sentryScreens.mountForecast(h, f), [[...DEFAULT_HORIZONS_SEC], rows] as const)).toBeNull();
    const wrap = page.getByRole('region', { name: 'Forecast by horizon' });
    await wrap.waitFor();
    expect(await wrap.evaluate((el) => el.scrollWidth - el.clientWidth), 'forecast wider than its card').toBeLessThanOrEqual(0);
    // The columns are of equal width (a fixed layout): a figure must not spill over into its neighbour either.
    const spills = await wrap.locator('th, td').evaluateAll((cells) => cells.filter((c) => c.scrollWidth > c.clientWidth).map((c) => c.textContent));
    expect(spills, 'cells whose text is wider than the cell').toEqual([]);
    expect(await page.getByRole('columnheader').allTextContents()).toEqual(DEFAULT_HORIZONS_SEC.map(fmtDuration));
    // Each tier heads its own group: its name, price and median, or 'reached' / 'out of reach' once.
    const groups = await page.locator('.forecast tbody').evaluateAll((bodies) => bodies.map((b) => [b.querySelector('th')?.textContent ?? '', b.querySelectorAll('td').length]));
    expect(groups).toEqual([
      ['Watch 102,345.6 · reached', 0],
      ['Margin call 101,234.5 · median beyond the model', 4],
      ['Critical 100,123.4 · median 30.0 d', 4],
      ['Liquidation 99,012.3 · out of reach', 0],
    ]);
    expect(await page.locator('.forecast').textContent()).toContain('> 99.9\u00a0%');
    expect(await noHorizontalScroll(page)).toBe(true);
    await page.screenshot({ path: join(artifactDir('pwa'), `forecast-widest-${width}x${height}.png`), fullPage: true });
    await context.close();
  });
});
