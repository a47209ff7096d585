import type { ResolveReason } from '../../../shared/engine/alerts/alert-decision.ts';
import type { AlertEntry } from '../../../shared/protocol/alert-log.ts';
import { subjectLabel } from '../../../shared/protocol/alert-notification.ts';
import { fmtDuration, fmtPrice, fmtProbability, fmtQty, fmtRho, fmtUsdt, priceDecimals } from '../format.ts';
import type { AlertItem } from '../monitor-feed.ts';

/** One line of the alert history: the numbers behind the alert and what happened next, in words. */
export interface AlertRow {
  readonly id: string;
  readonly accountId: string;
  readonly subject: string;
  readonly title: string;
  readonly where: string;
  readonly severity: string;
  readonly openedAt: number;
  readonly numbers: readonly string[];
  readonly next: string;
  readonly open: boolean;
  readonly acknowledged: boolean;
}

const NO_LABELS: ReadonlyMap<string, string> = new Map();

const REASONS: Readonly<Record<ResolveReason, string>> = {
  recovered: 'recovered below the tier',
  reached: 'the forecast tier was reached',
  withdrawn: 'the forecast eased and was withdrawn',
  closed: 'the position was closed',
  'data-fresh': 'the data is fresh again',
};

export function nextText(entry: AlertEntry): string {
  const reminded = entry.reminders > 0 ? ` after ${entry.reminders} reminder${entry.reminders === 1 ? '' : 's'}` : '';
  if (entry.resolved === null) return `Still open${reminded}`;
  const lasted = fmtDuration((entry.resolved.at - entry.openedAt) / 1000);
  return `Over after ${lasted}${reminded}: ${REASONS[entry.resolved.reason]}`;
}

export function numbersOf(entry: AlertEntry): string[] {
  if (entry.kind === 'stale') return [entry.reason];
  const f = entry.figures;
  const out = [`ρ ${f.riskRatio === null ? 'past liquidation' : fmtRho(f.riskRatio)}`, `equity ${fmtUsdt(f.equityUsdt)}`, `requirement ${fmtUsdt(f.requirementUsdt)}`];
  if (f.forecast !== null) out.push(`${f.forecast.tierName} ${fmtProbability(f.forecast.probability)} within ${fmtDuration(f.forecast.horizonSec)}`);
  if (f.topUpUsdt > 0) out.push(`top-up ${fmtUsdt(f.topUpUsdt)}`);
  if (f.reduction !== null) out.push(`${f.reduction.closesPosition ? 'close' : 'reduce'} ${f.reduction.symbol} ${fmtQty(f.reduction.qty)} (fee ${fmtUsdt(f.reduction.feeUsdt)})`);
  if (f.oddsTopUpUsdt > f.topUpUsdt) out.push(`for 1 % liquidation odds in 24 h: top-up ${fmtUsdt(f.oddsTopUpUsdt)}`);
  const stop = f.protectiveStop;
  if (stop !== null) out.push(`stop ${stop.side === 'long' ? 'sell' : 'buy'} ${stop.closesPosition ? 'all' : fmtQty(stop.qty)} ${stop.symbol} at ${fmtPrice(stop.triggerPrice, priceDecimals(stop.triggerPrice))}`);
  return out;
}

/**
 * `labels`: account id -> the name the trader gave it, from the accounts being watched. Alerts read back
 * from the store after a restart carry only their account id, which the screen would otherwise show.
 */
export function alertRow(item: AlertItem, acknowledged: ReadonlySet<string>, labels: ReadonlyMap<string, string> = NO_LABELS): AlertRow {
  const e = item.entry;
  const title = e.kind === 'stale' ? 'Data stale' : e.kind === 'predictive' ? `${e.tierName} likely` : e.tierName;
  return {
    id: e.id,
    accountId: item.accountId,
    subject: e.subject,
    title,
    where: `${subjectLabel(e.subject)} · ${labels.get(item.accountId) ?? item.label}`,
    severity: e.severity,
    openedAt: e.openedAt,
    numbers: numbersOf(e),
    next: nextText(e),
    open: e.resolved === null,
    acknowledged: acknowledged.has(e.id),
  };
}

/** Newest first. */
export const alertRows = (items: readonly AlertItem[], acknowledged: ReadonlySet<string>, labels: ReadonlyMap<string, string> = NO_LABELS): AlertRow[] =>
  [...items].sort((a, b) => b.entry.openedAt - a.entry.openedAt || a.entry.id.localeCompare(b.entry.id)).map((i) => alertRow(i, acknowledged, labels));
