import type { AlertDecision, ResolveReason } from '../engine/alerts/alert-decision.ts';

/**
 * One line of the replay's `alerts`: a notice (tier, predictive, stale; reminders repeat the id with
 * `reminder` > 0) or the end of one (`resolve`). The id is the monitor's own, so a replayed alert can
 * be matched with the live one. Numbers are as the policy saw them; rho past liquidation is null.
 */
export type ReplayAlert = ReplayRiskAlert | ReplayStaleAlert | ReplayResolve;

interface Notice {
  /** Time of the step that raised it (tick time, or the due time of a reminder or a stale bound). */
  readonly t: number;
  readonly id: string;
  readonly subject: string;
  /** `in-app` for tiers that do not push (Watch). */
  readonly channel: 'push' | 'in-app';
  /** 0 for the first notice of the id, then 1, 2, ... */
  readonly reminder: number;
}

export interface ReplayRiskAlert extends Notice {
  readonly kind: 'tier' | 'predictive';
  /** The tier entered (tier) or forecast (predictive), as a level key: "0.8". */
  readonly tier: string | null;
  readonly tierName: string | null;
  /** The reduction's symbol for a cross pool, the position's for an isolated one. */
  readonly symbol: string | null;
  /** The subject's rho at the time (the pool's or the isolated position's); null past liquidation. */
  readonly riskRatio: number | null;
  /** Predictive only: P(touching the tier within horizonSec), and the median time to it. */
  readonly probability?: number;
  readonly horizonSec?: number;
  readonly medianTimeSec?: number | null;
  /** Suggested top-up, USDT (to the wallet if cross, to the position if isolated). */
  readonly topUp: number | null;
  /** Suggested reduction of `symbol`, base units; null when none helps. */
  readonly reduceQty: number | null;
}

export interface ReplayStaleAlert extends Notice {
  readonly kind: 'stale';
  readonly reason: string | null;
}

export interface ReplayResolve {
  readonly t: number;
  readonly id: string;
  readonly kind: 'resolve';
  readonly subject: string;
  readonly reason: ResolveReason;
}

const finiteOrNull = (n: number | null): number | null => (n !== null && Number.isFinite(n) ? n : null);

/** The replay line for a decision; null for decisions that are not alerts (the badge). */
export function replayAlertOf(decision: AlertDecision): ReplayAlert | null {
  switch (decision.kind) {
    case 'update-badge':
      return null;
    case 'resolve':
      return { t: decision.t, id: decision.id, kind: 'resolve', subject: decision.subject, reason: decision.reason };
    case 'notify': {
      const a = decision.alert;
      const head = { t: a.t, id: a.id };
      const notice = { subject: a.subject, channel: a.channel, reminder: a.reminder };
      if (a.kind === 'stale') return { ...head, kind: 'stale', ...notice, reason: a.reason };
      const forecast = a.kind === 'predictive' && a.forecast !== null
        ? { probability: a.forecast.probability, horizonSec: a.forecast.horizonSec, medianTimeSec: finiteOrNull(a.forecast.medianTimeSec) }
        : {};
      return {
        ...head,
        kind: a.kind,
        ...notice,
        tier: a.tier,
        tierName: a.tierName,
        symbol: a.symbol,
        riskRatio: finiteOrNull(a.riskRatio),
        ...forecast,
        topUp: finiteOrNull(a.topUpUsdt),
        reduceQty: a.reduction?.qty ?? null,
      };
    }
  }
}
