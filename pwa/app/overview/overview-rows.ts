import type { AccountReport, LadderLevel, PositionReport, SubjectReport } from '../../../shared/protocol/account-report.ts';
import { stopText, WITHIN_TARGET } from '../../../shared/ui/suggestion-text.ts';
import type { AccountEntry } from '../monitor-feed.ts';

/**
 * What the Overview shows per position, worst first: plain figures from the account report, chosen
 * and ordered here so the screen only lays them out (and the logic is tested without a DOM).
 */
export const ONE_HOUR_SEC = 3600;

export type RowStatus = 'open' | 'past-liquidation' | 'closed';

export interface OverviewRow {
  readonly accountId: string;
  readonly accountLabel: string;
  readonly key: string;
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly status: RowStatus;
  /** null: past liquidation. */
  readonly rho: number | null;
  readonly ladder: readonly LadderLevel[];
  /** Name and severity of the tier the alert policy holds the subject in; null below the ladder. */
  readonly tier: { readonly name: string; readonly severity: string } | null;
  readonly markPrice: number;
  readonly liquidationPrice: number | null;
  readonly nextTier: { readonly name: string; readonly price: number | null; readonly distancePercent: number | null; readonly sigma1h: number | null; readonly p1h: number | null } | null;
  readonly suggestion: string;
  /** The reduce-only stop to set in advance, in words; null: none to set (shared/ui/suggestion-text.ts, stopText). */
  readonly stop: string | null;
  /** How old the figures are now, ms. */
  readonly ageMs: number;
  readonly stale: boolean;
  readonly venueFigure: { readonly liquidationPrice: number; readonly at: number } | null;
}

const hourOf = (t: PositionReport['tiers'][number] | undefined): { p: number | null; sd: number | null } => {
  if (t === undefined) return { p: null, sd: null };
  if (t.reach.kind === 'reached') return { p: 1, sd: 0 };
  if (t.reach.kind === 'out-of-reach') return { p: 0, sd: null };
  const h = t.reach.horizons.find((x) => x.horizonSec === ONE_HOUR_SEC) ?? null;
  return { p: h?.probability ?? null, sd: h?.distanceSd ?? null };
};

const usdtWords = (n: number): string => `${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} USDT`;

/**
 * The subject's suggestions in words with their numbers, the smallest first ("Add 1,234.56 USDT to the
 * wallet or reduce ..."), or that rho is within its target; then the top-up for 1 % odds of liquidation
 * in 24 h when it is larger, as large as it is. Not "No action needed" when rho is within target: the odds
 * top-up, or a stop too close to set (the row's stop line), may still ask for action.
 */
export function suggestionText(subject: SubjectReport | undefined): string {
  if (subject === undefined) return 'No action needed';
  const first = targetText(subject) ?? WITHIN_TARGET;
  const o = subject.oddsTopUp;
  const small = subject.topUp.kind === 'top-up' ? subject.topUp.amountUsdt : 0;
  return o.kind === 'top-up' && o.amountUsdt > small ? `${first}. For 1 % odds of liquidation in 24 h: add ${usdtWords(o.amountUsdt)}` : first;
}

function targetText(subject: SubjectReport): string | null {
  const parts: string[] = [];
  if (subject.topUp.kind === 'top-up') {
    parts.push(`Add ${subject.topUp.amountUsdt.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} USDT to the ${subject.topUp.to}`);
  }
  const r = subject.reduction;
  if (r.kind === 'reduce') parts.push(r.closesPosition ? `close ${r.symbol} ${r.side}` : `reduce ${r.symbol} ${r.side} by ${Number(r.qty.toPrecision(6))}`);
  if (parts.length === 0) return null;
  const text = parts.join(' or ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function rowsOf(entry: AccountEntry, now: number): OverviewRow[] {
  const report: AccountReport = entry.report;
  const ageMs = entry.restored ? Math.max(0, now - entry.at) + report.dataAgeMs : report.dataAgeMs + Math.max(0, now - entry.at);
  return report.positions.map((p): OverviewRow => {
    const subject = report.subjects.find((s) => s.subject === p.subject);
    const tierLevel = subject?.alertTier ?? null;
    const tier = tierLevel === null ? null : report.ladder.find((l) => l.level === tierLevel) ?? null;
    const next = p.nextTier === null ? undefined : p.tiers.find((t) => t.level === p.nextTier);
    const hour = hourOf(next);
    return {
      accountId: entry.accountId,
      accountLabel: entry.label,
      key: p.key,
      symbol: p.symbol,
      side: p.side,
      status: p.status,
      rho: p.riskRatio,
      ladder: report.ladder,
      tier: tier === null ? null : { name: tier.name, severity: tier.severity },
      markPrice: p.markPrice,
      liquidationPrice: p.liquidationPrice,
      nextTier: next === undefined ? null : { name: next.name, price: next.price, distancePercent: next.distancePercent, sigma1h: hour.sd, p1h: hour.p },
      suggestion: p.status === 'closed' ? 'Closed: nothing at risk' : suggestionText(subject),
      stop: p.status === 'closed' ? null : stopText(p),
      ageMs,
      stale: entry.restored || report.badge.stale || report.feed.symbols.some((s) => s.symbol === p.symbol && s.state === 'stale'),
      venueFigure: p.venueFigure,
    };
  });
}

/** Past liquidation first, then by rho, highest first; closed positions last. */
export function worstFirst(rows: readonly OverviewRow[]): OverviewRow[] {
  const rank = { 'past-liquidation': 2, open: 1, closed: 0 } as const;
  const rho = (r: OverviewRow): number => (r.rho === null ? Number.MAX_VALUE : r.rho);
  return [...rows].sort((a, b) => rank[b.status] - rank[a.status] || rho(b) - rho(a) || a.accountId.localeCompare(b.accountId) || a.key.localeCompare(b.key));
}

export const overviewRows = (entries: readonly AccountEntry[], now: number): OverviewRow[] => worstFirst(entries.flatMap((e) => rowsOf(e, now)));

/** Accounts with nothing open, so the screen can say so instead of showing nothing. */
export const emptyAccounts = (entries: readonly AccountEntry[]): AccountEntry[] => entries.filter((e) => e.report.positions.length === 0);
