import type { AccountReport, PositionReport } from '../protocol/account-report.ts';
import { durationText, percentText, priceText } from './figures.ts';
import { RhoLadder } from './rho-ladder.tsx';
import { stopText, suggestionText } from './suggestion-text.ts';

/** One position: rho against the ladder, our liquidation price, each tier's price, the forecast, the suggestions and the stop to set in advance. */
export function PositionCard({ report, position }: { readonly report: AccountReport; readonly position: PositionReport }) {
  const subject = report.subjects.find((s) => s.subject === position.subject);
  const next = position.tiers.find((t) => t.level === position.nextTier);
  const hour = next?.reach.kind === 'projected' ? next.reach.horizons.find((h) => h.horizonSec === 3600) : undefined;
  return (
    <div className="position" data-testid="position" data-key={position.key}>
      <div className="position-head">
        <strong>{position.symbol}</strong> <span className={`side side-${position.side}`}>{position.side}</span> <span className="muted">{position.marginMode}</span>
        {position.status === 'past-liquidation' && <span className="alarm"> past liquidation</span>}
      </div>
      <RhoLadder rho={position.riskRatio} ladder={report.ladder} />
      <div className="figures">
        Liq. <b data-testid="liquidation">{priceText(position.liquidationPrice, 'none')}</b> <span className="muted">mark {priceText(position.markPrice)}</span>
      </div>
      <div className="tiers">
        {position.tiers
          .filter((t) => t.level !== '1')
          .map((t) => (
            <span key={t.level} className={t.reached ? 'tier reached' : 'tier'} data-testid="tier" data-level={t.level}>
              {t.name} <b data-testid="tier-price">{t.reached ? 'reached' : priceText(t.price, 'out of reach')}</b>
              {!t.reached && t.distancePercent !== null && <span className="muted"> {percentText(t.distancePercent)}</span>}
            </span>
          ))}
      </div>
      {next !== undefined && next.reach.kind === 'projected' && (
        <div className="forecast" data-testid="forecast">
          {next.name}: {hour === undefined ? '' : `${Math.round(hour.probability * 100)} % within 1 h, `}median {durationText(next.reach.medianTimeSec)}
        </div>
      )}
      {subject !== undefined && (
        <div className="suggestion" data-testid="suggestion">
          {suggestionText(subject)}
        </div>
      )}
      {stopText(position) !== null && (
        <div className="suggestion" data-testid="protective-stop">
          {stopText(position)}
        </div>
      )}
    </div>
  );
}
