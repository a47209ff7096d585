/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { notificationForPush, navigationTarget } from './push-notification.ts';
import { focusOrOpen } from './open-window.ts';

/**
 * The PWA's service worker: the precached shell (so the app starts offline), the update hand-shake,
 * and push. Every listener is registered synchronously at the top, as a worker woken by a push needs.
 * No engine code runs here.
 */
declare let self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | PrecacheEntry)[] };

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// Any in-app URL opened offline (a deep link from a notification) gets the precached shell.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));
// The first install controls the open page at once; an update waits for the user (see update-prompt).
clientsClaim();

self.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

self.addEventListener('push', (event) => {
  event.waitUntil(showPush(event.data?.text() ?? null));
});

async function showPush(text: string | null): Promise<void> {
  const shown = notificationForPush(text, self.registration.scope);
  if (shown.problem !== null) console.warn(`[sw] ${shown.problem}`);
  await self.registration.showNotification(shown.title, shown.options);
  if (shown.appBadge !== null && 'setAppBadge' in self.navigator) {
    await self.navigator.setAppBadge(shown.appBadge).catch(() => undefined);
  }
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const navigate = (event.notification.data as { navigate?: unknown } | null)?.navigate;
  event.waitUntil(focusOrOpen(self.clients, navigationTarget(navigate, self.registration.scope)));
});
