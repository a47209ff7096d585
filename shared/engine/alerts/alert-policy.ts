import type { AlertDecision, AlertRecord, PolicyFacts, StaleFact } from './alert-decision.ts';
import { levelKey, type AlertPolicyOptions } from './alert-ladder.ts';
import { isQuietAt } from './quiet-hours.ts';
import { staleAlertId } from './subject-key.ts';
import { closeSubject, stepSubject, type OpenAlert, type SubjectAlertState } from './subject-alerts.ts';

/**
 * The alert policy: previous state + facts + now -> next state + decisions. Pure; the clock is the
 * `now` argument, so a replay and the live feed, given the same facts at the same times, decide the
 * same things with the same ids.
 */

export interface StaleAlertState extends OpenAlert {
  readonly subject: string;
  readonly reason: string;
}

export interface AlertPolicyState {
  readonly subjects: Readonly<Record<string, SubjectAlertState>>;
  readonly stale: StaleAlertState | null;
  /** What the badge shows: the worst tier index across subjects (-1 none) and the stale flag. */
  readonly badge: { readonly tierIndex: number; readonly stale: boolean } | null;
  /** Notified alerts, newest last, at most options.historyLimit. */
  readonly history: readonly AlertRecord[];
}

export const emptyAlertPolicyState: AlertPolicyState = { subjects: {}, stale: null, badge: null, history: [] };

export interface PolicyStep {
  readonly state: AlertPolicyState;
  readonly decisions: readonly AlertDecision[];
}

export function alertPolicyStep(state: AlertPolicyState, facts: PolicyFacts, now: number, options: AlertPolicyOptions): PolicyStep {
  const quiet = isQuietAt(options.quietHours, now);
  const decisions: AlertDecision[] = [];
  const subjects: Record<string, SubjectAlertState> = {};
  for (const f of facts.subjects) {
    const step = stepSubject(state.subjects[f.subject], f, now, options, quiet, state.history);
    subjects[f.subject] = step.state;
    decisions.push(...step.decisions);
  }
  // for...in, not Object.entries / Object.values: the same keys in the same order (plain records), without
  // a pair or a list per subject on every step.
  for (const key in state.subjects) {
    if (subjects[key] === undefined) decisions.push(...closeSubject(state.subjects[key]!, key, now));
  }

  let worst = -1;
  for (const key in subjects) worst = Math.max(worst, subjects[key]!.tierIndex);
  // Blind while a subject is in a tier that bypasses quiet hours: saying so bypasses them too.
  const staleBypasses = options.ladder[worst]?.bypassesQuietHours ?? false;
  const stale = stepStale(state.stale, facts.stale, now, options, quiet && !staleBypasses, decisions);

  const badge = { tierIndex: worst, stale: stale !== null };
  if (state.badge === null || state.badge.tierIndex !== badge.tierIndex || state.badge.stale !== badge.stale) {
    const rule = options.ladder[worst];
    decisions.push({
      kind: 'update-badge',
      tier: rule === undefined ? null : levelKey(rule.level),
      tierName: rule?.name ?? null,
      severity: rule?.severity ?? null,
      stale: badge.stale,
    });
  }

  const notified: AlertRecord[] = [];
  for (const d of decisions) if (d.kind === 'notify') notified.push(d.alert);
  const history = notified.length === 0 ? state.history : [...state.history, ...notified].slice(-options.historyLimit);
  return { state: { subjects, stale, badge, history }, decisions };
}

function stepStale(
  previous: StaleAlertState | null,
  fact: StaleFact | null,
  now: number,
  options: AlertPolicyOptions,
  held: boolean,
  decisions: AlertDecision[],
): StaleAlertState | null {
  let current = previous;
  if (current !== null && (fact === null || fact.since !== current.since || fact.subject !== current.subject)) {
    if (current.notified) decisions.push({ kind: 'resolve', id: current.id, subject: current.subject, t: now, reason: 'data-fresh' });
    current = null;
  }
  if (fact === null) return null;
  current ??= {
    id: staleAlertId(fact.subject, fact.since),
    subject: fact.subject,
    reason: fact.reason,
    tierIndex: -1,
    since: fact.since,
    notified: false,
    reminders: 0,
    dueAt: now,
  };
  if (current.dueAt === null || current.dueAt > now || (options.stale.push && held)) return current;
  decisions.push({
    kind: 'notify',
    supersedes: [],
    alert: {
      id: current.id,
      kind: 'stale',
      subject: current.subject,
      t: now,
      severity: 'data',
      tier: null,
      tierName: null,
      channel: options.stale.push ? 'push' : 'in-app',
      reminder: current.notified ? current.reminders + 1 : 0,
      riskRatio: null,
      equityUsdt: null,
      requirementUsdt: null,
      forecast: null,
      symbol: null,
      side: null,
      topUpUsdt: null,
      oddsTopUpUsdt: null,
      reduction: null,
      protectiveStop: null,
      marks: {},
      reason: current.reason,
    },
  });
  const every = options.stale.remindEveryMs;
  return {
    ...current,
    notified: true,
    reminders: current.notified ? current.reminders + 1 : 0,
    dueAt: every === null ? null : now + every,
  };
}

/**
 * Snoozes a subject's alerts: for a time (`untilMs`) or, with null, until it recovers (nothing
 * push-worthy open). Alerts at or below its current tier (or its open prediction's) are held; a worse
 * tier gets through. Unknown subjects are left alone.
 */
export function snoozeSubject(state: AlertPolicyState, subject: string, untilMs: number | null): AlertPolicyState {
  const s = state.subjects[subject];
  if (s === undefined) return state;
  const tierIndex = Math.max(s.tierIndex, s.prediction?.tierIndex ?? -1);
  return { ...state, subjects: { ...state.subjects, [subject]: { ...s, snooze: { untilMs, tierIndex } } } };
}

export function unsnoozeSubject(state: AlertPolicyState, subject: string): AlertPolicyState {
  const s = state.subjects[subject];
  if (s === undefined || s.snooze === null) return state;
  return { ...state, subjects: { ...state.subjects, [subject]: { ...s, snooze: null } } };
}
