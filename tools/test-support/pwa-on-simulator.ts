import type { BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { DEMO_CREDENTIALS } from '../simulator/accounts/demo-credentials.ts';
import { startSimulator, type RunningSimulator } from '../simulator/start-simulator.ts';
import { launchPersistentChromium } from './browser.ts';
import { serveStatic, type StaticServer } from './static-server.ts';

/** The built PWA served on loopback beside the simulator's crash on a manual clock, in a persistent Chromium at 390 px. */
export interface PwaOnSimulator {
  readonly sim: RunningSimulator;
  readonly server: StaticServer;
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts the three and moves the simulator's clock with `drive` every 100 ms of real time (the tests
 * choose how fast the market runs). Persistent, because service workers and notifications need it.
 */
export async function startPwaOnSimulator(pwaDist: string, seed: number, drive: (sim: RunningSimulator) => void): Promise<PwaOnSimulator> {
  const sim = await startSimulator({ port: 0, scenario: 'crash', seed, manualClock: true });
  const server = await serveStatic(pwaDist);
  const context = await launchPersistentChromium({ viewport: { width: 390, height: 844 } });
  const timer = setInterval(() => drive(sim), 100);
  return {
    sim,
    server,
    context,
    async close() {
      clearInterval(timer);
      await context.close();
      await server.close();
      await sim.close();
    },
  };
}

/** The accounts whose positions the Overview shows, sorted. */
export const accountsOnScreen = async (page: Page): Promise<string[]> =>
  [...new Set(await page.getByTestId('position-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-account') ?? '')))].sort();

/** Settings: demo mode off and saved, so the worker watches only the accounts Settings holds. */
export async function leaveDemoMode(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/#/settings`);
  const general = page.getByTestId('general-form');
  await general.getByLabel(/Demo mode/).uncheck();
  await general.getByRole('button', { name: 'Save alert settings' }).click();
  await expect.poll(() => page.getByTestId('settings-notice').textContent()).toBe('Alert settings saved.');
}

/** Fills Settings' account form with the simulator's Binance read-only key under `name` (not saved yet). */
export async function fillBinanceKey(form: Locator, name: string): Promise<void> {
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Venue', { exact: true }).selectOption('binance');
  await form.getByLabel('API key (read-only)').fill(DEMO_CREDENTIALS.binance.apiKey);
  await form.getByLabel('API secret').fill(DEMO_CREDENTIALS.binance.secret);
}
