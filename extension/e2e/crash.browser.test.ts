import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountReport } from '../../shared/protocol/account-report.ts';
import { priceText, rhoText } from '../../shared/ui/figures.ts';
import { launchWithExtension, type ExtensionBrowser } from '../../tools/test-support/extension-browser.ts';
import { startSimulator, type RunningSimulator } from '../../tools/simulator/start-simulator.ts';
import { usdtText } from '../background/alert-notification.ts';
import type { NotificationLogEntry } from '../messages.ts';
import { DEFAULT_SETTINGS } from '../settings.ts';
import { referenceEngine, type ReferenceEngine } from '../../tools/test-support/reference-engine.ts';
import { waitUntil } from '../../tools/test-support/wait-for.ts';

/**
 * The unpacked extension in Debian's Chromium against the simulator's crash, on a manual sim clock the
 * test moves 30 s at a time: the badge climbs the tiers, notifications carry the engine's top-up, the
 * popup shows the engine's figures, and a worker stopped mid-episode (a stale episode open too) carries
 * on from its snapshot: the same alerts, the same volatility, the stale alert resolved under its id.
 */
const ARTIFACTS = 'test-artifacts/extension';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let sim: RunningSimulator;
let browser: ExtensionBrowser;
let reference: ReferenceEngine;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Sim time runs ahead of the wall clock, so the REST snapshots' receive times (wall) never sit between two
  // marks: both engines then judge the same marks at the same times and agree to the cent.
  sim = await startSimulator({ port: 0, scenario: 'crash', seed: 1, manualClock: true, startMs: Math.floor(Date.now() / 1000) * 1000 + 3_600_000 });
  browser = await launchWithExtension();
}, 90_000);

afterAll(async () => {
  reference?.stop();
  await browser?.close();
  await sim?.close();
});

const ask = async <T>(page: import('playwright-core').Page, message: unknown): Promise<T> => (await page.evaluate((m) => chrome.runtime.sendMessage(m), message)) as T;

