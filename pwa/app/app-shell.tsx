import { useEffect, useState } from 'react';
import { deviceSummary, type DeviceSummary } from '../platform/device-summary.ts';
import type { OpenedStore } from '../platform/open-store.ts';
import type { UpdateChannel } from '../platform/sw-updates.ts';
import { AlertsCard } from './alerts-card.tsx';
import { DeviceCard } from './device-card.tsx';
import { OfflineBanner, StoreBanner, UpdateBanner } from './status-banners.tsx';
import { useMinuteClock, useOnline, useUpdateReady } from './use-browser-state.ts';

/**
 * The frame every screen sits in: the header, the banners that concern the whole app (offline and
 * stale, damaged local data, update ready) and, until the monitor screens land, the device cards.
 */
export function AppShell({ opening, updates }: { opening: Promise<OpenedStore>; updates: UpdateChannel }) {
  const [store, setStore] = useState<OpenedStore | null>(null);
  const [summary, setSummary] = useState<DeviceSummary | null>(null);
  const online = useOnline();
  const applyUpdate = useUpdateReady(updates);
  const now = useMinuteClock();

  useEffect(() => {
    let live = true;
    void opening.then(async (opened) => {
      if (!live) return;
      setStore(opened);
      if (opened.db !== null) {
        const s = await deviceSummary(opened.db);
        if (live) setSummary(s);
      }
    });
    return () => {
      live = false;
    };
  }, [opening]);

  return (
    <div className="shell">
      <header className="top">
        <img src="/icons/icon.svg" alt="" width="32" height="32" />
        <h1>Margin Sentry</h1>
        <span className={online ? 'pill pill-ok' : 'pill pill-warn'} data-testid="connection">
          {online ? 'Online' : 'Offline'}
        </span>
      </header>
      <main>
        {applyUpdate !== null && <UpdateBanner apply={applyUpdate} />}
        {!online && <OfflineBanner lastSavedAt={summary?.lastSavedAt ?? null} now={now} />}
        {store !== null && store.report.problems.length > 0 && <StoreBanner report={store.report} />}
        <AlertsCard />
        <DeviceCard summary={summary} storageMissing={store !== null && store.db === null} now={now} />
      </main>
    </div>
  );
}
