import type { StoreReport } from '../platform/open-store.ts';
import { formatSavedAt } from './saved-at.ts';

/** Shown while the device is offline: what the screen shows is the last saved state, so it says how old. */
export function OfflineBanner({ lastSavedAt, now }: { lastSavedAt: number | null; now: number }) {
  return (
    <div className="banner banner-warn" role="status" data-testid="offline-banner">
      <p>
        <strong>Offline.</strong>{' '}
        {lastSavedAt === null
          ? 'Nothing is saved on this device yet; live figures return when the connection does.'
          : `Showing the state saved ${formatSavedAt(lastSavedAt, now)}. It may be stale.`}
      </p>
    </div>
  );
}

/** What opening the local database found wrong and what was done about it. */
export function StoreBanner({ report }: { report: StoreReport }) {
  return (
    <div className="banner banner-error" role="alert" data-testid="store-banner">
      <p>
        <strong>{report.rebuilt ? 'The data saved on this device was damaged and has been rebuilt.' : 'Some data saved on this device was damaged.'}</strong>
      </p>
      <ul>
        {report.problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </div>
  );
}

export function UpdateBanner({ apply }: { apply: () => void }) {
  return (
    <div className="banner banner-info" role="status" data-testid="update-banner">
      <p>A new version of Margin Sentry is ready.</p>
      <button type="button" onClick={apply}>
        Reload to update
      </button>
    </div>
  );
}
