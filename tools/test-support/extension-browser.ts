import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { inject } from 'vitest';
import './browser-provided.ts';
import { CHROMIUM_ARGS } from './chromium-path.ts';

/**
 * The browser project's Chromium (browser-setup.ts found it and built the extension) with the unpacked
 * extension from dist/extension/ (toolchain.md §4: new headless, --disable-extensions-except plus
 * --load-extension). Only in *.browser.test.ts files.
 */

export interface ExtensionBrowser {
  readonly context: BrowserContext;
  readonly extensionId: string;
  /** The current service worker (a new handle after a restart). */
  worker(): Promise<Worker>;
  /** Evaluates in the worker, time-boxed: a stopped worker's old handle never answers (toolchain.md §4). */
  inWorker<T>(fn: () => Promise<T> | T, timeoutMs?: number): Promise<T>;
  /** CDP ServiceWorker.stopAllWorkers: the worker dies as Chrome would kill it. */
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

const timeBox = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms))]);

export async function launchWithExtension(): Promise<ExtensionBrowser> {
  const extensionDir = inject('extensionDist');
  const profile = mkdtempSync(join(tmpdir(), 'ms-ext-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: inject('chromiumPath'),
    headless: true,
    args: [...CHROMIUM_ARGS, `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`],
  });
  const first = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
  const extensionId = new URL(first.url()).host;
  let current: Worker = first;
  context.on('serviceworker', (w) => {
    if (w.url().startsWith(`chrome-extension://${extensionId}/`)) current = w;
  });
  let cdpPage: Page | null = null;
  const browser: ExtensionBrowser = {
    context,
    extensionId,
    async worker() {
      const live = context.serviceWorkers().filter((w) => w.url().startsWith(`chrome-extension://${extensionId}/`));
      return live.at(-1) ?? current;
    },
    async inWorker(fn, timeoutMs = 5_000) {
      const w = await browser.worker();
      return timeBox(w.evaluate(fn), timeoutMs, 'worker evaluate');
    },
    async stopWorker() {
      cdpPage ??= await context.newPage();
      const session = await context.newCDPSession(cdpPage);
      await session.send('ServiceWorker.enable');
      await session.send('ServiceWorker.stopAllWorkers');
      await session.detach();
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
  return browser;
}