describe('the extension through the crash scenario', () => {
  it('badge through the tiers, notification with the engine top-up, popup figures, a worker stopped mid-episode resumes its alerts, its volatility and its stale episode', async () => {
    const popup = await browser.context.newPage();
    await popup.setViewportSize({ width: 380, height: 600 });
    await popup.goto(`chrome-extension://${browser.extensionId}/popup/popup.html`);
    const saved = await ask<{ kind: string }>(popup, { kind: 'save-settings', settings: { ...DEFAULT_SETTINGS, demo: { enabled: true, simulatorUrl: sim.url } } });
    expect(saved.kind).toBe('saved');
    reference = referenceEngine(sim, 'binance');
    const reports = () => ask<{ kind: 'reports'; reports: AccountReport[] }>(popup, { kind: 'get-reports' }).then((r) => r.reports);
    await waitUntil('four demo accounts in the worker', async () => (await reports()).length === 4 && reference.report(Date.now()) !== null);

    const badges: string[] = [];
    const notifications = () => ask<{ entries: NotificationLogEntry[] }>(popup, { kind: 'get-notification-log' }).then((r) => r.entries);
    let killedAt: { openIds: string[]; staleId: string; sigma: Map<string, number>; notifiedBefore: NotificationLogEntry[]; connections: number } | null = null;
    const binanceReport = async () => (await reports()).find((r) => r.account.accountId === 'binance:demo');
    let popupChecked = false;

    // 55 minutes of the crash: 30 s steps while calm, 15 s once a tier is near (Margin call can last a
    // minute of sim time), 60 s once Critical was seen, for the resolves at the end.
    for (let simMs = 0; simMs < 55 * 60_000; ) {
      const last = badges.at(-1)?.replace('?', '') ?? '';
      const stepMs = badges.some((b) => b.startsWith('CR')) ? 60_000 : last === '' ? 30_000 : 15_000;
      sim.advance(stepMs);
      simMs += stepMs;
      await sleep(120);
      const badge = await browser.inWorker(() => chrome.action.getBadgeText({}), 2_000).catch(() => null);
      if (badge !== null && badges.at(-1) !== badge) badges.push(badge);
      if (killedAt !== null) continue;
      const shown = await notifications().catch(() => [] as NotificationLogEntry[]);
      const binanceTopUp = shown.find((n) => n.id.startsWith('binance:demo:') && /Add [\d,.]+ USDT/.test(n.message));
      if (binanceTopUp === undefined) continue;

      // Mid-episode: hold the market, let the figures settle, check the popup, then stop the worker.
      await sleep(1_200);
      // A real Chrome notification under the alert's id, not only our log of it.
      const shownNow = await browser.inWorker(() => chrome.notifications.getAll());
      expect(Object.keys(shownNow)).toContain(binanceTopUp.id);
      if (!popupChecked) {
        const current = await reports();
        const engine = reference.report(Date.now());
        expect(engine).not.toBeNull();
        const ours = current.find((r) => r.account.accountId === 'binance:demo');
        expect(ours).toBeDefined();
        // The worker's figures equal the engine's run beside it (same marks, same account).
        for (const p of engine!.positions) {
          const q = ours!.positions.find((x) => x.key === p.key)!;
          expect(q.liquidationPrice).toBeCloseTo(p.liquidationPrice ?? NaN, 6);
          expect(q.riskRatio).toBeCloseTo(p.riskRatio ?? NaN, 9);
        }
        // And the popup shows exactly those.
        await popup.waitForTimeout(400);
        const section = popup.locator('[data-account="binance:demo"]');
        for (const p of engine!.positions) {
          const card = section.locator(`[data-key="${p.key}"]`);
          await expect.poll(() => card.locator('[data-testid="liquidation"]').textContent()).toBe(priceText(p.liquidationPrice, 'none'));
          await expect.poll(() => card.locator('[data-testid="rho"]').textContent()).toBe(`ρ ${rhoText(p.riskRatio)}`);
        }
        // What a user sees (Chrome caps a popup at 600 px and scrolls), and the whole overview.
        await popup.screenshot({ path: `${ARTIFACTS}/popup.png` });
        await popup.screenshot({ path: `${ARTIFACTS}/popup-full.png`, fullPage: true });
        popupChecked = true;
      }
      // Hold the market past Binance's 10 s mark staleness: a stale episode is open at the kill too.
      const staleId = await waitUntil('a stale alert open on binance:demo', async () => (await binanceReport())?.alerts.find((a) => a.kind === 'stale' && a.resolved === null)?.id, 40_000);
      // The volatility the worker learnt from the crash so far (a fresh monitor would start from its prior).
      const sigma = new Map((await binanceReport())!.positions.map((p) => [p.key, p.sigmaPerSqrtSec]));
      expect([...sigma.values()].every((v) => v > 0)).toBe(true);
      const open = (await reports()).flatMap((r) => r.alerts.filter((a) => a.resolved === null && a.channel === 'push').map((a) => a.id));
      killedAt = { openIds: open, staleId, sigma, notifiedBefore: await notifications(), connections: sim.stats().connections };
      await browser.stopWorker();
      // The market holds while Chrome brings the worker back (the popup's port reconnects, which wakes it):
      // a kill costs seconds, not the rest of the crash.
      await sleep(300);
      await waitUntil('the worker back with four accounts judged', async () => (await reports()).length === 4, 30_000);
      // Same marks, same volatility: the snapshot carried it over the kill.
      const back = (await binanceReport())!;
      for (const [key, v] of sigma) expect(back.positions.find((p) => p.key === key)?.sigmaPerSqrtSec, key).toBeCloseTo(v, 12);
    }

    expect(killedAt).not.toBeNull();
    expect(killedAt!.openIds).toContain(killedAt!.staleId);
    // The popup's port dropped with the worker; its reconnect woke the worker, which restored its alerts.
    // The worker came back: its feeds opened new sockets (public and private, four venues) and kept notifying.
    expect(sim.stats().connections).toBeGreaterThanOrEqual(killedAt!.connections + 8);
    // The badge climbed the ladder in order (a stale "?" may ride along while a socket reconnects).
    const tiers = badges.map((b) => b.replace('?', ''));
    expect(tiers.indexOf('W'), badges.join(' > ')).toBeGreaterThanOrEqual(0);
    expect(tiers.indexOf('CR'), badges.join(' > ')).toBeGreaterThan(tiers.indexOf('W'));
    const all = await waitUntil('the notification log after the restart', () => notifications());
    // Margin call can come and go between two reads of the badge (15 s of sim time, the batches now handed on
    // at once when a tier is crossed): where the badge showed it, it is between; it was announced either way.
    if (tiers.includes('MC')) {
      expect(tiers.indexOf('MC'), badges.join(' > ')).toBeGreaterThan(tiers.indexOf('W'));
      expect(tiers.indexOf('CR'), badges.join(' > ')).toBeGreaterThan(tiers.indexOf('MC'));
    } else {
      expect(all.some((n) => /^Margin call/.test(n.title)), all.map((n) => n.title).join(' | ')).toBe(true);
    }
    expect(all.length).toBeGreaterThan(killedAt!.notifiedBefore.length);
    const firstNotices = all.filter((n) => n.reminder === 0).map((n) => n.id);
    expect(new Set(firstNotices).size).toBe(firstNotices.length);
    // Every alert open at the kill kept its id: no second first notice, and it is in the log once.
    const after = await reports();
    for (const id of killedAt!.openIds) {
      expect(firstNotices.filter((n) => n === id).length).toBeLessThanOrEqual(1);
      const entries = after.flatMap((r) => r.alerts).filter((a) => a.id === id);
      expect(entries).toHaveLength(1);
      // ...and its resolve arrived under that id (the crash goes on to liquidate the position).
      expect(entries[0]!.resolved, `resolve of ${id}`).not.toBeNull();
    }
    // The notification's top-up is the engine's. To the cent: the worker's own alert (its alert log, same id
    // and notice). Beside the browser, the engine on its own feed raised the same alert id at the same rho
    // (rho depends only on the account and the marks); its top-up agrees within 3 %: the 24 h liquidation-odds
    // part of a top-up rests on the volatility each engine estimated from the marks it received, and the two
    // feeds do not receive exactly the same ones (start and REST timings differ, more so under load: 2.007 % once
    // in a whole `npm test` on two busy cores).
    const binanceBefore = killedAt!.notifiedBefore.filter((n) => n.id.startsWith('binance:demo:'));
    expect(binanceBefore.length).toBeGreaterThan(0);
    const logged = after.flatMap((r) => r.alerts);
    let compared = 0;
    for (const n of binanceBefore) {
      const entry = logged.find((a) => a.id === n.id);
      expect(entry, `the worker logged ${n.id}`).toBeDefined();
      const decision = reference.decisions.find((d) => d.kind === 'notify' && d.alert.id === n.id && d.alert.reminder === n.reminder);
      if (decision === undefined && n.id.includes('|predict|')) {
        // A forecast's id carries the tick at which P(within 4 h) first crossed its threshold, and that
        // rests on each engine's volatility from the marks its own feed received: the engine beside the
        // browser must have raised the same forecast (subject, level), possibly a few ticks apart.
        const prefix = n.id.slice(0, n.id.lastIndexOf('|') + 1);
        expect(reference.decisions.some((d) => d.kind === 'notify' && d.alert.id.startsWith(prefix)), `the engine beside the browser raised ${prefix}*`).toBe(true);
        continue;
      }
      expect(decision, `the engine beside the browser raised ${n.id}`).toBeDefined();
      if (decision?.kind !== 'notify' || entry === undefined || entry.kind === 'stale' || n.reminder !== entry.reminders) continue;
      // The smallest top-up back to the target; a forecast below the target carries only the odds one.
      const small = entry.figures.topUpUsdt > 0;
      const ours = small ? entry.figures.topUpUsdt : entry.figures.oddsTopUpUsdt;
      expect(ours).toBeGreaterThan(0);
      expect(n.message).toContain(small ? `Add ${usdtText(ours)}` : `add ${usdtText(ours)}`);
      expect(entry.figures.riskRatio).toBeCloseTo(decision.alert.riskRatio ?? NaN, 9);
      expect(Math.abs(ours - ((small ? decision.alert.topUpUsdt : decision.alert.oddsTopUpUsdt) ?? 0)) / ours).toBeLessThan(0.03);
      compared += 1;
    }
    expect(compared).toBeGreaterThan(0);
    console.log(`badges ${badges.join(' > ')}; ${all.length} notifications; open at kill: ${killedAt!.openIds.join(', ')}`);
  }, 180_000);
});
