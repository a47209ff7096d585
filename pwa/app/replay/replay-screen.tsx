import { useState } from 'react';
import type { MarkHistory, MarkPoint } from '../../../shared/ports/mark-history.ts';
import type { PriceTick } from '../../../shared/replay/parse-price-series.ts';
import { isFieldError } from '../../../shared/units/field-error.ts';
import { ReplayChart } from './replay-chart.tsx';
import { leadText, runAccountReplay, symbolsOf, ticksFromCsv, ticksFromHistory, type ReplayAccount, type ReplaySummary } from './replay-model.ts';
import '../settings/settings.css';

export interface ReplayScreenProps {
  /** Accounts to replay: manual accounts and the watched ones as their venues report them, as calc documents. */
  readonly accounts: readonly ReplayAccount[];
  /** The device's mark history (IndexedDB `marks`), keyed `<venue>:<symbol>`. */
  readonly marks: MarkHistory;
}

type Source = 'stored' | 'csv';
type Problem = { field: string; message: string } | null;

const timeText = (t: number): string => new Date(t).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';

/** Replay: a price history through an account with the engine's replay; where each alert fired, and its lead time. */
export function ReplayScreen({ accounts, marks }: ReplayScreenProps) {
  const [accountId, setAccountId] = useState(accounts[0]?.id ?? '');
  const [source, setSource] = useState<Source>('csv');
  const [csv, setCsv] = useState('');
  const [problem, setProblem] = useState<Problem>(null);
  const [summary, setSummary] = useState<ReplaySummary | null>(null);
  const [played, setPlayed] = useState<{ ticks: readonly PriceTick[]; symbol: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // The list can grow after the first render (watched accounts arrive with their reports): none chosen yet is the first.
  const account = accounts.find((a) => a.id === accountId) ?? accounts[0];

  const storedTicks = async (a: ReplayAccount): Promise<PriceTick[]> => {
    const venue = String(a.document['exchange']);
    const histories = new Map<string, readonly MarkPoint[]>();
    for (const symbol of symbolsOf(a)) histories.set(symbol, await marks.read(`${venue}:${symbol}`));
    return ticksFromHistory(histories);
  };

  const run = async (): Promise<void> => {
    setProblem(null);
    setSummary(null);
    if (account === undefined) return setProblem({ field: 'account', message: 'add an account (a manual one will do) to replay' });
    setBusy(true);
    try {
      const ticks = source === 'csv' ? ticksFromCsv(csv, account) : await storedTicks(account);
      if (isFieldError(ticks)) return setProblem({ field: 'csv', message: `${ticks.field}: ${ticks.message}` });
      if (ticks.length === 0) return setProblem({ field: 'source', message: 'no stored prices for this account\'s symbols yet: keep the app open a while, or paste a CSV' });
      const result = runAccountReplay(account, ticks);
      if (isFieldError(result)) return setProblem({ field: 'csv', message: `${result.field}: ${result.message}` });
      // Chart the symbol most notices are about.
      const counts = new Map<string, number>();
      for (const l of result.lines) if (l.symbol !== null) counts.set(l.symbol, (counts.get(l.symbol) ?? 0) + 1);
      const symbol = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? [...symbolsOf(account)][0] ?? '';
      setPlayed({ ticks, symbol });
      setSummary(result);
    } finally {
      setBusy(false);
    }
  };

  const upload = (file: File | undefined): void => {
    if (file === undefined) return;
    if (file.size > 20 * 1024 * 1024) return setProblem({ field: 'csv', message: 'the file is larger than 20 MB' });
    void file.text().then((text) => {
      setCsv(text);
      setSource('csv');
    });
  };

  return (
    <div className="replay" data-testid="replay-screen">
      <section className="card" aria-labelledby="replay-title">
        <h2 id="replay-title">Replay: would it have warned me in time?</h2>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void run();
          }}
        >
          <div className="field">
            <label htmlFor="f-account">Account</label>
            <select id="f-account" value={account?.id ?? ''} onChange={(e) => setAccountId(e.target.value)}>
              {accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.label}
                </option>
              ))}
            </select>
            {problem?.field === 'account' && <span className="field-error" role="alert">{problem.message}</span>}
          </div>
          <fieldset className="choice">
            <legend>Prices</legend>
            <label>
              <input type="radio" name="source" checked={source === 'stored'} onChange={() => setSource('stored')} /> stored on this device
            </label>
            <label>
              <input type="radio" name="source" checked={source === 'csv'} onChange={() => setSource('csv')} /> a CSV: time,symbol,price
            </label>
            {problem?.field === 'source' && <span className="field-error" role="alert">{problem.message}</span>}
          </fieldset>
          {source === 'csv' && (
            <div className="field">
              <label htmlFor="f-csv">Paste the CSV or choose a file</label>
              <textarea
                id="f-csv"
                spellCheck={false}
                value={csv}
                placeholder={'time,symbol,price\n1760130000000,BTCUSDT,97000'}
                aria-invalid={problem?.field === 'csv'}
                aria-describedby={problem?.field === 'csv' ? 'f-csv-error' : undefined}
                onChange={(e) => setCsv(e.target.value)}
              />
              <input type="file" accept=".csv,text/csv,text/plain" aria-label="CSV file" onChange={(e) => upload(e.target.files?.[0])} />
              {problem?.field === 'csv' && (
                <span className="field-error" role="alert" id="f-csv-error" data-testid="error-csv">
                  {problem.message}
                </span>
              )}
            </div>
          )}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Replaying…' : 'Replay'}
          </button>
        </form>
      </section>
      {summary !== null && (
        <section className="card" aria-labelledby="fired-title" data-testid="replay-result">
          <h2 id="fired-title">
            {summary.lines.length === 0 ? 'No alert would have fired' : `${summary.lines.length} alert${summary.lines.length === 1 ? '' : 's'} would have fired`}
          </h2>
          <p className="muted">
            {summary.ticks} price points.{' '}
            {summary.endPoint === null
              ? 'No tier was reached.'
              : summary.endPoint.kind === 'liquidation'
                ? `Liquidation at ${timeText(summary.endPoint.t)}.`
                : `Worst tier: ${summary.endPoint.name} at ${timeText(summary.endPoint.t)} (no liquidation).`}
            {summary.maxRiskRatio !== null && ` Highest rho ${(summary.maxRiskRatio * 100).toFixed(1)} %.`}
          </p>
          {played !== null && played.symbol !== '' && <ReplayChart ticks={played.ticks} lines={summary.lines} symbol={played.symbol} />}
          <ol className="alerts-fired" data-testid="alerts-fired">
            {summary.lines.map((l) => (
              <li key={`${l.id}-${l.t}`}>
                <time dateTime={new Date(l.t).toISOString()}>{timeText(l.t)}</time>
                {l.text}
                {l.leadMs !== null && summary.endPoint !== null && (
                  <div className="lead">
                    {leadText(l.leadMs)} before {summary.endPoint.kind === 'liquidation' ? 'liquidation' : summary.endPoint.name}
                  </div>
                )}
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}
