import { useEffect, useState } from 'react';
import { isFieldError } from '../../../shared/units/field-error.ts';
import { getSetting } from '../../platform/app-records.ts';
import { idbMarkHistory } from '../../platform/idb-mark-history.ts';
import type { ScreenProps } from '../screen-props.ts';
import { parseSettings, SETTINGS_NAME } from '../../platform/settings-record.ts';
import { manualReplayAccounts, type ReplayAccount } from './replay-model.ts';
import { ReplayScreen } from './replay-screen.tsx';

/** The Replay screen as the app's route renders it: the manual accounts from Settings, the device's mark history. */
export default function ReplayRoute({ db }: Pick<ScreenProps, 'db'>) {
  const [accounts, setAccounts] = useState<readonly ReplayAccount[] | null>(null);
  useEffect(() => {
    if (db === null) return;
    void getSetting(db, SETTINGS_NAME).then((raw) => {
      const settings = parseSettings(raw);
      setAccounts(isFieldError(settings) ? [] : manualReplayAccounts(settings));
    });
  }, [db]);
  if (db === null) return <p className="card muted">Replay needs this device's storage, which the browser refused.</p>;
  if (accounts === null) return <p className="card muted">Loading…</p>;
  return <ReplayScreen accounts={accounts} marks={idbMarkHistory(db)} />;
}
