import { useMemo } from 'react';
import { simulatorOrigin } from '../monitor-feed.ts';
import type { ScreenProps } from '../screen-props.ts';
import { browserNotifications, browserRelay, browserSettingsPorts, liveRestBase, simulatorRestBase } from './settings-ports.ts';
import type { SettingsPorts } from './settings-actions.ts';
import { SettingsScreen } from './settings-screen.tsx';
import { KeyProtectionCard } from './key-protection-card.tsx';
import { vaultSession } from '../vault-session.ts';
import { isFieldError } from '../../../shared/units/field-error.ts';
import { parseSettings } from '../../platform/settings-record.ts';
import { watchedSimulator } from '../watch-list.ts';

function storage(): Storage | null {
  try {
    return localStorage;
  } catch {
    return null;
  }
}

/**
 * The Settings screen as the app's route renders it: the browser's ports over the app's database,
 * keys checked where the watch list will watch them: the simulator the page was opened on (`?sim=`),
 * else the one the settings record names, else the venues; each save tells the monitor feed, so the
 * watched accounts follow without a reload.
 */
export default function SettingsRoute({ db, feed }: Pick<ScreenProps, 'db' | 'feed'>) {
  const ports = useMemo((): SettingsPorts | null => {
    if (db === null) return null;
    const pageSim = simulatorOrigin(location, storage());
    const base = browserSettingsPorts(db);
    return {
      ...base,
      checkKey: async (venue, access) => {
        const saved = parseSettings(await base.store.load());
        const sim = isFieldError(saved) ? pageSim : watchedSimulator(pageSim, saved);
        return browserSettingsPorts(db, sim === null ? liveRestBase : simulatorRestBase(sim)).checkKey(venue, access);
      },
      store: {
        load: () => base.store.load(),
        save: async (settings) => {
          await base.store.save(settings);
          feed.settingsChanged();
        },
      },
    };
  }, [db, feed]);
  if (ports === null) return <p className="card muted">Settings need this device's storage, which the browser refused.</p>;
  return (
    <section className="screen" aria-labelledby="settings-screen-title">
      <h2 id="settings-screen-title" className="screen-title">
        Settings
      </h2>
      <SettingsScreen ports={ports} notifications={browserNotifications} relay={browserRelay} />
      {db !== null && <KeyProtectionCard session={vaultSession(db)} />}
    </section>
  );
}
