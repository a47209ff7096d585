import { venueAdapters } from '../../shared/exchanges/venues.ts';
import { createFeed } from '../../shared/feed/feed.ts';
import { webSocketFactory } from '../../shared/feed/websocket-factory.ts';
import { fetchHttp } from '../../shared/platform/fetch-http.ts';
import { systemClock } from '../../shared/platform/system-clock.ts';
import { webCryptoHmac } from '../../shared/platform/webcrypto-hmac.ts';
import { DEFAULT_SETTINGS } from '../settings.ts';
import { REPORTS_PORT, type PortMessage } from '../messages.ts';
import { chromeBadge } from '../platform/chrome-badge.ts';
import { chromeNotifier } from '../platform/chrome-notifier.ts';
import { chromeLocalStore, chromeSessionStore } from '../platform/chrome-storage.ts';
import { checkAccess } from './check-access.ts';
import { workerTiming } from './worker-timing.ts';
import { chromeTabs } from '../platform/chrome-tabs.ts';
import { HANDLERS } from './handler-map.ts';
import { route, senderKind } from './message-router.ts';
import { monitorStore } from './monitor-store.ts';
import { createSentry, ACCOUNTS_KEY } from './sentry.ts';
import { createPhonePush } from './phone-push.ts';
import { parseStoredAccounts } from '../accounts.ts';
import { open } from '../platform/secret-box.ts';

/**
 * The service worker's composition root. Every listener is registered synchronously here, before any
 * await, so an event that wakes the worker is never missed; each waits on the one init promise.
 * Sockets live in this worker (docs/adr-0001-extension-build-and-sockets.md).
 */
const WATCHDOG = 'watchdog';

const PUSH_RETRY = 'push-retry';

const hmac = webCryptoHmac();
const http = fetchHttp();
/**
 * Pushes to the paired phone. The push service is cross-origin: the worker reaches it with the host
 * permission the options page asked for at pairing (docs/adr-0002-extension-push-sender.md).
 */
const phone = createPhonePush({
  kv: chromeLocalStore,
  session: chromeSessionStore,
  async post(request) {
    const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body as Uint8Array<ArrayBuffer>, signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status, retryAfter: response.headers.get('retry-after') };
  },
  wake: (atMs) => void (atMs === null ? chrome.alarms.clear(PUSH_RETRY) : chrome.alarms.create(PUSH_RETRY, { when: atMs })),
  now: () => Date.now(),
  log: (line) => console.warn(`[margin-sentry] ${line}`),
  async passphraseProblem(passphrase) {
    const first = parseStoredAccounts(await chromeLocalStore.get(ACCOUNTS_KEY)).accounts[0];
    return first === undefined || (await open(first.sealed, passphrase)) !== null ? null : '$.passphrase: it does not open the accounts stored before (one passphrase for the accounts and the pairing)';
  },
});
const sentry = createSentry({
  onNotified: (notice) => phone.notify(notice),
  kv: chromeLocalStore,
  store: monitorStore(chromeLocalStore),
  notifier: chromeNotifier,
  badge: chromeBadge,
  tabs: chromeTabs,
  now: () => Date.now(),
  clock: systemClock,
  feed: (venue, endpoints, access, onEvent) =>
    createFeed({
      adapter: venueAdapters[venue],
      endpoints,
      access,
      socketFactory: webSocketFactory(WebSocket),
      clock: systemClock,
      http,
      hmac,
      random: Math.random,
      timing: workerTiming(venueAdapters[venue].timing),
      onEvent,
    }),
  log: (line) => console.warn(`[margin-sentry] ${line}`),
  // Demo mode is on by default exactly when this build may reach the simulator on loopback.
  session: chromeSessionStore,
  checkAccess: (venue, endpoints, access) => checkAccess(venue, endpoints, access, { http, hmac, now: () => Date.now() }),
  defaultSettings: { ...DEFAULT_SETTINGS, demo: { ...DEFAULT_SETTINGS.demo, enabled: (chrome.runtime.getManifest().host_permissions ?? []).includes('http://127.0.0.1/*') } },
});

const ready = (): Promise<void> => sentry.init();
const ownOrigin = chrome.runtime.getURL('');

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  const kind = senderKind(sender, chrome.runtime.id, ownOrigin);
  void ready()
    .then(() => route(message, kind, HANDLERS, { sentry, phone }))
    .then(sendResponse, (e: unknown) => sendResponse({ kind: 'refused', reason: 'failed', detail: String(e) }));
  return true; // the answer comes asynchronously
});

chrome.runtime.onConnect.addListener((port) => {
  const sender = port.sender === undefined ? 'foreign' : senderKind(port.sender, chrome.runtime.id, ownOrigin);
  if (port.name !== REPORTS_PORT || sender === 'foreign') {
    port.disconnect();
    return;
  }
  // A content script's port carries only its own venue's reports: it names the venue in its first message.
  let unsubscribe: (() => void) | null = null;
  const stream = (venue: string | null): void => {
    if (unsubscribe !== null) return;
    void ready().then(() => {
      unsubscribe = sentry.subscribe((reports) => {
        const message: PortMessage = { kind: 'reports', reports: venue === null ? reports : reports.filter((r) => r.account.venue === venue) };
        try {
          port.postMessage(message);
        } catch {
          unsubscribe?.(); // the page went away between two pushes
        }
      });
    });
  };
  port.onDisconnect.addListener(() => unsubscribe?.());
  if (sender === 'extension-page') stream(null);
  else
    port.onMessage.addListener((m: unknown) => {
      const venue = typeof m === 'object' && m !== null ? (m as { venue?: unknown }).venue : undefined;
      if (typeof venue === 'string') stream(venue);
    });
});

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === WATCHDOG) void ready().then(() => Promise.all([sentry.saveAll(), phone.drain()]));
  if (alarm.name === PUSH_RETRY) void phone.drain();
});
chrome.notifications.onButtonClicked.addListener((id, button) => void ready().then(() => sentry.onNotificationButton(id, button)));
chrome.notifications.onClicked.addListener((id) => void ready().then(() => sentry.onNotificationClicked(id)));
chrome.runtime.onInstalled.addListener(() => void ready());
chrome.runtime.onStartup.addListener(() => void ready());

// Alarms may not survive a browser restart: re-create the 30 s watchdog at every worker start. Its only
// job is to wake a killed worker (which reopens the sockets through init) and to save the monitors.
void chrome.alarms.create(WATCHDOG, { periodInMinutes: 0.5 });
void ready();
void phone.drain(); // what a killed worker left queued
