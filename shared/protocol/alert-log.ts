import type { AlertDecision, AlertRecord, ResolveReason } from '../engine/alerts/alert-decision.ts';
import type { Severity } from '../engine/alerts/alert-ladder.ts';
import type { Side } from '../engine/positions/account.ts';
import type { EpochMs, Price, Qty, Ratio, Usdt } from '../units/units.ts';
import { finiteOrNull, priceOf, qtyOf, ratioOf, timeOf, usdtOf } from './protocol-numbers.ts';

/**
 * Every alert the monitor notified and what became of it, as plain data: the alert policy's decisions
 * folded in order by `logDecisions`. The policy's own state keeps only what is open and the notices it
 * sent; a screen's history ("what happened next"), a notification to clear and the relay all need the
 * resolve too, so the home keeps this log beside the monitor snapshot and persists it.
 */
export const ALERT_LOG_VERSION = 1;

export interface AlertLog {
  readonly kind: 'alert-log';
  /** Bumped when a field changes meaning; a reader refuses a version it does not know. */
  readonly version: typeof ALERT_LOG_VERSION;
  /** Oldest first, at most the limit given to logDecisions. */
  readonly entries: readonly AlertEntry[];
}

export const emptyAlertLog: AlertLog = { kind: 'alert-log', version: ALERT_LOG_VERSION, entries: [] };

interface AlertCommon {
  /** The policy's id: the same on every device fed the same marks (subject-key.ts). */
  readonly id: string;
  readonly subject: string;
  readonly severity: Severity;
  readonly channel: 'push' | 'in-app';
  /** The first notice, ms (venue time). */
  readonly openedAt: EpochMs;
  /** The latest notice (first one or reminder), ms. */
  readonly lastNotifiedAt: EpochMs;
  /** Reminders sent after the first notice. */
  readonly reminders: number;
  /** Ids whose notifications the first notice replaced (milder tiers it covers, a prediction it fulfils). */
  readonly supersedes: readonly string[];
  /** null: still open. */
  readonly resolved: { readonly at: EpochMs; readonly reason: ResolveReason } | null;
}

/** A tier entered or forecast, with the numbers of its latest notice. */
export interface RiskAlertEntry extends AlertCommon {
  readonly kind: 'tier' | 'predictive';
  /** Level key of the tier entered (tier) or forecast (predictive). */
  readonly tier: string;
  readonly tierName: string;
  readonly figures: AlertFigures;
}

/** The data went stale: the watcher is blind, which is itself an alert. */
export interface StaleAlertEntry extends AlertCommon {
  readonly kind: 'stale';
  readonly reason: string;
}

export type AlertEntry = RiskAlertEntry | StaleAlertEntry;

export interface AlertFigures {
  /** null: past liquidation (equity at or below zero with a requirement). */
  readonly riskRatio: Ratio | null;
  readonly equityUsdt: Usdt;
  readonly requirementUsdt: Usdt;
  /** Predictive: the forecast that fired; tier: the outlook for the next tier up. null: no tier above has a forecast rule. */
  readonly forecast: AlertForecast | null;
  /** The smallest top-up back to the target rho; 0: none needed. */
  readonly topUpUsdt: Usdt;
  /** The top-up for P(liquidation within 24 h) <= 1 %, beside the first and never capped; 0: none needed (or a record from before it existed). */
  readonly oddsTopUpUsdt: Usdt;
  /** The suggested reduction. null: none needed, or no reduction reaches the target (the top-up is the way). */
  readonly reduction: {
    readonly symbol: string;
    readonly side: Side;
    readonly qty: Qty;
    readonly feeUsdt: Usdt;
    readonly closesPosition: boolean;
  } | null;
  /** The reduce-only stop to set in advance. null: none to set (too close, nothing at risk, or a record from before it existed). */
  readonly protectiveStop: AlertStop | null;
  /** The marks the figures were computed at. */
  readonly marks: Readonly<Record<string, Price>>;
  /** The subject's next funding payment and rho once it is paid (absent: none announced). */
  readonly funding?: AlertFunding;
}

export interface AlertFunding {
  readonly timeMs: EpochMs;
  /** USDT paid (negative: received). */
  readonly costUsdt: Usdt;
  readonly riskRatioBefore: Ratio | null;
  readonly riskRatioAfter: Ratio | null;
}

/** A protective stop as an alert carries it (engine: SuggestedStop). */
export interface AlertStop {
  readonly symbol: string;
  readonly side: Side;
  readonly triggerPrice: Price;
  readonly fillPrice: Price;
  readonly qty: Qty;
  readonly feeUsdt: Usdt;
  readonly closesPosition: boolean;
  readonly liquidationPrice: Price;
}

export interface AlertForecast {
  readonly tier: string;
  readonly tierName: string;
  /** P(touching the tier within horizonSec), in [0, 1]. */
  readonly probability: number;
  readonly horizonSec: number;
  /** Median first-passage time. null: out of reach (no move reaches the tier, or it was not projected). */
  readonly medianTimeSec: number | null;
}

