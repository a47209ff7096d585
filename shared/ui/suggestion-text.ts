import type { PositionReport, SubjectReport } from '../protocol/account-report.ts';
import { oddsPercent } from '../protocol/odds-text.ts';
import { priceText, rhoText, usdtText } from './figures.ts';

/** No top-up and no reduction: the subject's rho is at or below the target they would bring it to. */
export const WITHIN_TARGET = 'ρ within target: nothing to add or reduce';

const oddsText = (p: number | null): string => (p === null ? '' : `, 24 h liq. odds ${oddsPercent(p)} %`);

/**
 * The subject's suggestions in one line, the smallest first: the top-up back to the target or the
 * reduction (what each buys), or that rho is within its target (not "no action needed": the odds top-up
 * or a stop too close to set may still ask for action), then, as large as it is, the top-up for 1 % odds
 * of liquidation in 24 h.
 */
export function suggestionText(subject: SubjectReport): string {
  const parts: string[] = [];
  const t = subject.topUp;
  if (t.kind === 'top-up') parts.push(`Add ${usdtText(t.amountUsdt)} (ρ → ${rhoText(t.riskRatioAfter)}${oddsText(t.liquidationOddsAfter)})`);
  const r = subject.reduction;
  if (r.kind === 'reduce') parts.push(`reduce ${r.symbol} by ${r.qty.toPrecision(4)}${r.closesPosition ? ' (close)' : `, liq. → ${priceText(r.liquidationPriceAfter, 'none')}`}`);
  const first = parts.length === 0 ? WITHIN_TARGET : parts.join(' or ');
  const o = subject.oddsTopUp;
  const small = t.kind === 'top-up' ? t.amountUsdt : 0;
  return o.kind === 'top-up' && o.amountUsdt > small ? `${first}; for 1 % liq. odds in 24 h: add ${usdtText(o.amountUsdt)}` : first;
}

/** The position's protective stop in one line, or null when there is none to set. */
export function stopText(position: PositionReport): string | null {
  const s = position.protectiveStop;
  if (s.kind === 'too-close') return `Too close for a stop: liq. ${priceText(s.liquidationPrice)} is within the ${s.bufferPercent.toFixed(2)} % buffer; reduce or add now`;
  if (s.kind !== 'stop') return null;
  const verb = position.side === 'long' ? 'sell' : 'buy';
  return `Stop in advance: ${verb} ${s.closesPosition ? 'all' : String(Number(s.qty.toPrecision(6)))} at ${priceText(s.triggerPrice)} (reduce-only; liq. ${priceText(s.liquidationPrice)})`;
}
