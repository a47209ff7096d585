import { useEffect, useState } from 'react';
import { isFieldError } from '../../../shared/units/field-error.ts';
import { getSetting } from '../../platform/app-records.ts';
import { idbMarkHistory } from '../../platform/idb-mark-history.ts';
import type { ScreenProps } from '../screen-props.ts';
import { parseSettings, SETTINGS_NAME } from '../../platform/settings-record.ts';
import { manualReplayAccounts, watchedReplayAccounts, type ReplayAccount } from './replay-model.ts';
import { ReplayScreen } from './replay-screen.tsx';

/**
 * The Replay screen as the app's route renders it: the manual accounts from Settings, then the watched
 * accounts as their venues report them now (the demo's too), and the device's mark history.
 */
export default function ReplayRoute({ db, data, feed }: Pick<ScreenProps, 'db' | 'data' | 'feed'>) {
  const [manual, setManual] = useState<readonly ReplayAccount[] | null>(null);
  useEffect(() => {
    if (db === null) return;
    void getSetting(db, SETTINGS_NAME).then((raw) => {
      const settings = parseSettings(raw);
      setManual(isFieldError(settings) ? [] : manualReplayAccounts(settings));
    });
  }, [db]);
  if (db === null) return <p className="card muted">Replay needs this device's storage, which the browser refused.</p>;
  if (manual === null) return <p className="card muted">Loading…</p>;
  // Read at each render: the watched accounts' documents arrive with their first reports.
  const labels = new Map(data.accounts.map((a) => [a.accountId, a.label]));
  const accounts = [...manual, ...watchedReplayAccounts(feed.watchedDocuments(), labels, new Set(manual.map((a) => a.id)))];
  return <ReplayScreen accounts={accounts} marks={idbMarkHistory(db)} />;
}
