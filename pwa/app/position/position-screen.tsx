import { useEffect, useState } from 'react';
import type { IDBPDatabase } from 'idb';
import type { MarkPoint } from '../../../shared/ports/mark-history.ts';
import type { SentryDb } from '../../platform/db-schema.ts';
import { idbMarkHistory } from '../../platform/idb-mark-history.ts';
import { fmtPrice, fmtQty, fmtRho, fmtUsdt } from '../format.ts';
import type { MonitorData } from '../monitor-feed.ts';
import { ForecastTable } from './forecast-table.tsx';
import { PositionChart } from './position-chart.tsx';
import { positionView } from './position-view.ts';

/** One position: the chart, the forecast by horizon, the suggestions and what they buy, the venue's page. */
export default function PositionScreen({ data, db, accountId, positionKey }: { data: MonitorData; db: IDBPDatabase<SentryDb> | null; accountId: string; positionKey: string }) {
  const view = positionView(data.accounts, accountId, positionKey);
  const [stored, setStored] = useState<readonly MarkPoint[]>([]);
  const venue = view?.entry.report.account.venue;
  const symbol = view?.position.symbol;
  useEffect(() => {
    if (db === null || venue === undefined || symbol === undefined) return;
    let live = true;
    void idbMarkHistory(db)
      .read(`${venue}:${symbol}`)
      .then((points) => live && setStored(points))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [db, venue, symbol]);

  if (view === null) {
    return (
      <section className="screen">
        <h2 className="screen-title">Position</h2>
        <p className="card">This position is not in the latest data (closed, or not loaded yet). <a href="#/">Back to the overview</a></p>
      </section>
    );
  }
  const p = view.position;
  const d = view.decimals;
  const alerts = data.alerts.filter((a) => a.accountId === accountId && a.entry.subject === p.subject);
  return (
    <section aria-labelledby="position-title" className="screen">
      <h2 id="position-title" className="screen-title">
        {p.symbol} {p.side} <span className="muted small">{view.entry.label}</span>
      </h2>
      <div className="card">
        <PositionChart view={view} stored={stored} trail={data.trails.get(`${accountId}/${p.key}`) ?? []} alerts={alerts} />
      </div>
      <dl className="card figures">
        <dt>ρ</dt>
        <dd data-testid="rho">{p.riskRatio === null ? 'past liquidation' : fmtRho(p.riskRatio)}</dd>
        <dt>Mark</dt>
        <dd>{fmtPrice(p.markPrice, d)}</dd>
        <dt>Entry</dt>
        <dd>{fmtPrice(p.entryPrice, d)}</dd>
        <dt>Size</dt>
        <dd>
          {fmtQty(p.qty)} · {fmtUsdt(p.notionalUsdt)}
        </dd>
        <dt>Liquidation</dt>
        <dd>{p.liquidationPrice === null ? 'none' : fmtPrice(p.liquidationPrice, d)}</dd>
        <dt>Margin</dt>
        <dd>
          {p.marginMode}
          {p.leverage === null ? '' : ` · ${p.leverage}x`}
        </dd>
      </dl>
      <div className="card">
        <h3>Forecast</h3>
        <ForecastTable horizons={view.horizons} forecast={view.forecast} />
      </div>
      <div className="card">
        <h3>What to do</h3>
        {view.suggestions.length === 0 && <p>No action needed.</p>}
        <ul className="numbers">
          {view.suggestions.map((s) => (
            <li key={s.what} data-testid="suggestion-line">
              <strong>{s.what}</strong>
              <br />
              <span className="muted">{s.detail}</span>
            </li>
          ))}
        </ul>
        <p>
          <a href={view.venueUrl} target="_blank" rel="noopener noreferrer">
            Open {p.symbol} on {view.entry.report.account.venue}
          </a>
        </p>
      </div>
    </section>
  );
}
