import { probabilityWithin } from '../projection/tier-outlook.ts';
import type { AlertDecision, AlertRecord, SubjectFacts, TierForecast } from './alert-decision.ts';
import { levelKey, type AlertPolicyOptions, type TierRule } from './alert-ladder.ts';
import { effectiveTierIndex, LEAVE_BAND } from './effective-tier.ts';
import { predictiveAlertId, tierAlertId } from './subject-key.ts';

/**
 * The alert policy for one risk subject (the cross pool, or one isolated position): tier episodes with
 * hysteresis, the predictive alert for the next tier, reminders, snooze and quiet hours.
 */

/** An alert that is open: its condition holds. `dueAt` is when it should next be notified. */
export interface OpenAlert {
  readonly id: string;
  readonly tierIndex: number;
  readonly since: number;
  /** A notify decision has been emitted for this id (so a resolve will follow). */
  readonly notified: boolean;
  /** Reminders emitted so far. */
  readonly reminders: number;
  /** Next notice (first one or reminder), ms; null when none is scheduled. A due notice held by quiet hours or a snooze stays due. */
  readonly dueAt: number | null;
}

export interface Snooze {
  /** End of the snooze, ms; null = until the subject recovers (nothing push-worthy open). */
  readonly untilMs: number | null;
  /** Alerts at or below this tier index are held; a worse tier still gets through. */
  readonly tierIndex: number;
}

export interface SubjectAlertState {
  /** The effective tier index (hysteresis applied); -1 below the ladder. */
  readonly tierIndex: number;
  /** Open tier alerts, one per tier from 0 to tierIndex, in order. Only the last one notifies. */
  readonly tiers: readonly OpenAlert[];
  /**
   * The worst tier reached since the subject was last below every push tier. Predictions aim above it:
   * a trader who was just told "Critical" and is back at Margin call need not hear "Critical likely".
   */
  readonly peakTierIndex: number;
  /** The open predictive alert for the next tier up (above the peak) that has a predict rule, if it fired. */
  readonly prediction: OpenAlert | null;
  readonly snooze: Snooze | null;
}

export const emptySubjectState: SubjectAlertState = { tierIndex: -1, tiers: [], peakTierIndex: -1, prediction: null, snooze: null };

export interface SubjectStep {
  readonly state: SubjectAlertState;
  readonly decisions: AlertDecision[];
}

/** A record is notified, kept in the history and saved: its numbers are finite or null (never Infinity). */
const finiteOrNull = (n: number | null): number | null => (n !== null && Number.isFinite(n) ? n : null);

const reachOf = (facts: SubjectFacts, rule: TierRule) => facts.searches.reach(levelKey(rule.level));
/** P(touch the rule's level within horizonSec), or a bound on the same side of `cutoff`: only compared with it. */
const probabilityAgainst = (facts: SubjectFacts, rule: TierRule, horizonSec: number, cutoff: number): number =>
  facts.searches.probabilitySide(levelKey(rule.level), horizonSec, cutoff);

/** The next tier above `tierIndex` that has a predict rule. */
function predictionTarget(ladder: readonly TierRule[], tierIndex: number): number | null {
  for (let i = tierIndex + 1; i < ladder.length; i += 1) if (ladder[i]?.predict) return i;
  return null;
}

function forecastFor(facts: SubjectFacts, ladder: readonly TierRule[], target: number | null): TierForecast | null {
  const rule = target === null ? undefined : ladder[target];
  if (rule?.predict == null) return null;
  const reach = reachOf(facts, rule);
  return {
    tier: levelKey(rule.level),
    tierName: rule.name,
    probability: probabilityWithin(reach, rule.predict.horizonSec),
    horizonSec: rule.predict.horizonSec,
    medianTimeSec: finiteOrNull(reach?.medianTimeSec ?? null),
  };
}

/** True when nothing push-worthy is open: what "snooze until it recovers" waits for. */
const hasRecovered = (ladder: readonly TierRule[], tiers: readonly OpenAlert[], prediction: OpenAlert | null): boolean =>
  prediction === null && !tiers.some((a) => ladder[a.tierIndex]?.push === true);

