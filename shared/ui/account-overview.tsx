import type { AccountReport } from '../protocol/account-report.ts';
import { ageText } from './figures.ts';
import { PositionCard } from './position-card.tsx';

const VENUE_NAMES: Readonly<Record<string, string>> = { binance: 'Binance', bybit: 'Bybit', okx: 'OKX', hyperliquid: 'Hyperliquid' };

/** Worst first: past liquidation (null rho) before any number, then the highest rho. */
export function worstFirst(reports: readonly AccountReport[]): AccountReport[] {
  const key = (r: AccountReport): number => r.account.worstRiskRatio ?? Number.MAX_VALUE;
  return [...reports].sort((a, b) => key(b) - key(a));
}

/** Every account's positions, worst account first, with how fresh its data is. Presentational: data in through props. */
export function AccountOverview({ reports, now }: { readonly reports: readonly AccountReport[]; readonly now: number }) {
  if (reports.length === 0) return <p className="muted" data-testid="empty">Waiting for account data…</p>;
  return (
    <div className="overview">
      {worstFirst(reports).map((r) => {
        const stale = r.badge.stale || r.feed.stale !== null;
        return (
          <section key={r.account.accountId} className="account" data-testid="account" data-account={r.account.accountId}>
            <header>
              <strong>{VENUE_NAMES[r.account.venue] ?? r.account.venue}</strong> <span className="muted">{r.account.accountId}</span>
              {r.badge.tierName !== null && <span className={`pill sev-${r.badge.severity ?? 'safe'}`}>{r.badge.tierName}</span>}
              <span className={stale ? 'fresh stale' : 'fresh'} data-testid="freshness">
                {stale ? `stale: ${r.feed.stale?.reason ?? 'no fresh mark'}` : `updated ${ageText(Math.max(0, now - r.builtAt + r.dataAgeMs))}`}
              </span>
            </header>
            {r.positions.length === 0 ? <p className="muted">No open positions</p> : r.positions.map((p) => <PositionCard key={p.key} report={r} position={p} />)}
          </section>
        );
      })}
    </div>
  );
}
