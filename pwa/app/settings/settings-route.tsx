import type { ScreenProps } from '../screen-props.ts';
import { browserNotifications, browserRelay, browserSettingsPorts } from './settings-ports.ts';
import { SettingsScreen } from './settings-screen.tsx';

/** The Settings screen as the app's route renders it: the browser's ports over the app's database. */
export default function SettingsRoute({ db }: Pick<ScreenProps, 'db'>) {
  if (db === null) return <p className="card muted">Settings need this device's storage, which the browser refused.</p>;
  return (
    <section className="screen" aria-labelledby="settings-screen-title">
      <h2 id="settings-screen-title" className="screen-title">
        Settings
      </h2>
      <SettingsScreen ports={browserSettingsPorts(db)} notifications={browserNotifications} relay={browserRelay} />
    </section>
  );
}