/**
 * How long after a tier's last notice re-entering it may be announced again (issue 13, ask 7): its
 * reminder cadence, else its grace, else (Liquidation has neither) the ladder's shortest cadence.
 */
export function reentryPeriodMs(ladder: readonly TierRule[], tierIndex: number): number {
  return periodOf(ladder[tierIndex], periodsOf(ladder).shortestCadenceMs);
}

const periodOf = (rule: TierRule | undefined, shortestCadenceMs: number): number => rule?.remindEveryMs ?? rule?.graceMs ?? shortestCadenceMs;

/** The longest re-entry period of the ladder: notices older than this (in the monitor's time) decide nothing. */
export const longestReentryMs = (ladder: readonly TierRule[]): number => periodsOf(ladder).longestReentryMs;

/**
 * A ladder's shortest reminder cadence (0 without one) and longest re-entry period, found once per
 * ladder (a ladder is never changed), not at every step that decides something.
 */
const periods = new WeakMap<readonly TierRule[], { readonly shortestCadenceMs: number; readonly longestReentryMs: number }>();
function periodsOf(ladder: readonly TierRule[]): { readonly shortestCadenceMs: number; readonly longestReentryMs: number } {
  let known = periods.get(ladder);
  if (known === undefined) {
    const shortest = Math.min(...ladder.flatMap((r) => (r.remindEveryMs === null ? [] : [r.remindEveryMs])));
    const shortestCadenceMs = Number.isFinite(shortest) ? shortest : 0;
    const longest = Math.max(0, ...ladder.map((r) => periodOf(r, shortestCadenceMs)));
    periods.set(ladder, (known = { shortestCadenceMs, longestReentryMs: longest }));
  }
  return known;
}

/**
 * When `subject`'s tier was last notified (any channel), or its forecast last pushed (one shown in the
 * app only does not count), in the policy's history; null if never.
 */
export function lastNoticeAt(history: readonly AlertRecord[], ladder: readonly TierRule[], subject: string, tierIndex: number, kind: 'tier' | 'predictive'): number | null {
  const rule = ladder[tierIndex];
  const tier = rule === undefined ? null : levelKey(rule.level);
  for (let i = history.length - 1; i >= 0; i -= 1) {
    const a = history[i];
    if (a === undefined || a.kind !== kind || a.subject !== subject || a.tier !== tier) continue;
    if (kind === 'tier' || a.channel === 'push') return a.t;
  }
  return null;
}

// The helpers below are module functions, not closures made in stepSubject: it runs for every subject
// on every tick, and a closure per call is an allocation (and, under tsx, a defineProperty) per call.

function resolveInto(decisions: AlertDecision[], alert: OpenAlert, subject: string, now: number, reason: 'recovered' | 'reached' | 'withdrawn'): void {
  if (alert.notified) decisions.push({ kind: 'resolve', id: alert.id, subject, t: now, reason });
}

/** A due notice held by quiet hours (unless its tier bypasses them) or by a snooze at or above its tier. */
const isHeld = (alert: OpenAlert, rule: TierRule, isQuiet: boolean, snooze: Snooze | null): boolean =>
  rule.push && ((isQuiet && !rule.bypassesQuietHours) || (snooze !== null && alert.tierIndex <= snooze.tierIndex));

