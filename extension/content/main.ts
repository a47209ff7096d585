import type { AccountReport } from '../../shared/protocol/account-report.ts';
import { streamReports } from '../platform/runtime-client.ts';
import { createOverlayPanel, type OverlayPanel } from './overlay-panel.ts';
import { findPositionsTable } from './positions-table.ts';
import { VENUE_LAYOUTS } from './venue-layouts.ts';
import { venuePage, type VenuePage } from './venue-pages.ts';

/**
 * The overlay's lifecycle on a venue's single-page app. One `session` per trading page: it streams this
 * venue's reports, finds the positions table (again whenever the page re-renders it) and keeps the panel
 * beside it. The session ends when the app navigates away from a trading page, and everything ends
 * quietly when the extension is reloaded or removed under the page (chrome.runtime.id disappears).
 */
const PATH_POLL_MS = 700;
const DOM_SETTLE_MS = 150;

const extensionAlive = (): boolean => {
  try {
    return typeof chrome !== 'undefined' && chrome.runtime?.id !== undefined;
  } catch {
    return false;
  }
};

function startSession(page: VenuePage, signal: AbortSignal, onExtensionGone: () => void): void {
  const layout = VENUE_LAYOUTS[page.venue];
  let panel: OverlayPanel | null = null;
  let reports: readonly AccountReport[] = [];
  let settle: ReturnType<typeof setTimeout> | null = null;

  const place = (): void => {
    if (signal.aborted) return;
    const table = findPositionsTable(document, layout);
    if (table === null) {
      panel?.remove();
      return;
    }
    panel ??= createOverlayPanel(document);
    if (panel.host.nextElementSibling !== table.anchor) table.anchor.before(panel.host);
    panel.render(reports, table.rows, Date.now());
  };
  const observer = new MutationObserver((records) => {
    // Our own panel's changes are not the page's.
    if (panel !== null && records.every((r) => r.target === panel!.host || panel!.host.contains(r.target as Node))) return;
    settle ??= setTimeout(() => {
      settle = null;
      place();
    }, DOM_SETTLE_MS);
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });

  let stopStream = (): void => undefined;
  const connect = (): void => {
    if (signal.aborted) return;
    if (!extensionAlive()) return onExtensionGone();
    try {
      stopStream = openStream();
    } catch {
      onExtensionGone(); // the extension went away between the check and the connect
    }
  };
  const openStream = (): (() => void) =>
    streamReports(
      (r) => {
        reports = r;
        place();
      },
      () => {
        if (!extensionAlive()) onExtensionGone();
        else if (!signal.aborted) setTimeout(connect, 1000); // the worker was stopped: the next connect wakes it
      },
      page.venue,
    );
  connect();
  place();

  signal.addEventListener('abort', () => {
    observer.disconnect();
    if (settle !== null) clearTimeout(settle);
    try {
      stopStream();
    } catch {
      // the port is already gone with the extension
    }
    panel?.remove();
  });
}

function run(): void {
  let session: AbortController | null = null;
  let lastHref = '';
  let poll: ReturnType<typeof setInterval> | null = null;
  const goQuiet = (): void => {
    if (poll !== null) clearInterval(poll);
    session?.abort();
    session = null;
  };
  const check = (): void => {
    if (!extensionAlive()) return goQuiet();
    if (location.href === lastHref) return;
    lastHref = location.href;
    const page = venuePage(location.hostname, location.pathname);
    const current = session;
    // Symbol switches change the URL without popstate: a new page means a new session.
    current?.abort();
    session = null;
    if (page !== null) {
      const next = new AbortController();
      session = next;
      startSession(page, next.signal, goQuiet);
    }
  };
  check();
  poll = setInterval(check, PATH_POLL_MS);
}

run();
