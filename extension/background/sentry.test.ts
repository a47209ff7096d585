import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { venueAdapters } from '../../shared/exchanges/venues.ts';
import { createFeed, type Feed } from '../../shared/feed/feed.ts';
import { webSocketFactory } from '../../shared/feed/websocket-factory.ts';
import { fetchHttp } from '../../shared/platform/fetch-http.ts';
import type { Clock, Timer } from '../../shared/ports/clock.ts';
import { systemClock } from '../../shared/platform/system-clock.ts';
import { webCryptoHmac } from '../../shared/platform/webcrypto-hmac.ts';
import { startSimulator, type RunningSimulator } from '../../tools/simulator/start-simulator.ts';
import { waitFor, waitUntil } from '../../tools/test-support/wait-for.ts';
import { DEFAULT_SETTINGS } from '../settings.ts';
import { monitorStore } from './monitor-store.ts';
import { checkAccess } from './check-access.ts';
import { createSentry, type Sentry } from './sentry.ts';
import type { AlertNotice } from './phone-push.ts';
import type { BadgeLook, KeyValueStore, NotificationRequest } from './worker-ports.ts';

/**
 * The worker's work with small fakes of its chrome ports (a Map for storage, arrays for notifications,
 * badge and tabs) and real feeds to the simulator on loopback: the same code main.ts wires to chrome.*.
 */
let sim: RunningSimulator | undefined;
const feeds: Feed[] = [];
afterEach(async () => {
  feeds.splice(0).forEach((f) => f.stop());
  await sim?.close();
  sim = undefined;
});

function memoryStore(): KeyValueStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  // Values go through JSON as chrome.storage does: what comes back is what a new worker reads.
  return { data, get: async (k) => (data.has(k) ? JSON.parse(JSON.stringify(data.get(k))) : undefined), set: async (k, v) => void data.set(k, JSON.parse(JSON.stringify(v))) };
}

/** The system clock, with every timer it set cancelled by `stop` (a stopped worker saves nothing more). */
function stoppableClock(): Pick<Clock, 'setTimer'> & { stop(): void } {
  const timers = new Set<Timer>();
  return {
    setTimer(ms, run) {
      const t = systemClock.setTimer(ms, () => {
        timers.delete(t);
        run();
      });
      timers.add(t);
      return t;
    },
    stop: () => timers.forEach((t) => t.cancel()),
  };
}