/** The notice for `alert`: what the trader is shown, every number finite or null. */
function alertRecord(
  facts: SubjectFacts,
  ladder: readonly TierRule[],
  now: number,
  alert: OpenAlert,
  kind: 'tier' | 'predictive',
  rule: TierRule,
  forecastTarget: number | null,
  shownOnly: boolean,
): AlertRecord {
  return {
    id: alert.id,
    kind,
    subject: facts.subject,
    t: now,
    severity: rule.severity,
    tier: levelKey(rule.level),
    tierName: rule.name,
    channel: rule.push && !shownOnly ? 'push' : 'in-app',
    reminder: alert.notified ? alert.reminders + 1 : 0,
    riskRatio: finiteOrNull(facts.riskRatio),
    equityUsdt: finiteOrNull(facts.equityUsdt),
    requirementUsdt: finiteOrNull(facts.requirementUsdt),
    forecast: forecastFor(facts, ladder, kind === 'predictive' ? alert.tierIndex : forecastTarget),
    symbol: facts.symbol,
    side: facts.side,
    topUpUsdt: finiteOrNull(facts.topUpUsdt),
    oddsTopUpUsdt: finiteOrNull(facts.searches.oddsTopUpUsdt()),
    reduction: facts.reduction,
    protectiveStop: facts.searches.protectiveStop(),
    marks: facts.searches.marks(),
    reason: null,
    ...(facts.funding === undefined || facts.funding === null ? {} : { funding: facts.funding }),
  };
}

const NO_HISTORY: readonly AlertRecord[] = [];

