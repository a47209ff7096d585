import { parsePriceCsv } from '../../../shared/replay/parse-price-csv.ts';
import type { PriceTick } from '../../../shared/replay/parse-price-series.ts';
import { replay, type ReplayResult } from '../../../shared/replay/replay.ts';
import type { ReplayAlert } from '../../../shared/replay/replay-alert.ts';
import type { MarkPoint } from '../../../shared/ports/mark-history.ts';
import { isFieldError, type FieldError } from '../../../shared/units/field-error.ts';
import { epochMs, price } from '../../../shared/units/units.ts';
import { policyOf, type PwaSettings } from '../../platform/settings-record.ts';

/**
 * What the Replay screen plays: an account (the calc document, as a manual account or a saved
 * snapshot gives it) through a price history, with the same `replay()` as `npm run replay`, and the
 * lines the screen lists: each notice, and its lead time to the liquidation (or, when the history
 * never liquidates, to the first notice of the worst tier reached).
 */
export interface ReplayAccount {
  readonly id: string;
  readonly label: string;
  /** The calc document: `{exchange, walletBalance, positions, ...}`. */
  readonly document: Record<string, unknown>;
  /** The policy JSON (ladder, target, quiet hours), or undefined for the defaults. */
  readonly policy?: Record<string, unknown>;
}

export interface ReplayLine {
  readonly t: number;
  readonly id: string;
  readonly text: string;
  /** Short name for a chart marker ("Margin call", "Forecast: Critical"). */
  readonly label: string;
  /** The symbol the notice is about (the reduction's symbol for a cross pool), or null. */
  readonly symbol: string | null;
  /**
   * ms from this notice to its subject's liquidation (the subject's first notice at the ladder's top),
   * else to the account's end point; null when there is none (nothing worse came).
   */
  readonly leadMs: number | null;
}

export interface ReplaySummary {
  readonly lines: readonly ReplayLine[];
  /** What the lead times count to. */
  readonly endPoint: { readonly kind: 'liquidation' | 'worst-tier'; readonly t: number; readonly name: string } | null;
  readonly maxRiskRatio: number | null;
  readonly ticks: number;
}

export const symbolsOf = (account: ReplayAccount): Set<string> =>
  new Set(((account.document['positions'] as { symbol?: unknown }[] | undefined) ?? []).map((p) => String(p.symbol)));

/** A pasted or uploaded CSV to ticks for `account`: its symbols only, the first bad cell named. */
export const ticksFromCsv = (text: string, account: ReplayAccount): PriceTick[] | FieldError => parsePriceCsv(text, symbolsOf(account));

/** Stored mark histories (one per symbol, oldest first) to ticks: one tick per distinct time. */
export function ticksFromHistory(histories: ReadonlyMap<string, readonly MarkPoint[]>): PriceTick[] {
  const byTime = new Map<number, Map<string, number>>();
  for (const [symbol, points] of histories) {
    for (const p of points) {
      const marks = byTime.get(p.t) ?? new Map<string, number>();
      marks.set(symbol, p.price);
      byTime.set(p.t, marks);
    }
  }
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([t, marks]): PriceTick => ({ t: epochMs(t), marks: new Map([...marks].map(([k, v]) => [k, price(v)])) }));
}

/** Runs the replay (the one `npm run replay` runs) and lists where each alert fired. */
export function runAccountReplay(account: ReplayAccount, ticks: readonly PriceTick[]): ReplaySummary | FieldError {
  const document = {
    accountId: account.id,
    account: account.document,
    ...(account.policy === undefined ? {} : { policy: account.policy }),
    ticks: ticks.map((t) => [t.t, Object.fromEntries(t.marks)]),
    // A stored or pasted history may have gaps a live feed would call stale; replay the prices only.
    staleAfterMs: null,
  };
  const result = replay(document);
  if (isFieldError(result)) return result;
  return summarise(result, ticks.length);
}

const pct = (r: number | null): string => (r === null ? 'past liquidation' : `rho ${(r * 100).toFixed(1)} %`);

