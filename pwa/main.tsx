import { createRoot } from 'react-dom/client';
import { AppShell } from './app/app-shell.tsx';
import { ErrorBoundary } from './app/error-boundary.tsx';
import { openStore } from './platform/open-store.ts';
import { registerServiceWorker, type UpdateChannel } from './platform/sw-updates.ts';
import './app/shell.css';

/** The composition root: opens the device store, registers the worker, renders the shell. */
const noUpdates: UpdateChannel = { onUpdateReady: () => () => undefined };
const updates = import.meta.env.PROD ? registerServiceWorker('/sw.js') : noUpdates;

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <ErrorBoundary>
    <AppShell opening={openStore()} updates={updates} />
  </ErrorBoundary>,
);
