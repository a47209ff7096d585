import { createRoot } from 'react-dom/client';
import { idbMarkHistory } from '../platform/idb-mark-history.ts';
import { openStore } from '../platform/open-store.ts';
import { ForecastTable } from '../app/position/forecast-table.tsx';
import type { ForecastRow } from '../app/position/position-view.ts';
import { ReplayScreen } from '../app/replay/replay-screen.tsx';
import type { ReplayAccount } from '../app/replay/replay-model.ts';
import { SettingsScreen } from '../app/settings/settings-screen.tsx';
import { browserNotifications, browserRelay, browserSettingsPorts, simulatorRestBase } from '../app/settings/settings-ports.ts';

/**
 * The Settings and Replay screens with their real ports (IndexedDB, the vault, fetch, WebCrypto),
 * bundled by screens.browser.test.ts and mounted on a page of the served origin; the key check goes
 * to the simulator the test started on loopback.
 */
async function mountSettings(simOrigin: string): Promise<string | null> {
  const { db, report } = await openStore({ name: 'screens-settings' });
  if (db === null) return report.problems.join('; ');
  createRoot(document.getElementById('root')!).render(
    <SettingsScreen ports={browserSettingsPorts(db, simulatorRestBase(simOrigin))} notifications={browserNotifications} relay={browserRelay} />,
  );
  return null;
}

async function mountReplay(accounts: ReplayAccount[]): Promise<string | null> {
  const { db, report } = await openStore({ name: 'screens-replay' });
  if (db === null) return report.problems.join('; ');
  createRoot(document.getElementById('root')!).render(<ReplayScreen accounts={accounts} marks={idbMarkHistory(db)} />);
  return null;
}

/** The Position screen's forecast card alone, with whatever rows the test chooses (the live e2e gets the market's). */
function mountForecast(horizons: readonly number[], forecast: readonly ForecastRow[]): null {
  createRoot(document.getElementById('root')!).render(
    <section className="screen">
      <div className="card">
        <h3>Forecast</h3>
        <ForecastTable horizons={horizons} forecast={forecast} />
      </div>
    </section>,
  );
  return null;
}

export const screens = { mountSettings, mountReplay, mountForecast };
(globalThis as unknown as { sentryScreens: typeof screens }).sentryScreens = screens;