function describe(a: ReplayAlert): string {
  if (a.kind === 'resolve') return `Resolved: ${a.subject} (${a.reason})`;
  if (a.kind === 'stale') return `Stale data: ${a.subject}`;
  const what = a.kind === 'predictive' ? `Forecast: ${a.tierName ?? a.tier} within ${Math.round((a.horizonSec ?? 0) / 60)} min (P ${Math.round((a.probability ?? 0) * 100)} %)` : `${a.tierName ?? a.tier}`;
  const fix = a.topUp !== null ? `, top up ${a.topUp.toFixed(2)} USDT` : '';
  const again = a.reminder > 0 ? ` (reminder ${a.reminder})` : '';
  return `${what}${again}: ${a.symbol ?? a.subject}, ${pct(a.riskRatio)}${fix}`;
}

function summarise(result: ReplayResult, ticks: number): ReplaySummary {
  let worst: { t: number; tier: string | null; tierName: string | null } | undefined;
  for (const a of result.alerts) {
    if (a.kind === 'tier' && (worst === undefined || Number(a.tier) > Number(worst.tier))) worst = a;
  }
  const endPoint =
    result.liquidatedAt !== null
      ? { kind: 'liquidation' as const, t: result.liquidatedAt, name: 'Liquidation' }
      : worst !== undefined
        ? { kind: 'worst-tier' as const, t: worst.t, name: worst.tierName ?? String(worst.tier) }
        : null;
  // Each subject's own end: its first notice at the top of the ladder (liquidation); others count to the account's.
  const topLevel = Math.max(...result.alerts.map((a) => (a.kind === 'tier' ? Number(a.tier) : 0)), 1);
  const subjectEnd = new Map<string, number>();
  for (const a of result.alerts) if (a.kind === 'tier' && Number(a.tier) >= topLevel && !subjectEnd.has(a.subject)) subjectEnd.set(a.subject, a.t);
  const endOf = (subject: string): number | null => subjectEnd.get(subject) ?? endPoint?.t ?? null;
  const lines = result.alerts
    .filter((a) => a.kind !== 'resolve')
    .map((a) => ({
      t: a.t,
      id: a.id,
      text: describe(a),
      label: a.kind === 'stale' ? 'Stale' : `${a.kind === 'predictive' ? 'Forecast: ' : ''}${a.tierName ?? a.tier ?? ''}`,
      symbol: a.kind === 'tier' || a.kind === 'predictive' ? a.symbol : null,
      leadMs: ((end) => (end === null || a.t > end ? null : end - a.t))(endOf(a.subject)),
    }));
  return { lines, endPoint, maxRiskRatio: result.maxRiskRatio, ticks };
}

/** "1 h 04 min", "3 min 20 s", "0 s". */
export function leadText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${s} s`;
}

/** The manual accounts of the settings as replayable accounts (their calc documents and policies). */
export function manualReplayAccounts(settings: PwaSettings): ReplayAccount[] {
  return settings.accounts.flatMap((a) =>
    a.manual === null
      ? []
      : [{ id: a.id, label: `${a.label} (typed by hand)`, document: { exchange: a.venue, walletBalance: a.manual.walletBalance, positions: a.manual.positions }, policy: policyOf(a, settings.quietHours) }],
  );
}

/**
 * The watched accounts (read through a venue, or the demo's) as replayable accounts: their positions and
 * balances as the venue last reported them, and their policy, by name. A manual account is listed once,
 * as typed.
 */
export function watchedReplayAccounts(
  documents: readonly { readonly accountId: string; readonly account: Record<string, unknown>; readonly policy?: Record<string, unknown> }[],
  labels: ReadonlyMap<string, string>,
  manualIds: ReadonlySet<string>,
): ReplayAccount[] {
  return documents
    .filter((d) => !manualIds.has(d.accountId))
    .map((d) => ({ id: d.accountId, label: `${labels.get(d.accountId) ?? d.accountId} (positions now)`, document: d.account, ...(d.policy === undefined ? {} : { policy: d.policy }) }))
    // In the order of their names, not of their first reports.
    .sort((a, b) => a.label.localeCompare(b.label));
}
