import type { SubjectReport } from '../protocol/account-report.ts';
import { priceText, rhoText, usdtText } from './figures.ts';

/** The subject's suggestion in one line: the top-up (what it buys) or the reduction, or nothing needed. */
export function suggestionText(subject: SubjectReport): string {
  const parts: string[] = [];
  if (subject.topUp.kind === 'top-up') parts.push(`Add ${usdtText(subject.topUp.amountUsdt)} (ρ → ${rhoText(subject.topUp.riskRatioAfter)})`);
  const r = subject.reduction;
  if (r.kind === 'reduce') parts.push(`reduce ${r.symbol} by ${r.qty.toPrecision(4)}${r.closesPosition ? ' (close)' : `, liq. → ${priceText(r.liquidationPriceAfter, 'none')}`}`);
  return parts.length === 0 ? 'No action needed' : parts.join(' or ');
}
