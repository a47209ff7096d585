import { fmtTime } from '../format.ts';
import type { MonitorData, MonitorFeed } from '../monitor-feed.ts';
import { alertRows } from './alert-rows.ts';

const HOUR_MS = 3_600_000;

/** The alert history, newest first, with the numbers and what happened next; snooze (1 h) and acknowledge. */
export function AlertsScreen({ data, feed }: { data: MonitorData; feed: MonitorFeed }) {
  const rows = alertRows(data.alerts, data.acknowledged, new Map(data.accounts.map((a) => [a.accountId, a.label])));
  // Snoozes are on the venue's clock (the monitor's); the report's evaluatedAt is that clock now.
  const venueNow = (accountId: string): number | null => data.accounts.find((a) => a.accountId === accountId)?.report.evaluatedAt ?? null;
  return (
    <section aria-labelledby="alerts-title" className="screen">
      <h2 id="alerts-title" className="screen-title">Alerts</h2>
      {rows.length === 0 && <p className="card muted">No alerts yet.</p>}
      {rows.map((r) => {
        const now = venueNow(r.accountId);
        return (
          <article key={r.id} className={`card alert sev-${r.severity}`} data-testid="alert-row" data-alert-id={r.id}>
            <header className="position-head">
              <strong>{r.title}</strong>
              <span className="muted small">{fmtTime(r.openedAt)}</span>
            </header>
            <p className="muted small">{r.where}</p>
            <ul className="numbers">
              {r.numbers.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
            <p data-testid="alert-next">{r.next}</p>
            <div className="actions">
              {r.open && now !== null && (
                <button type="button" onClick={() => feed.snooze(r.accountId, r.subject, now + HOUR_MS)}>
                  Snooze 1 h
                </button>
              )}
              {r.acknowledged ? (
                <span className="muted">Acknowledged</span>
              ) : (
                <button type="button" onClick={() => feed.acknowledge(r.id)}>
                  Acknowledge
                </button>
              )}
            </div>
          </article>
        );
      })}
    </section>
  );
}
