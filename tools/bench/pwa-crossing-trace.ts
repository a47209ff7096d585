import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { DEMO_CREDENTIALS } from '../simulator/accounts/demo-credentials.ts';
import { startSimulator } from '../simulator/start-simulator.ts';
import { CHROMIUM_ARGS, ensureChromium } from '../test-support/chromium-path.ts';
import { serveStatic } from '../test-support/static-server.ts';
import { pricesAtRho } from './crossing-prices.ts';
import { nowMs, sleep } from './instrumented-homes.ts';

/**
 * Where a PWA crossing's time goes, for reading, not for figures (notification-latency.ts measures):
 * `npx tsx tools/bench/pwa-crossing-trace.ts [dist] [crossings]` (VERBOSE=1 prints every message).
 * The bench's crossing (Binance's demo pool from rho 0.2 to 0.95), and per crossing, ms after the send:
 * when the monitor worker posted the Critical alert, when the page read it, called showNotification
 * and saw it shown, and what the worker posted before it. Wrappers installed from outside, as in
 * instrumented-homes.ts: `Worker` and `showNotification` in the page (an init script), the worker's
 * `postMessage` (CDP Runtime.evaluate in the worker).
 */
const PAGE_TRACE = `(() => {
  const log = []; globalThis.__trace = log;
  const stamp = () => performance.timeOrigin + performance.now();
  const W = globalThis.Worker;
  globalThis.Worker = class extends W { constructor(...a) { super(...a); this.addEventListener('message', (e) => { const m = e.data; log.push({ what: 'page read ' + m.kind, account: m.accountId ?? m.report?.account?.accountId ?? '', id: m.entry?.id ?? '', t: stamp() }); }); } };
  const show = ServiceWorkerRegistration.prototype.showNotification;
  ServiceWorkerRegistration.prototype.showNotification = function (title, o) {
    log.push({ what: 'page call', account: '', id: o.tag, t: stamp() });
    return show.call(this, title, o).then((r) => { log.push({ what: 'page shown', account: '', id: o.tag, t: stamp() }); return r; });
  };
})()`;
const WORKER_TRACE = `(() => {
  const log = []; globalThis.__trace = log;
  const post = self.postMessage.bind(self);
  self.postMessage = (m) => { log.push({ what: 'worker post ' + m.kind, account: m.accountId ?? m.report?.account?.accountId ?? '', id: m.entry?.id ?? '', t: performance.timeOrigin + performance.now() }); post(m); };
})()`;
const TAKE = 'globalThis.__trace.splice(0)';
const CRITICAL = 'binance:demo:cross|tier|0.9|';

interface Row {
  readonly what: string;
  readonly account: string;
  readonly id: string;
  readonly t: number;
}

const dist = process.argv[2] ?? 'dist';
const crossings = Number(process.argv[3] ?? 20);
const sim = await startSimulator({ port: 0, scenario: 'calm', seed: 1, manualClock: true, liquidations: false, startMs: Math.floor(Date.now() / 1000) * 1000 + 3_600_000 });
sim.pinMarks(pricesAtRho(sim, 0.2));
const feeding = setInterval(() => sim.advance(1_000), 250);
const server = await serveStatic(join(dist, 'pwa'));
const profile = mkdtempSync(join(tmpdir(), 'trace-pwa-'));
const context = await chromium.launchPersistentContext(profile, { executablePath: ensureChromium(), headless: true, args: [...CHROMIUM_ARGS] });
try {
  await context.grantPermissions(['notifications'], { origin: server.origin });
  await context.addInitScript(PAGE_TRACE);
  const page = await context.newPage();
  await page.goto(`${server.origin}/?sim=${encodeURIComponent(sim.url)}`);
  await page.waitForFunction('document.querySelectorAll(\'[data-testid="position-card"]\').length === 12', undefined, { timeout: 60_000 });
  const worker = page.workers()[0]!;
  await worker.evaluate(WORKER_TRACE);
  clearInterval(feeding);
  for (let i = 0; i < crossings; i += 1) {
    const down = pricesAtRho(sim, 0.2);
    sim.pinMarks(down);
    sim.advance(1_000);
    await sleep(300);
    sim.advance(16 * 60_000);
    await fetch(`${sim.url}/binance/fapi/v1/listenKey`, { method: 'PUT', headers: { 'X-MBX-APIKEY': DEMO_CREDENTIALS.binance.apiKey } }).catch(() => undefined);
    const up = pricesAtRho(sim, 0.95);
    sim.pinMarks(down);
    await sleep(300);
    await page.evaluate(TAKE);
    await worker.evaluate(TAKE);
    sim.pinMarks(up);
    const sent = nowMs();
    sim.advance(1_000);
    await sleep(700);
    const rows = [...((await page.evaluate(TAKE)) as Row[]), ...((await worker.evaluate(TAKE)) as Row[])].map((r) => ({ ...r, t: r.t - sent })).sort((a, b) => a.t - b.t);
    const at = (what: string): string => rows.find((r) => r.what === what && r.id.startsWith(CRITICAL))?.t.toFixed(1) ?? '-';
    const posted = rows.find((r) => r.what === 'worker post alert' && r.id.startsWith(CRITICAL))?.t ?? Number.POSITIVE_INFINITY;
    const before = rows.filter((r) => r.what.startsWith('worker') && r.t < posted).map((r) => `${r.what.slice(12)} ${r.account}`);
    console.log(`crossing ${i}: posted ${at('worker post alert')}, read ${at('page read alert')}, called ${at('page call')}, shown ${at('page shown')} ms; the worker posted before it: ${before.join(', ')}`);
    if (process.env['VERBOSE'] !== undefined) for (const r of rows) console.log(`  ${r.t.toFixed(1).padStart(7)} ${r.what} ${r.account} ${r.id}`);
  }
} finally {
  await context.close();
  await server.close();
  await sim.close();
  rmSync(profile, { recursive: true, force: true });
}
