import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../tools/simulator/start-simulator.ts';
import { launchChromium } from '../../tools/test-support/browser.ts';
import { serveStatic, type StaticServer } from '../../tools/test-support/static-server.ts';
import { axeViolations } from './axe-check.ts';

/**
 * axe-core injected into every screen of the built PWA (demo mode on the simulator, an alert raised so
 * the Alerts screen has rows), at 390 px and on a desktop, in light and dark: no serious or critical
 * violation (WCAG 2.x A/AA rules and axe's best practices, contrast included).
 */
let sim: RunningSimulator;
let server: StaticServer;
let browser: Browser;
let drive: ReturnType<typeof setInterval> | undefined;
let step = 5_000;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, scenario: 'crash', seed: 1, manualClock: true });
  server = await serveStatic(inject('pwaDist'));
  browser = await launchChromium();
  drive = setInterval(() => (step > 0 ? sim.advance(step) : sim.tick()), 100);
});
afterAll(async () => {
  clearInterval(drive);
  await browser?.close();
  await server?.close();
  await sim?.close();
});

const SCREENS: ReadonlyArray<{ name: string; open: (page: Page) => Promise<void> }> = [
  { name: 'Overview', open: async (page) => void (await page.goto(`${server.origin}/#/`), await page.getByTestId('position-card').first().waitFor()) },
  {
    name: 'Position',
    open: async (page) => {
      await page.goto(`${server.origin}/#/`);
      await page.getByTestId('position-card').first().locator('a.position-name').click();
      await page.getByTestId('chart').locator('canvas').first().waitFor();
    },
  },
  { name: 'Alerts', open: async (page) => void (await page.goto(`${server.origin}/#/alerts`), await page.getByTestId('alert-row').first().waitFor()) },
  { name: 'Settings', open: async (page) => void (await page.goto(`${server.origin}/#/settings`), await page.getByTestId('account-form').waitFor()) },
  { name: 'Replay', open: async (page) => void (await page.goto(`${server.origin}/#/replay`), await page.getByRole('heading', { name: 'Replay' }).waitFor()) },
];

describe('accessibility (axe-core)', () => {
  it('finds no serious or critical violation on any screen, phone and desktop, light and dark', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${server.origin}/?sim=${encodeURIComponent(sim.url)}#/alerts`);
    await page.getByTestId('alert-row').first().waitFor({ timeout: 60_000 });
    step = 0; // hold the market: the screens keep what they show while axe reads them

    const found: string[] = [];
    let checked = 0;
    for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 800 }]) {
      await page.setViewportSize(viewport);
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        for (const screen of SCREENS) {
          await screen.open(page);
          await page.waitForTimeout(200);
          found.push(...(await axeViolations(page)).map((v) => `${screen.name} ${viewport.width}px ${colorScheme}: ${v}`));
          checked += 1;
        }
      }
    }
    expect(checked).toBe(20);
    expect(found).toEqual([]);
    await context.close();
  }, 180_000);
});
