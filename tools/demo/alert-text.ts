import type { AlertDecision } from '../../shared/engine/alerts/alert-decision.ts';

const usdt = (n: number) => `${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} USDT`;
const percent = (p: number) => `${Math.round(p * 100)} %`;
const duration = (sec: number) => (sec >= 3600 ? `${Math.round(sec / 360) / 10} h` : `${Math.max(1, Math.round(sec / 60))} min`);

/**
 * One line for an alert the monitor notified, as a trader would read it: what happened, how likely
 * the next tier is, and the two suggested actions with their numbers. Null for decisions that do not
 * notify (badge updates, resolutions).
 */
export function alertText(decision: AlertDecision): string | null {
  if (decision.kind !== 'notify') return null;
  const a = decision.alert;
  if (a.kind === 'stale') return `ALERT data stale: ${a.reason ?? 'no fresh mark price'}`;
  const rho = a.riskRatio === null || !Number.isFinite(a.riskRatio) ? '' : ` (ρ ${a.riskRatio.toFixed(3)})`;
  const head =
    a.kind === 'predictive' && a.forecast !== null
      ? `FORECAST ${a.forecast.tierName} within ${duration(a.forecast.horizonSec)}: ${percent(a.forecast.probability)}${rho}`
      : `${a.reminder > 0 ? 'REMINDER' : 'ALERT'} ${a.tierName ?? a.tier ?? ''}${rho}`;
  const actions: string[] = [];
  if (a.topUpUsdt !== null && a.topUpUsdt > 0) actions.push(`add ${usdt(a.topUpUsdt)}`);
  if (a.reduction !== null) actions.push(`reduce ${a.reduction.symbol} by ${a.reduction.qty.toPrecision(4)}${a.reduction.closesPosition ? ' (close it)' : ''}`);
  return actions.length > 0 ? `${head}: ${actions.join(' or ')}` : head;
}
