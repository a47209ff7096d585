import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { AccountReport } from '../../shared/protocol/account-report.ts';
import { AccountOverview } from '../../shared/ui/account-overview.tsx';
import { streamReports } from '../platform/runtime-client.ts';

/** The 380 px popup: the worker streams reports on a port while it is open. */
function Popup() {
  const [reports, setReports] = useState<readonly AccountReport[] | null>(null);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    let stop = (): void => undefined;
    // A worker killed while the popup is open drops the port: connect again, which wakes it.
    const connect = (): void => {
      stop = streamReports(
        (r) => {
          setReports(r);
          setNow(Date.now());
        },
        () => setTimeout(connect, 500),
      );
    };
    connect();
    return () => stop();
  }, []);
  return (
    <main>
      <header className="popup-head">
        <strong>Margin Sentry</strong>
        <a href="../options/options.html" target="_blank" rel="noreferrer">
          Options
        </a>
      </header>
      {reports === null ? <p className="muted">Connecting…</p> : <AccountOverview reports={reports} now={now} />}
    </main>
  );
}

const root = document.getElementById('root');
if (root !== null)
  createRoot(root).render(
    <StrictMode>
      <Popup />
    </StrictMode>,
  );
