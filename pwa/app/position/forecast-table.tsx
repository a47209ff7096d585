import { fmtDuration } from '../format.ts';
import type { ForecastRow } from './position-view.ts';

/**
 * The forecast by horizon. Each tier is a row group: its name, price and median on a line across the
 * table, then its cells. A tier column beside the cells left the horizons about 60 px each on a 390 px
 * phone, and four "> 99.9 %" cells overflowed the card (a CI run's data did it); across the table the
 * horizons share the whole width. A tier reached, or out of reach, at every horizon says so on its line.
 */
export function ForecastTable({ horizons, forecast }: { horizons: readonly number[]; forecast: readonly ForecastRow[] }) {
  return (
    // Focusable so a keyboard can scroll it sideways if a long median or a sixth horizon ever widens it.
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Forecast by horizon">
      <table className="forecast">
        {horizons.length > 0 && (
          <thead>
            <tr>
              {horizons.map((h) => (
                <th key={h} scope="col">
                  {fmtDuration(h)}
                </th>
              ))}
            </tr>
          </thead>
        )}
        {forecast.map((f) => (
          <tbody key={f.tier}>
            <tr>
              <th scope="rowgroup" colSpan={Math.max(1, horizons.length)}>
                {f.tier} <span className="muted">{f.price}</span>
                <span className="muted small"> · {f.whole ?? `median ${f.median}`}</span>
              </th>
            </tr>
            {f.whole === null && (
              <tr>
                {f.cells.map((c, i) => (
                  <td key={horizons[i]}>
                    {c.odds}
                    {c.sigma !== null && (
                      <>
                        <br />
                        <span className="muted small">{c.sigma}</span>
                      </>
                    )}
                  </td>
                ))}
              </tr>
            )}
          </tbody>
        ))}
      </table>
    </div>
  );
}
