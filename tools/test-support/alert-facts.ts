import type { AlertDecision, AlertRecord, LevelReach, SubjectFacts, SubjectSearches, SuggestedStop, SuggestionOdds } from '../../shared/engine/alerts/alert-decision.ts';
import { DEFAULT_ALERT_POLICY, levelKey, type AlertPolicyOptions } from '../../shared/engine/alerts/alert-ladder.ts';
import { alertPolicyStep, emptyAlertPolicyState, type AlertPolicyState } from '../../shared/engine/alerts/alert-policy.ts';
import { diffusionTimeSec, medianPassageTimeSec } from '../../shared/engine/projection/first-passage.ts';
import { normalQuantile } from '../../shared/engine/projection/normal-distribution.ts';
import { probabilityWithin } from '../../shared/engine/projection/tier-outlook.ts';

/** The horizon the default ladder predicts over (every predict rule shares it). */
export const PREDICT_HORIZON_SEC = DEFAULT_ALERT_POLICY.ladder.find((r) => r.predict !== null)?.predict?.horizonSec ?? 3600;

/**
 * A level's reach with P(touch within the predict horizon) = p under a flat volatility: the distance in sd over the
 * horizon is z = Phi^-1(1 - p/2), so tau = z^2 x horizon and the median time is tau / Phi^-1(3/4)^2.
 */
export function reachWithProbability(p: number): LevelReach {
  const z = p >= 1 ? 0 : p <= 0 ? Number.POSITIVE_INFINITY : normalQuantile(1 - p / 2);
  const tau = diffusionTimeSec(z, 1 / Math.sqrt(PREDICT_HORIZON_SEC));
  return { medianTimeSec: medianPassageTimeSec(tau), horizons: [{ horizonSec: PREDICT_HORIZON_SEC, probability: Math.min(1, Math.max(0, p)) }] };
}

/** Searches whose answers are known already (a test's facts): the same calls the monitor's answer by searching. */
export function knownSearches(known: {
  readonly reach: Readonly<Record<string, LevelReach>>;
  readonly oddsTopUpUsdt: number;
  readonly protectiveStop: SuggestedStop | null;
  readonly odds: SuggestionOdds | null;
  readonly marks: Readonly<Record<string, number>>;
}): SubjectSearches {
  return { reach: (key) => known.reach[key], probability: (key, h) => probabilityWithin(known.reach[key], h), probabilitySide: (key, h) => probabilityWithin(known.reach[key], h), oddsTopUpUsdt: () => known.oddsTopUpUsdt, protectiveStop: () => known.protectiveStop, odds: () => known.odds, marks: () => known.marks };
}

/** Facts with every search answered (at `levelKeys`), as plain data: what two evaluations are compared by. */
export function answeredFacts(facts: readonly SubjectFacts[], levelKeys: readonly string[]) {
  return facts.map(({ searches, ...plain }) => ({
    ...plain,
    reach: Object.fromEntries(levelKeys.map((key) => [key, searches.reach(key)])),
    oddsTopUpUsdt: searches.oddsTopUpUsdt(),
    protectiveStop: searches.protectiveStop(),
    odds: searches.odds(),
    marks: searches.marks(),
  }));
}

/**
 * Facts for one subject as the policy tests need them: a risk ratio and, optionally, P(touch within
 * the predict horizon) of each level (0 when not given, so no prediction fires unless a test asks for one).
 */
export function subjectFactsAt(riskRatio: number, reach: Partial<Record<number, number>> = {}, subject = 'acct:cross'): SubjectFacts {
  const levels = DEFAULT_ALERT_POLICY.ladder.map((r) => r.level);
  return {
    subject,
    symbol: 'BTCUSDT',
    side: 'long',
    riskRatio,
    equityUsdt: 1000,
    requirementUsdt: 1000 * riskRatio,
    topUpUsdt: 412.5,
    reduction: { symbol: 'BTCUSDT', side: 'long', qty: 0.18, feeUsdt: 3.9, closesPosition: false },
    searches: knownSearches({
      marks: { BTCUSDT: 97_000 },
      reach: Object.fromEntries(levels.map((l) => [levelKey(l), reachWithProbability(riskRatio >= l ? 1 : (reach[l] ?? 0))])),
      oddsTopUpUsdt: 1_250,
      protectiveStop: { symbol: 'BTCUSDT', side: 'long', triggerPrice: 93_100, fillPrice: 92_820, qty: 0.4, feeUsdt: 18.56, closesPosition: false, liquidationPrice: 91_500 },
      odds: { horizonSec: 86_400, now: 0.2, afterTopUp: 0.08, afterOddsTopUp: 0.01, afterReduction: 0.09 },
    }),
  };
}

export interface PolicyRun {
  readonly state: AlertPolicyState;
  /** Every decision with the time of the step that produced it. */
  readonly log: ReadonlyArray<{ readonly t: number; readonly decision: AlertDecision }>;
}

/** Plays steps (time, facts for every subject) through the policy from an empty state. */
export function runPolicy(
  steps: ReadonlyArray<{ readonly t: number; readonly subjects: readonly SubjectFacts[] }>,
  options: AlertPolicyOptions = DEFAULT_ALERT_POLICY,
  from: AlertPolicyState = emptyAlertPolicyState,
): PolicyRun {
  let state = from;
  const log: Array<{ t: number; decision: AlertDecision }> = [];
  for (const { t, subjects } of steps) {
    const step = alertPolicyStep(state, { subjects, stale: null }, t, options);
    state = step.state;
    for (const decision of step.decisions) log.push({ t, decision });
  }
  return { state, log };
}

export const notices = (run: PolicyRun): AlertRecord[] =>
  run.log.flatMap(({ decision }) => (decision.kind === 'notify' ? [decision.alert] : []));

export const pushes = (run: PolicyRun): AlertRecord[] => notices(run).filter((a) => a.channel === 'push');
