import { createRoot } from 'react-dom/client';
import { AppShell } from './app/app-shell.tsx';
import { ErrorBoundary } from './app/error-boundary.tsx';
import { simulatorOrigin, startMonitorFeed, type MonitorFeed } from './app/monitor-feed.ts';
import { openStore, type OpenedStore } from './platform/open-store.ts';
import { vaultSession } from './app/vault-session.ts';
import { registerServiceWorker, type UpdateChannel } from './platform/sw-updates.ts';
import './app/shell.css';

/**
 * The composition root: opens (and if need be repairs) the device store, then starts the monitor
 * worker on it, registers the service worker, renders the shell.
 */
const noUpdates: UpdateChannel = { onUpdateReady: () => () => undefined };
const updates = import.meta.env.PROD ? registerServiceWorker('/sw.js') : noUpdates;

const startFeed = (opened: OpenedStore): MonitorFeed => {
  const worker = new Worker(new URL('./worker/monitor-worker.ts', import.meta.url), { type: 'module', name: 'monitor' });
  let storage: Storage | null = null;
  try {
    storage = localStorage;
  } catch {
    storage = null;
  }
  const db = opened.db;
  const feed = startMonitorFeed(worker, db, {
    simulatorOrigin: simulatorOrigin(location, storage),
    pageOrigin: location.origin,
    fetch: (url, init) => fetch(url, init),
    // A passphrase vault stays locked until the passphrase is given; a device vault opens by itself.
    vault: async () => (db === null ? 'this browser keeps no data here' : vaultSession(db).open()),
  });
  // Unlocked, or moved under a passphrase: the worker gets its keyed accounts without a reload.
  if (db !== null) vaultSession(db).onChange(() => feed.settingsChanged());
  return feed;
};

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <ErrorBoundary>
    <AppShell opening={openStore()} updates={updates} startFeed={startFeed} />
  </ErrorBoundary>,
);
