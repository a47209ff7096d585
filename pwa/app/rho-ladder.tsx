import type { LadderLevel } from '../../shared/protocol/account-report.ts';

/**
 * rho on the call ladder: a fixed-size bar from 0 to 1 (liquidation) with a tick at each tier. Its
 * size never depends on the value, so a tick moves the fill, not the layout.
 */
export function RhoLadder({ rho, ladder }: { rho: number | null; ladder: readonly LadderLevel[] }) {
  const fill = rho === null ? 1 : Math.min(1, Math.max(0, rho));
  return (
    <div className="ladder" role="img" aria-label={`rho ${rho === null ? 'past liquidation' : rho.toFixed(3)} on the ladder ${ladder.map((l) => `${l.name} ${l.level}`).join(', ')}`}>
      <div className="ladder-fill" style={{ transform: `scaleX(${fill})` }} />
      {ladder.map((l) => (
        <span key={l.level} className="ladder-tick" style={{ left: `${Math.min(100, l.riskRatio * 100)}%` }} title={`${l.name} ${l.level}`} />
      ))}
    </div>
  );
}
