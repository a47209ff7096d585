import type { LadderLevel } from '../protocol/account-report.ts';
import { rhoText } from './figures.ts';

/** rho on a bar from 0 to 1 (liquidation), with a tick at each ladder level. */
export function RhoLadder({ rho, ladder }: { readonly rho: number | null; readonly ladder: readonly LadderLevel[] }) {
  const filled = rho === null ? 1 : Math.min(1, Math.max(0, rho));
  const reached = [...ladder].reverse().find((l) => rho === null || rho >= l.riskRatio);
  return (
    <div className="rho" title={`ρ ${rhoText(rho)}${reached ? `: ${reached.name}` : ''}`}>
      <div className="rho-bar">
        <div className={`rho-fill sev-${reached?.severity ?? 'safe'}`} style={{ width: `${filled * 100}%` }} />
        {ladder.map((l) => (
          <div key={l.level} className="rho-tick" style={{ left: `${Math.min(1, l.riskRatio) * 100}%` }} />
        ))}
      </div>
      <span className="rho-value" data-testid="rho">
        ρ {rhoText(rho)}
      </span>
      <span className="rho-tier">{reached?.name ?? 'below the ladder'}</span>
    </div>
  );
}
