import { Workbox } from 'workbox-window';

/**
 * The update hand-shake with pwa/sw/sw.ts. A new worker installs in the background and waits; the app
 * shows "a new version is ready", and only the user's tap tells the worker to take over (then the page
 * reloads under it). A trader mid-episode is never reloaded by surprise.
 */
export interface UpdateChannel {
  /** Calls `listener` with the function that applies the update, when one is waiting. Returns an unsubscribe. */
  onUpdateReady(listener: (apply: () => void) => void): () => void;
}

export function registerServiceWorker(url: string): UpdateChannel {
  const listeners = new Set<(apply: () => void) => void>();
  let pending: (() => void) | null = null;
  if (!('serviceWorker' in navigator)) return { onUpdateReady: () => () => undefined };
  const wb = new Workbox(url);
  wb.addEventListener('waiting', () => {
    pending = () => {
      wb.addEventListener('controlling', () => window.location.reload());
      wb.messageSkipWaiting();
    };
    for (const listener of listeners) listener(pending);
  });
  wb.register().catch((e: unknown) => console.warn('service worker registration failed', e));
  return {
    onUpdateReady(listener) {
      listeners.add(listener);
      if (pending !== null) listener(pending);
      return () => listeners.delete(listener);
    },
  };
}