export function stepSubject(
  previous: SubjectAlertState | undefined,
  facts: SubjectFacts,
  now: number,
  options: AlertPolicyOptions,
  isQuiet: boolean,
  /**
   * The policy's history (notified alerts, oldest first): a re-entry waits a period after the tier's
   * last notice, a forecast raised again within one of its last push is shown, not pushed.
   */
  history: readonly AlertRecord[] = NO_HISTORY,
): SubjectStep {
  const { ladder } = options;
  const prev = previous ?? emptySubjectState;
  const decisions: AlertDecision[] = [];
  const subject = facts.subject;
  let snooze = prev.snooze !== null && prev.snooze.untilMs !== null && now >= prev.snooze.untilMs ? null : prev.snooze;

  // 1. Tier episodes: escalate at once, leave through the hysteresis band (in rho, then in price).
  // Below every tier there is nothing to leave, and the band is never asked: no closure for it then.
  const isNear =
    prev.tierIndex < 0
      ? undefined
      : (i: number): boolean => {
          const rule = ladder[i];
          return rule !== undefined && probabilityAgainst(facts, rule, LEAVE_BAND.horizonSec, LEAVE_BAND.probability) >= LEAVE_BAND.probability;
        };
  const tierIndex = effectiveTierIndex(ladder, prev.tierIndex, facts.riskRatio, options.hysteresis, isNear);
  let tiers: OpenAlert[] = [...prev.tiers];
  const reached: string[] = [];
  if (tierIndex > prev.tierIndex) {
    tiers = tiers.map((a) => ({ ...a, dueAt: null }));
    for (let i = prev.tierIndex + 1; i <= tierIndex; i += 1) {
      const rule = ladder[i];
      if (rule === undefined) continue;
      // Only the worst new tier is announced; the ones jumped over are covered by it. Back in a tier
      // announced less than a reminder period ago, the notice waits until that period is over.
      const last = i === tierIndex ? lastNoticeAt(history, ladder, subject, i, 'tier') : null;
      const dueAt = i !== tierIndex ? null : last === null ? now : Math.max(now, last + reentryPeriodMs(ladder, i));
      tiers.push({ id: tierAlertId(facts.subject, levelKey(rule.level), now), tierIndex: i, since: now, notified: false, reminders: 0, dueAt });
    }
  } else if (tierIndex < prev.tierIndex) {
    for (const a of tiers) if (a.tierIndex > tierIndex) resolveInto(decisions, a, subject, now, 'recovered');
    tiers = tiers.filter((a) => a.tierIndex <= tierIndex);
    const top = tiers[tiers.length - 1];
    const rule = top === undefined ? undefined : ladder[top.tierIndex];
    if (top !== undefined && rule !== undefined) {
      // Back in a tier the trader already heard about (or that a worse one covered): remind after its grace.
      tiers[tiers.length - 1] = { ...top, dueAt: rule.graceMs === null ? null : now + rule.graceMs };
    }
  }

  // 2. The prediction for the next tier up (above the episode's peak).
  const firstPush = ladder.findIndex((r) => r.push);
  const peakTierIndex = tierIndex < firstPush || firstPush < 0 ? tierIndex : Math.max(prev.peakTierIndex, tierIndex);
  const target = predictionTarget(ladder, peakTierIndex);
  let prediction = prev.prediction;
  if (prediction !== null && prediction.tierIndex !== target) {
    if (prediction.tierIndex <= tierIndex) {
      resolveInto(decisions, prediction, subject, now, 'reached');
      if (prediction.notified) reached.push(prediction.id);
    } else {
      resolveInto(decisions, prediction, subject, now, 'withdrawn');
    }
    prediction = null;
  }
  const targetRule = target === null ? undefined : ladder[target];
  if (target !== null && targetRule?.predict != null) {
    // The one comparison this step makes: against the threshold to raise, or its hysteresis to withdraw.
    const cutoff = prediction === null ? targetRule.predict.threshold : targetRule.predict.threshold - options.predictionHysteresis;
    const p = probabilityAgainst(facts, targetRule, targetRule.predict.horizonSec, cutoff);
    if (prediction === null && p >= cutoff) {
      prediction = { id: predictiveAlertId(facts.subject, levelKey(targetRule.level), now), tierIndex: target, since: now, notified: false, reminders: 0, dueAt: now };
    } else if (prediction !== null && p < cutoff) {
      resolveInto(decisions, prediction, subject, now, 'withdrawn');
      prediction = null;
    }
  }

  if (snooze?.untilMs === null && hasRecovered(ladder, tiers, prediction)) snooze = null;

  // 3. Deliver what is due, unless quiet hours or a snooze hold it (held notices stay due).
  let pushed = false;
  const top = tiers[tiers.length - 1];
  const topRule = top === undefined ? undefined : ladder[top.tierIndex];
  if (top !== undefined && topRule !== undefined && top.dueAt !== null && top.dueAt <= now && !isHeld(top, topRule, isQuiet, snooze)) {
    // A first notice replaces the notifications of the milder tiers it covers and of a prediction it fulfils.
    const supersedes = top.notified ? [] : [...tiers.filter((a) => a !== top && a.notified).map((a) => a.id), ...reached];
    decisions.push({ kind: 'notify', alert: alertRecord(facts, ladder, now, top, 'tier', topRule, target, false), supersedes });
    pushed = topRule.push;
    const interval = top.notified ? topRule.remindEveryMs : topRule.graceMs;
    tiers[tiers.length - 1] = {
      ...top,
      notified: true,
      reminders: top.notified ? top.reminders + 1 : 0,
      dueAt: interval === null ? null : now + interval,
    };
  }
  if (prediction !== null && targetRule !== undefined && prediction.dueAt !== null && prediction.dueAt <= now) {
    if (pushed) {
      // The tier alert just pushed carries this forecast; a second push in the same instant is noise.
      prediction = { ...prediction, dueAt: null };
    } else {
      // A forecast withdrawn and raised again less than a reminder period after its last push is shown
      // in the app but not pushed (issue 13, ask 2: a trend re-fires forecasts; the trader heard it).
      const last = lastNoticeAt(history, ladder, subject, prediction.tierIndex, 'predictive');
      const shownOnly = last !== null && now < last + reentryPeriodMs(ladder, prediction.tierIndex);
      if (shownOnly || !isHeld(prediction, targetRule, isQuiet, snooze)) {
        decisions.push({ kind: 'notify', alert: alertRecord(facts, ladder, now, prediction, 'predictive', targetRule, target, shownOnly), supersedes: [] });
        prediction = { ...prediction, notified: true, dueAt: null };
      }
    }
  }

  return { state: { tierIndex, tiers, peakTierIndex, prediction, snooze }, decisions };
}

/** Resolves everything a subject had open: its position was closed or the account no longer has it. */
export function closeSubject(state: SubjectAlertState, subject: string, now: number): AlertDecision[] {
  const open = [...state.tiers, ...(state.prediction === null ? [] : [state.prediction])];
  return open
    .filter((a) => a.notified)
    .map((a): AlertDecision => ({ kind: 'resolve', id: a.id, subject, t: now, reason: 'closed' }));
}