function worker(kv: KeyValueStore, simulatorUrl: string, session: KeyValueStore = memoryStore(), toPhone: (notice: AlertNotice) => Promise<void> | void = () => undefined) {
  const clock = stoppableClock();
  const shown: NotificationRequest[] = [];
  const cleared: string[] = [];
  const badges: BadgeLook[] = [];
  const opened: string[] = [];
  const phone: AlertNotice[] = [];
  const sentry: Sentry = createSentry({
    kv,
    store: monitorStore(kv),
    notifier: { show: async (n) => void shown.push(n), clear: async (id) => void cleared.push(id) },
    badge: { show: async (b) => void badges.push(b) },
    tabs: { open: async (url) => void opened.push(url) },
    onNotified: (notice) => {
      phone.push(notice);
      return toPhone(notice);
    },
    now: () => Date.now(),
    clock,
    feed: (venue, endpoints, access, onEvent) => {
      const feed = createFeed({ adapter: venueAdapters[venue], endpoints, access, socketFactory: webSocketFactory(WebSocket), clock: systemClock, http: fetchHttp(3_000), hmac: webCryptoHmac(), random: Math.random, ackTimeoutMs: 3_000, onEvent });
      feeds.push(feed);
      return feed;
    },
    log: () => undefined,
    defaultSettings: { ...DEFAULT_SETTINGS, demo: { enabled: true, simulatorUrl } },
    session,
    checkAccess: (venue, endpoints, access) => checkAccess(venue, endpoints, access, { http: fetchHttp(3_000), hmac: webCryptoHmac(), now: () => Date.now() }),
  });
  return {
    sentry,
    shown,
    cleared,
    badges,
    opened,
    phone,
    stop: () => {
      feeds.splice(0).forEach((f) => f.stop());
      clock.stop();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the worker with fake chrome ports against the simulator', () => {
  it('notifies with the suggestion, sets the badge, and a new worker on the saved state neither re-notifies nor loses a resolve', async () => {
    sim = await startSimulator({ port: 0, scenario: 'crash', seed: 1, manualClock: true, startMs: Math.floor(Date.now() / 1000) * 1000 + 3_600_000 });
    const kv = memoryStore();
    const first = worker(kv, sim.url);
    await first.sentry.init();
    await waitFor('four accounts judged', () => first.sentry.reports().length === 4, 15_000);
    // Into the crash until some alert is open and notified.
    for (let i = 0; i < 200 && !(first.shown.length > 0 && first.badges.some((b) => b.text !== '')); i += 1) {
      sim.advance(30_000);
      await sleep(60);
    }
    expect(first.shown.length).toBeGreaterThan(0);
    // The phone hears the pushes only: the in-app Watch notice is shown here, not sent on.
    const channelOf = new Map(first.sentry.reports().flatMap((r) => r.alerts).map((a) => [a.id, a.channel]));
    expect(first.shown.some((s) => channelOf.get(s.id) === 'in-app')).toBe(true);
    expect(first.phone.map((p) => p.entry.id)).toEqual(first.shown.filter((s) => channelOf.get(s.id) === 'push').map((s) => s.id));
    const n = first.shown[0]!;
    expect(n.buttons).toEqual(['Open position', 'Snooze 1 h']);
    expect(n.message).toMatch(/Add [\d,]+\.\d\d USDT|(reduce|close) \w+/i);
    expect(first.badges.find((b) => b.text !== '')).toMatchObject({ text: expect.stringMatching(/^(W|MC|CR|LIQ)\??$/), title: expect.stringMatching(/^Margin Sentry: /) });
    await first.sentry.saveAll();
    // The log keeps each notice's channel: the phone's share of it can be read after the alert has left the reports.
    // (Written by each account's deferred save: read once it holds every notice shown so far.)
    const shownIds = first.shown.map((s) => s.id);
    await waitUntil('the log holds the notices shown', async () => {
      const ids = new Set((await first.sentry.notificationLog()).map((e) => e.id));
      return shownIds.every((id) => ids.has(id));
    }, 10_000);
    const logged = await first.sentry.notificationLog();
    const toPhone = new Set(first.phone.map((p) => `${p.entry.id}#${p.reminder}`));
    for (const e of logged) expect(e.channel, `${e.id}#${e.reminder}`).toBe(toPhone.has(`${e.id}#${e.reminder}`) ? 'push' : 'in-app');
    expect(logged.some((e) => e.channel === 'in-app') && logged.some((e) => e.channel === 'push')).toBe(true);
    // Crosses chrome.storage and the message port: plain data.
    expect(structuredClone(logged)).toEqual(logged);
    expect(JSON.parse(JSON.stringify(logged))).toEqual(logged);
    const open = first.sentry.reports().flatMap((r) => r.alerts.filter((a) => a.resolved === null).map((a) => a.id));
    expect(open.length).toBeGreaterThan(0);
    // "Open position" opens the venue's page for that position; it resolves nothing.
    await first.sentry.onNotificationButton(n.id, 0);
    expect(first.opened[0]).toMatch(/^https:\/\/(www\.binance\.com|www\.bybit\.com|www\.okx\.com|app\.hyperliquid\.xyz)\//);
    // "Snooze 1 h" snoozes that alert's subject in the monitor (an hour of venue time); it resolves nothing either.
    const subject = first.sentry.reports().flatMap((r) => r.alerts).find((a) => a.id === n.id)!.subject;
    const before = first.cleared.length;
    await first.sentry.onNotificationButton(n.id, 1);
    await sleep(300);
    const snoozed = first.sentry.reports().flatMap((r) => r.subjects).find((x) => x.subject === subject);
    expect(snoozed?.snooze?.untilMs).toBeGreaterThan(0);
    expect(first.cleared.slice(before)).not.toContain(n.id);
    first.stop();

    // A new worker on the same storage: the alerts carry on under their ids.
    const second = worker(kv, sim.url);
    await second.sentry.init();
    await waitFor('four accounts judged again', () => second.sentry.reports().length === 4, 15_000);
    for (let i = 0; i < 120; i += 1) {
      sim.advance(30_000);
      await sleep(40);
    }
    await sleep(300);
    const firstNotices = second.shown.filter((s) => open.includes(s.id) && !s.title.startsWith('Reminder'));
    expect(firstNotices).toEqual([]);
    // Every alert open at the hand-over was resolved by the new worker, under the same id.
    const log = second.sentry.reports().flatMap((r) => r.alerts);
    for (const id of open) {
      expect(log.filter((a) => a.id === id)).toHaveLength(1);
      expect(log.find((a) => a.id === id)?.resolved, id).not.toBeNull();
      expect(second.cleared).toContain(id);
    }
    const notifiedIds = JSON.parse(JSON.stringify(kv.data.get('notification-log'))) as Array<{ id: string; reminder: number }>;
    const firsts = notifiedIds.filter((e) => e.reminder === 0).map((e) => e.id);
    expect(new Set(firsts).size).toBe(firsts.length);
  }, 60_000);

  it('saves a pushed notice as shown only once the phone outbox holds it (a worker killed in between decides it again)', async () => {
    sim = await startSimulator({ port: 0, scenario: 'crash', seed: 1, manualClock: true, startMs: Math.floor(Date.now() / 1000) * 1000 + 3_600_000 });
    const kv = memoryStore();
    // The phone's outbox write is held until the test lets it through.
    let release: () => void = () => undefined;
    const outboxWritten = new Promise<void>((resolve) => (release = resolve));
    const w = worker(kv, sim.url, memoryStore(), () => outboxWritten);
    await w.sentry.init();
    await waitFor('four accounts judged', () => w.sentry.reports().length === 4, 15_000);
    for (let i = 0; i < 200 && w.phone.length === 0; i += 1) {
      sim.advance(30_000);
      await sleep(60);
    }
    const pushed = w.phone[0]!.entry.id;
    await sleep(500);
    const logged = (): string[] => ((kv.data.get('notification-log') ?? []) as Array<{ id: string }>).map((e) => e.id);
    expect(logged()).not.toContain(pushed);
    release();
    await waitFor('the notice saved once queued for the phone', () => logged().includes(pushed), 5_000);
    w.stop();
  }, 60_000);

  it('a corrupt saved monitor is reported and ignored, never thrown', async () => {
    sim = await startSimulator({ port: 0, scenario: 'calm', manualClock: true });
    const kv = memoryStore();
    kv.data.set('monitor:binance:demo', { kind: 'saved-monitor', version: 2, accountId: 'binance:demo', savedAt: 1, snapshot: { version: 1, options: {}, state: 'yesterday', live: null }, log: {} });
    kv.data.set('settings', { kind: 'settings', version: 9 });
    const lines: string[] = [];
    const sentry = createSentry({
      kv,
      store: monitorStore(kv),
      notifier: { show: async () => undefined, clear: async () => undefined },
      badge: { show: async () => undefined },
      tabs: { open: async () => undefined },
      now: () => Date.now(),
      clock: systemClock,
      feed: (venue, endpoints, access, onEvent) => {
        const feed = createFeed({ adapter: venueAdapters[venue], endpoints, access, socketFactory: webSocketFactory(WebSocket), clock: systemClock, http: fetchHttp(3_000), hmac: webCryptoHmac(), random: Math.random, onEvent });
        feeds.push(feed);
        return feed;
      },
      log: (l) => lines.push(l),
      defaultSettings: { ...DEFAULT_SETTINGS, demo: { enabled: true, simulatorUrl: sim.url } },
      session: memoryStore(),
      checkAccess: async () => ({ ok: true }),
    });
    await sentry.init();
    expect(lines).toContain('stored settings ignored: $.version: 9 is not a version this build reads');
    expect(lines).toContain('stored monitor for binance:demo ignored: $.log.kind: expected "alert-log", got null');
    expect(lines).toContain('stored monitor for binance:demo ignored: $.snapshot.options.accountId: missing');
    // The account starts afresh from the feed.
    await waitFor('binance judged from the feed', () => sentry.reports().some((r) => r.account.accountId === 'binance:demo'), 15_000);
  });

  it('a real account: a wrong key gets the venue refusal and nothing is stored; the right one is sealed, watched, and locked again in a new browser session', async () => {
    sim = await startSimulator({ port: 0, scenario: 'calm', manualClock: true });
    const kv = memoryStore();
    const session = memoryStore();
    const w = worker(kv, sim.url, session);
    await w.sentry.saveSettings({ ...DEFAULT_SETTINGS, demo: { enabled: false, simulatorUrl: sim.url } });
    const add = (apiKey: string, passphrase = 'a long passphrase') =>
      w.sentry.addAccount({ venue: 'binance', label: 'Main', target: 'simulator', access: { apiKey, apiSecret: 'sim-binance-demo-secret' }, passphrase });
    expect(await add('not-the-key')).toEqual({ refusal: 'Binance refused the key: -2015 Invalid API-key, IP, or permissions for action. The key was not kept.' });
    // A key that works but can trade (the simulator's trading key) is refused as well: read-only keys only.
    expect(await w.sentry.addAccount({ venue: 'binance', label: 'Main', target: 'simulator', access: { apiKey: 'sim-binance-trade-key', apiSecret: 'sim-binance-trade-secret' }, passphrase: 'a long passphrase' })).toEqual({
      refusal: expect.stringMatching(/^This Binance key can (trade|withdraw funds) .*The key was not kept\.$/),
    });
    expect(kv.data.get('accounts')).toBeUndefined();
    expect(await add('sim-binance-demo-key')).toEqual({ id: 'binance:main' });
    expect(JSON.stringify(kv.data.get('accounts'))).not.toContain('sim-binance-demo');
    await waitFor('binance:main judged', () => w.sentry.reports().some((r) => r.account.accountId === 'binance:main' && r.account.mode === 'demo'), 15_000);
    expect(await w.sentry.listAccounts()).toEqual([{ id: 'binance:main', venue: 'binance', label: 'Main', target: 'simulator', unlocked: true }]);
    // A second account must use the same passphrase.
    expect(await w.sentry.addAccount({ venue: 'okx', label: 'x', target: 'simulator', access: {}, passphrase: 'another passphrase' })).toEqual({ refusal: '$.passphrase: it does not open the accounts stored before' });
    w.stop();

    // The browser restarted: session memory is empty, the account is stored but locked.
    const later = worker(kv, sim.url, memoryStore());
    await later.sentry.init();
    expect(await later.sentry.listAccounts()).toEqual([{ id: 'binance:main', venue: 'binance', label: 'Main', target: 'simulator', unlocked: false }]);
    expect(later.sentry.reports()).toEqual([]);
    expect(await later.sentry.unlockAccounts('wrong passphrase')).toEqual({ refusal: '$.passphrase: it opens no stored account' });
    expect(await later.sentry.unlockAccounts('a long passphrase')).toEqual({ count: 1 });
    await waitFor('binance:main judged after the unlock', () => later.sentry.reports().some((r) => r.account.accountId === 'binance:main'), 15_000);
    expect(await later.sentry.removeAccount('binance:main')).toBe(true);
    expect(later.sentry.reports()).toEqual([]);
  }, 40_000);

  it('the ladder set in the options reaches every monitor: the reports and the badge use its levels', async () => {
    sim = await startSimulator({ port: 0, scenario: 'calm', manualClock: true });
    const w = worker(memoryStore(), sim.url);
    await w.sentry.init();
    await waitFor('four accounts judged', () => w.sentry.reports().length === 4, 15_000);
    expect(w.sentry.reports()[0]!.ladder.map((l) => l.riskRatio)).toEqual([0.5, 0.8, 0.9, 1]);
    // Levels low enough that the calm demo accounts (rho 0.2 to 0.6) sit at Critical.
    await w.sentry.saveSettings({ ...DEFAULT_SETTINGS, demo: { enabled: true, simulatorUrl: sim.url }, ladder: { watch: 0.05, marginCall: 0.1, critical: 0.15 } });
    await waitFor('four accounts judged on the new ladder', () => w.sentry.reports().length === 4 && w.sentry.reports().every((r) => r.ladder[0]?.riskRatio === 0.05), 15_000);
    sim.advance(1_000);
    await waitFor('the badge at Critical', () => w.badges.at(-1)?.text.startsWith('CR'), 15_000);
  }, 40_000);
});
