import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountReport } from '../../shared/protocol/account-report.ts';
import { crashRun } from '../test-support/crash-reports.ts';
import { waitFor } from '../test-support/wait-for.ts';
import type { DemoSnapshot } from './start-demo.ts';
import { startDemo } from './start-demo.ts';
import type { VenueView } from './view-model.ts';
import { startViewer } from './viewer-server.ts';

/**
 * The demo page in a real Chromium: it shows the report's numbers (the same liquidation price and
 * top-up), says "past liquidation" where rho is null, and never prints NaN, Infinity, undefined or null.
 * Screenshots go to test-artifacts/demo/ (look at them).
 */
const artifacts = join(dirname(fileURLToPath(import.meta.url)), '../../test-artifacts/demo');
let browser: Browser;
beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
});

const counters = { framesIn: 10, framesOut: 2, malformed: 0, dropped: 0, venueErrors: 0, reconnects: 0, snapshots: 1, restFailures: 0 };
const venue = (report: AccountReport | null, v: VenueView['venue']): VenueView => ({
  venue: v,
  connections: { public: 'ready', private: 'ready' },
  counters,
  missing: report === null ? ['balance', 'positions'] : [],
  report,
  lastMarginCall: null,
});

/** What the page prints for a price (the page's own rule: 1 decimal from 1,000 up). */
const px = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: n >= 1000 ? 1 : n >= 10 ? 2 : 4, maximumFractionDigits: n >= 1000 ? 1 : n >= 10 ? 2 : 4 });
const usd = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

async function bodyText(page: Page): Promise<string> {
  return page.innerText('body');
}

describe('the demo page shows the protocol data', () => {
  it('the report’s liquidation prices and top-ups, "past liquidation" for a null rho, no NaN/Infinity/undefined/null', async () => {
    const { reports } = crashRun(6);
    const calling = reports.find((r) => r.badge.severity === 'margin-call')!;
    const past = reports[reports.length - 1]!;
    const snapshot: DemoSnapshot = {
      scenario: 'crash',
      speed: 1,
      simTime: past.builtAt,
      simulatorUrl: 'http://127.0.0.1:0',
      venues: [venue(calling, 'binance'), venue(past, 'bybit'), venue(null, 'okx')],
      journal: [{ simTime: past.builtAt, venue: 'binance', text: 'safe → watch (worst ρ 0.512)', severity: 'warn' }],
    };
    const viewer = await startViewer({ port: 0 });
    try {
      viewer.publish(snapshot);
      const page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
      await page.goto(viewer.url);
      await page.waitForSelector('section.card table');
      const text = await bodyText(page);
      await page.screenshot({ path: join(artifacts, 'fixed-reports.png'), fullPage: true });
      expect(text).not.toMatch(/NaN|Infinity|undefined|null|\[object/);
      for (const p of calling.positions) expect(text).toContain(px(p.liquidationPrice!));
      const pool = calling.subjects.find((s) => s.kind === 'cross-pool')!;
      if (pool.topUp.kind !== 'top-up') throw new Error('expected a top-up in Margin call');
      expect(text).toContain(`add ${usd(pool.topUp.amountUsdt)} USDT to the wallet`);
      expect(past.positions.every((p) => p.riskRatio === null)).toBe(true);
      expect(text).toContain('past liquidation');
      expect(text).toContain('waiting for balance, positions');
      await page.close();
    } finally {
      await viewer.close();
    }
  }, 60_000);

  it('live: the crash through the simulator, page screenshots along the way, never NaN or Infinity', async () => {
    const demo = await startDemo({ port: 0, simPort: 0, scenario: 'crash', speed: 120, refreshMs: 100 });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 2400 } });
      await page.goto(demo.url);
      await waitFor('four reports', () => demo.snapshot().venues.every((v) => v.report !== null), 20_000);
      const shots: Array<[string, (s: DemoSnapshot) => boolean]> = [
        ['live-start.png', () => true],
        ['live-margin-call.png', (s) => s.venues.some((v) => v.report?.badge.severity === 'margin-call' || v.report?.badge.severity === 'critical')],
        ['live-liquidated.png', (s) => s.journal.some((e) => e.text.includes('closed by the venue'))],
      ];
      for (const [name, ready] of shots) {
        await waitFor(name, () => ready(demo.snapshot()), 40_000);
        await page.waitForTimeout(300);
        const text = await bodyText(page);
        await page.screenshot({ path: join(artifacts, name), fullPage: true });
        expect(text).not.toMatch(/NaN|Infinity|undefined|null|\[object/);
        expect(text).toContain('Binance USDS-M futures');
      }
      await page.close();
    } finally {
      await demo.stop();
    }
  }, 90_000);
});
