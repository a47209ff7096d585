import { fmtAge, fmtPercent, fmtPrice, fmtProbability, fmtRho, fmtSigma, fmtTime, fmtUsdt, fmtVenueRatio, priceDecimals } from '../format.ts';
import type { MonitorData } from '../monitor-feed.ts';
import { RhoLadder } from '../rho-ladder.tsx';
import { emptyAccounts, overviewRows, type OverviewRow } from './overview-rows.ts';

/** Every account's positions, worst first: rho on the ladder, liquidation, the next tier and its odds, the suggestion, the age. */
export function OverviewScreen({ data, now }: { data: MonitorData; now: number }) {
  const rows = overviewRows(data.accounts, now);
  const empty = emptyAccounts(data.accounts);
  return (
    <section aria-labelledby="overview-title" className="screen">
      <h2 id="overview-title" className="screen-title">Overview</h2>
      {data.accounts.length === 0 && <p className="card muted">Connecting to the accounts… the figures appear once each venue has sent a whole account.</p>}
      {rows.map((r) => (
        <PositionCard key={`${r.accountId}/${r.key}`} row={r} />
      ))}
      {empty.map((e) => (
        <p key={e.accountId} className="card" data-testid="empty-account">
          <strong>{e.label}</strong>: no open positions · wallet {fmtUsdt(e.report.account.walletBalanceUsdt)}
        </p>
      ))}
      {data.accounts.length > 0 && (
        <div className="card accounts">
          <h3>Accounts</h3>
          <ul className="numbers">
            {data.accounts.map((e) => {
              const c = e.report.feed.connections;
              const venue = e.report.account.venueRatio;
              return (
                <li key={e.accountId} data-testid="account-line">
                  <strong>{e.label}</strong>: wallet {fmtUsdt(e.report.account.walletBalanceUsdt)} · equity {fmtUsdt(e.report.account.equityUsdt)} · {venue.name}{' '}
                  {fmtVenueRatio(venue.value, e.report.account.riskRatio)} · feeds {c === null ? 'none' : `public ${c.public}, private ${c.private}`}
                  {e.report.feed.stale !== null && <span className="age-stale"> stale since {fmtTime(e.report.feed.stale.since)}: {e.report.feed.stale.reason}</span>}
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </section>
  );
}

const severityClass = (r: OverviewRow): string =>
  r.status === 'past-liquidation' ? 'sev-liquidation' : r.status === 'closed' ? 'sev-none' : `sev-${r.tier?.severity ?? 'none'}`;

function PositionCard({ row: r }: { row: OverviewRow }) {
  const d = priceDecimals(r.markPrice);
  const state = r.status === 'past-liquidation' ? 'Past liquidation' : r.status === 'closed' ? 'Closed' : r.tier?.name ?? 'Below the ladder';
  const href = `#/position/${encodeURIComponent(r.accountId)}/${encodeURIComponent(r.key)}`;
  return (
    <article className={`card position ${severityClass(r)}`} data-testid="position-card" data-account={r.accountId} data-key={r.key} data-mark={r.markPrice} data-rho={r.rho ?? ''}>
      <header className="position-head">
        <a href={href} className="position-name">
          {r.symbol} <span className="muted">{r.side}</span>
        </a>
        <span className="tier-chip" data-testid="tier">{state}</span>
      </header>
      <p className="muted small">{r.accountLabel}</p>
      {r.status !== 'closed' && <RhoLadder rho={r.rho} ladder={r.ladder} />}
      <dl className="figures">
        <dt>ρ</dt>
        <dd data-testid="rho">{r.rho === null ? 'past liquidation' : fmtRho(r.rho)}</dd>
        <dt>Mark</dt>
        <dd>{fmtPrice(r.markPrice, d)}</dd>
        <dt>Liquidation</dt>
        <dd data-testid="liquidation">{r.status === 'closed' ? 'none (closed)' : r.liquidationPrice === null ? 'none: collateral covers any move' : fmtPrice(r.liquidationPrice, d)}</dd>
        {r.nextTier !== null && (
          <>
            <dt>Next: {r.nextTier.name}</dt>
            <dd>
              {fmtPrice(r.nextTier.price, d)} · {fmtPercent(r.nextTier.distancePercent)} · {fmtSigma(r.nextTier.sigma1h)}
            </dd>
            <dt>P(within 1 h)</dt>
            <dd data-testid="p1h">{fmtProbability(r.nextTier.p1h)}</dd>
          </>
        )}
        {r.venueFigure !== null && (
          <>
            <dt>Venue says</dt>
            <dd>
              liq. {fmtPrice(r.venueFigure.liquidationPrice, d)} <span className="muted">at {fmtTime(r.venueFigure.at)}</span>
            </dd>
          </>
        )}
      </dl>
      <p className="suggestion" data-testid="suggestion">{r.suggestion}</p>
      {r.stop !== null && (
        <p className="suggestion" data-testid="protective-stop">
          {r.stop}
        </p>
      )}
      <p className={r.stale ? 'age age-stale' : 'age muted'} data-testid="age">
        {r.stale ? 'Stale: ' : 'Data '}
        {fmtAge(r.ageMs)}
      </p>
    </article>
  );
}
