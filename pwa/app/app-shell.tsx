import { Suspense, useEffect, useState, useSyncExternalStore } from 'react';
import { deviceSummary, type DeviceSummary } from '../platform/device-summary.ts';
import type { OpenedStore } from '../platform/open-store.ts';
import type { UpdateChannel } from '../platform/sw-updates.ts';
import { AlertsCard } from './alerts-card.tsx';
import { DeviceCard } from './device-card.tsx';
import type { MonitorData, MonitorFeed } from './monitor-feed.ts';
import { ROUTES, routeOf } from './routes.tsx';
import { formatSavedAt } from './saved-at.ts';
import { OfflineBanner, StoreBanner, UpdateBanner } from './status-banners.tsx';
import { useHash, useOnline, useSecondClock, useUpdateReady } from './use-browser-state.ts';
import { UnlockBanner } from './unlock-banner.tsx';
import { vaultSession } from './vault-session.ts';

/**
 * The frame every screen sits in: the header with the navigation, the banners that concern the whole
 * app (offline and stale, damaged local data, update ready, monitor problems), the routed screen, and
 * on the Overview the alerts set-up and device cards.
 */
const NO_DATA: MonitorData = { accounts: [], trails: new Map(), alerts: [], acknowledged: new Set(), problems: [] };
const noFeed: MonitorFeed = { get: () => NO_DATA, subscribe: () => () => undefined, snooze: () => undefined, unsnooze: () => undefined, acknowledge: () => undefined, settingsChanged: () => undefined, watchedDocuments: () => [] };

export function AppShell({ opening, updates, startFeed }: { opening: Promise<OpenedStore>; updates: UpdateChannel; startFeed: (store: OpenedStore) => MonitorFeed }) {
  const [store, setStore] = useState<OpenedStore | null>(null);
  const [feed, setFeed] = useState<MonitorFeed>(noFeed);
  const [summary, setSummary] = useState<DeviceSummary | null>(null);
  const online = useOnline();
  const applyUpdate = useUpdateReady(updates);
  const now = useSecondClock();
  const hash = useHash();
  const data = useSyncExternalStore(feed.subscribe, feed.get);

  useEffect(() => {
    let live = true;
    void opening.then(async (opened) => {
      if (!live) return;
      setStore(opened);
      setFeed(startFeed(opened));
    });
    return () => {
      live = false;
    };
  }, [opening, startFeed]);

  // Read again on each screen change: Settings may have added keys or accounts since.
  useEffect(() => {
    let live = true;
    if (store?.db != null) void deviceSummary(store.db).then((s) => live && setSummary(s));
    return () => {
      live = false;
    };
  }, [store, hash]);

  const { route, params } = routeOf(hash);
  const restored = data.accounts.some((a) => a.restored);
  const lastSavedAt = data.accounts.reduce<number | null>((m, a) => (a.restored && (m === null || a.at > m) ? a.at : m), summary?.lastSavedAt ?? null);
  return (
    <div className="shell">
      <header className="top">
        <img src="/icons/icon.svg" alt="" width="32" height="32" />
        <h1>Margin Sentry</h1>
        <span className={online ? 'pill pill-ok' : 'pill pill-warn'} data-testid="connection">
          {online ? 'Online' : 'Offline'}
        </span>
      </header>
      <nav className="tabs" aria-label="Screens">
        {ROUTES.filter((r) => r.nav !== null).map((r) => (
          <a key={r.href} href={r.href} aria-current={r === route ? 'page' : undefined}>
            {r.nav}
          </a>
        ))}
      </nav>
      <main>
        {applyUpdate !== null && <UpdateBanner apply={applyUpdate} />}
        {/* Once the device's saved state is known: "nothing saved" must not flash before it. */}
        {!online && store !== null && (store.db === null || summary !== null) && <OfflineBanner lastSavedAt={lastSavedAt} now={now} />}
        {online && restored && (
          <div className="banner banner-warn" role="status" data-testid="restored-banner">
            <p>
              <strong>Waiting for the venues.</strong> Cards marked stale show the state saved{' '}
              {lastSavedAt === null ? 'earlier' : formatSavedAt(lastSavedAt, now)}.
            </p>
          </div>
        )}
        {store !== null && store.report.problems.length > 0 && <StoreBanner report={store.report} />}
        {store?.db != null && <UnlockBanner session={vaultSession(store.db)} />}
        {data.problems.length > 0 && (
          <div className="banner banner-error" role="alert" data-testid="monitor-problems">
            <ul>
              {data.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
        )}
        <Suspense fallback={<p className="card muted">Loading…</p>}>{route.render({ data, feed, db: store?.db ?? null, now }, params)}</Suspense>
        {route === ROUTES[0] && (
          <>
            <AlertsCard />
            <DeviceCard summary={summary} storageMissing={store !== null && store.db === null} now={now} />
          </>
        )}
      </main>
    </div>
  );
}