const maybeRatio = (n: number | null): Ratio | null => {
  const f = finiteOrNull(n);
  return f === null ? null : ratioOf(f);
};

/** Each mark as a protocol price, keys in the record's order (a loop: no entry pairs made and dropped per push). */
function marksOf(marks: AlertRecord['marks']): Record<string, Price> {
  const out: Record<string, Price> = {};
  for (const symbol of Object.keys(marks)) out[symbol] = priceOf(marks[symbol]!);
  return out;
}

// Written out, not spread: the relay makes an entry for every push it words (a spread copy of a
// literal was a third of the entry's cost), and the keys keep the order the spread gave them.
function figuresOf(a: AlertRecord): AlertFigures {
  const figures: { -readonly [K in keyof AlertFigures]: AlertFigures[K] } = {
    riskRatio: maybeRatio(a.riskRatio),
    equityUsdt: usdtOf(a.equityUsdt ?? 0),
    requirementUsdt: usdtOf(a.requirementUsdt ?? 0),
    forecast:
      a.forecast === null
        ? null
        : {
            tier: a.forecast.tier,
            tierName: a.forecast.tierName,
            probability: a.forecast.probability,
            horizonSec: a.forecast.horizonSec,
            medianTimeSec: finiteOrNull(a.forecast.medianTimeSec),
          },
    topUpUsdt: usdtOf(a.topUpUsdt ?? 0),
    oddsTopUpUsdt: usdtOf(a.oddsTopUpUsdt ?? 0),
    protectiveStop:
      a.protectiveStop == null
        ? null
        : {
            symbol: a.protectiveStop.symbol,
            side: a.protectiveStop.side,
            triggerPrice: priceOf(a.protectiveStop.triggerPrice),
            fillPrice: priceOf(a.protectiveStop.fillPrice),
            qty: qtyOf(a.protectiveStop.qty),
            feeUsdt: usdtOf(a.protectiveStop.feeUsdt),
            closesPosition: a.protectiveStop.closesPosition,
            liquidationPrice: priceOf(a.protectiveStop.liquidationPrice),
          },
    reduction:
      a.reduction === null
        ? null
        : {
            symbol: a.reduction.symbol,
            side: a.reduction.side,
            qty: qtyOf(a.reduction.qty),
            feeUsdt: usdtOf(a.reduction.feeUsdt),
            closesPosition: a.reduction.closesPosition,
          },
    marks: marksOf(a.marks),
  };
  if (a.funding !== undefined) {
    figures.funding = {
      timeMs: timeOf(a.funding.timeMs),
      costUsdt: usdtOf(a.funding.costUsdt),
      riskRatioBefore: maybeRatio(a.funding.riskRatioBefore),
      riskRatioAfter: maybeRatio(a.funding.riskRatioAfter),
    };
  }
  return figures;
}

/**
 * The entry a first notice opens (what `logDecisions` adds for a notify whose id it does not hold yet):
 * the relay words each push from it alone, without a log to fold it into.
 */
export function alertEntry(a: AlertRecord, supersedes: readonly string[]): AlertEntry {
  const at = timeOf(a.t);
  if (a.kind === 'stale') {
    return { id: a.id, subject: a.subject, severity: a.severity, channel: a.channel, openedAt: at, lastNotifiedAt: at, reminders: a.reminder, supersedes: [...supersedes], resolved: null, kind: 'stale', reason: a.reason ?? 'no fresh data' };
  }
  return {
    id: a.id,
    subject: a.subject,
    severity: a.severity,
    channel: a.channel,
    openedAt: at,
    lastNotifiedAt: at,
    reminders: a.reminder,
    supersedes: [...supersedes],
    resolved: null,
    kind: a.kind,
    tier: a.tier ?? '',
    tierName: a.tierName ?? '',
    figures: figuresOf(a),
  };
}

/**
 * The log with `decisions` applied in order: a first notice opens an entry, a reminder refreshes its
 * time and figures, a resolve closes it. Badge updates are not alerts. Pure; keeps the newest `limit`.
 */
export function logDecisions(log: AlertLog, decisions: readonly AlertDecision[], limit = 500): AlertLog {
  if (decisions.length === 0) return log;
  const entries = [...log.entries];
  const indexOf = (id: string) => entries.findIndex((e) => e.id === id);
  for (const d of decisions) {
    if (d.kind === 'notify') {
      const i = indexOf(d.alert.id);
      const known = entries[i];
      if (known === undefined) {
        entries.push(alertEntry(d.alert, d.supersedes));
        continue;
      }
      const fresh = alertEntry(d.alert, known.supersedes);
      entries[i] = { ...fresh, openedAt: known.openedAt, resolved: known.resolved };
    } else if (d.kind === 'resolve') {
      const i = indexOf(d.id);
      const known = entries[i];
      if (known !== undefined && known.resolved === null) entries[i] = { ...known, resolved: { at: timeOf(d.t), reason: d.reason } };
    }
  }
  return { ...log, entries: entries.slice(-limit) };
}
