import type { Severity } from '../../shared/engine/alerts/alert-ladder.ts';
import type { AccountReport } from '../../shared/protocol/account-report.ts';
import type { BadgeLook } from './worker-ports.ts';

const SHORT: Readonly<Record<Severity, string>> = { watch: 'W', 'margin-call': 'MC', critical: 'CR', liquidation: 'LIQ', data: '?' };
const COLOR: Readonly<Record<Severity, string>> = { watch: '#b8860b', 'margin-call': '#e06000', critical: '#c40000', liquidation: '#6d0000', data: '#666666' };
const RANK: Readonly<Record<Severity, number>> = { data: 0, watch: 1, 'margin-call': 2, critical: 3, liquidation: 4 };

/**
 * The toolbar badge: the worst tier across accounts as the alert policy holds it (colour and a short
 * text), with "?" appended when any account's data is stale. Empty when nothing is at a tier and the
 * data is fresh.
 */
export function badgeLook(reports: readonly AccountReport[]): BadgeLook {
  let worst: AccountReport['badge'] | null = null;
  let stale = false;
  for (const r of reports) {
    stale ||= r.badge.stale || r.feed.stale !== null;
    const s = r.badge.severity;
    if (s !== null && (worst === null || worst.severity === null || RANK[s] > RANK[worst.severity])) worst = r.badge;
  }
  const mark = stale ? '?' : '';
  if (worst === null || worst.severity === null) {
    return { text: mark, color: COLOR.data, title: stale ? 'Margin Sentry: data stale' : reports.length === 0 ? 'Margin Sentry: waiting for data' : 'Margin Sentry: all accounts below the ladder' };
  }
  return { text: `${SHORT[worst.severity]}${mark}`, color: COLOR[worst.severity], title: `Margin Sentry: ${worst.tierName ?? worst.severity}${stale ? ' (data stale)' : ''}` };
}
