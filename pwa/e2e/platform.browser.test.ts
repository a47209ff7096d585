import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build, type Rolldown } from 'vite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../../tools/test-support/browser.ts';
import { serveStatic, type StaticServer } from '../../tools/test-support/static-server.ts';
import type { harness } from './platform-harness.ts';

/** pwa/platform against Chromium's real IndexedDB and WebCrypto (fake-indexeddb covers the rest in Node). */
type Harness = typeof harness;
declare const sentryPlatform: Harness;

let browser: Browser;
let context: BrowserContext;
let server: StaticServer;
let script: string;

beforeAll(async () => {
  const out = (await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      lib: { entry: join(import.meta.dirname, 'platform-harness.ts'), formats: ['iife'], name: 'sentryPlatformBundle', fileName: 'harness' },
    },
  })) as Rolldown.RolldownOutput[];
  script = out[0]!.output[0].code;
  server = await serveStatic(inject('pwaDist'));
  server.override('/harness.html', '<!doctype html><meta charset="utf-8"><title>platform harness</title>');
  browser = await launchChromium();
  context = await browser.newContext();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

async function harnessPage(page?: Page): Promise<Page> {
  const p = page ?? (await context.newPage());
  await p.goto(`${server.origin}/harness.html`);
  await p.addScriptTag({ content: script });
  return p;
}

describe('pwa/platform in Chromium', () => {
  it('keeps snapshots, a bounded alert history and bounded marks across a reload', async () => {
    const page = await harnessPage();
    const first = await page.evaluate(async () => {
      const { db, report } = await sentryPlatform.openStore({ name: 'records' });
      if (db === null) return report.problems;
      await sentryPlatform.saveSnapshot(db, { accountId: 'okx-1', savedAt: 1_764_000_000_000, snapshot: { rho: 0.61, positions: [{ symbol: 'ETH-USDT-SWAP' }] } });
      for (let i = 0; i < 6; i++) await sentryPlatform.addAlert(db, { id: `a${i}`, accountId: 'okx-1', at: 1000 + i, alert: { level: i } }, 4);
      const marks = sentryPlatform.idbMarkHistory(db, 3);
      for (const t of [1, 2, 3, 4, 5]) await marks.append('okx:ETH-USDT-SWAP', { t, price: 3000 + t });
      db.close();
      return report;
    });
    expect(first).toEqual({ rebuilt: false, problems: [], dropped: {} });

    await harnessPage(page);
    const after = await page.evaluate(async () => {
      const { db } = await sentryPlatform.openStore({ name: 'records' });
      if (db === null) return null;
      return {
        snapshots: await sentryPlatform.loadSnapshots(db),
        alerts: (await sentryPlatform.recentAlerts(db, 10)).map((a) => a.id),
        marks: await sentryPlatform.idbMarkHistory(db, 3).read('okx:ETH-USDT-SWAP'),
      };
    });
    expect(after).toEqual({
      snapshots: [{ accountId: 'okx-1', savedAt: 1_764_000_000_000, snapshot: { rho: 0.61, positions: [{ symbol: 'ETH-USDT-SWAP' }] } }],
      alerts: ['a5', 'a4', 'a3', 'a2'],
      marks: [
        { t: 3, price: 3003 },
        { t: 4, price: 3004 },
        { t: 5, price: 3005 },
      ],
    });
  });

  it('drops garbage records written behind its back and keeps the rest', async () => {
    const page = await harnessPage();
    const report = await page.evaluate(async () => {
      const { db } = await sentryPlatform.openStore({ name: 'garbage' });
      if (db === null) throw new Error('no db');
      await sentryPlatform.saveSnapshot(db, { accountId: 'good', savedAt: 5, snapshot: { rho: 0.2 } });
      await db.put('snapshots', { accountId: 'nan', savedAt: 5, snapshot: { rho: Number.NaN } });
      await db.put('marks', { symbol: 'x', t: 1, price: -3 });
      await db.put('settings', { name: 'ladder', value: { at: new Date(0) } as never });
      db.close();
      const again = await sentryPlatform.openStore({ name: 'garbage' });
      const left = again.db === null ? [] : (await sentryPlatform.loadSnapshots(again.db)).map((s) => s.accountId);
      return { ...again.report, left };
    });
    expect(report).toEqual({
      rebuilt: false,
      problems: ['Dropped damaged data: 1 snapshot record, 1 setting record, 1 price point record'],
      dropped: { snapshots: 1, settings: 1, marks: 1 },
      left: ['good'],
    });
  });

  it('encrypts under a 600,000-round PBKDF2 passphrase and says plainly when it is wrong', async () => {
    const page = await harnessPage();
    const result = await page.evaluate(async () => {
      const { db } = await sentryPlatform.openStore({ name: 'vault-pass' });
      if (db === null) throw new Error('no db');
      const created = await sentryPlatform.createPassphraseVault(db, 'correct horse battery');
      if (sentryPlatform.isVaultError(created)) return created.message;
      await created.put('bybit.secret', 'bybit-secret-value');
      const raw = await db.get('secrets', 'bybit.secret');
      const wrong = await sentryPlatform.unlockVault(db, 'Correct horse battery');
      const right = await sentryPlatform.unlockVault(db, 'correct horse battery');
      return {
        atRest: new TextDecoder().decode(raw?.ciphertext).includes('bybit-secret-value'),
        wrong: sentryPlatform.isVaultError(wrong) ? wrong.reason : 'unlocked',
        value: sentryPlatform.isVaultError(right) ? right.message : await right.get('bybit.secret'),
      };
    });
    expect(result).toEqual({ atRest: false, wrong: 'wrong-passphrase', value: 'bybit-secret-value' });
  });

  it('keeps a non-extractable device key in IndexedDB that still opens the vault after a reload', async () => {
    const page = await harnessPage();
    await page.evaluate(async () => {
      const { db } = await sentryPlatform.openStore({ name: 'vault-device' });
      if (db === null) throw new Error('no db');
      const created = await sentryPlatform.createDeviceVault(db);
      if (sentryPlatform.isVaultError(created)) throw new Error(created.message);
      await created.put('binance.secret', 'binance-secret-value');
      db.close();
    });
    await harnessPage(page);
    const result = await page.evaluate(async () => {
      const { db } = await sentryPlatform.openStore({ name: 'vault-device' });
      if (db === null) throw new Error('no db');
      const vault = await db.get('vault', 'vault');
      const key = vault?.kind === 'device' ? vault.key : null;
      const exported = key === null ? 'no key' : await crypto.subtle.exportKey('raw', key).then(() => 'exported', (e: unknown) => (e as Error).name);
      const store = await sentryPlatform.unlockVault(db);
      return {
        extractable: key?.extractable,
        exported,
        value: sentryPlatform.isVaultError(store) ? store.message : await store.get('binance.secret'),
      };
    });
    expect(result).toEqual({ extractable: false, exported: 'InvalidAccessError', value: 'binance-secret-value' });
  });
});
