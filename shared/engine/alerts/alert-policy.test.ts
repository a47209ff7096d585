import { describe, expect, it } from 'vitest';
import { notices, PREDICT_HORIZON_SEC, pushes, reachWithProbability, runPolicy, subjectFactsAt } from '../../../tools/test-support/alert-facts.ts';
import type { AlertDecision } from './alert-decision.ts';
import { DEFAULT_ALERT_POLICY, type AlertPolicyOptions } from './alert-ladder.ts';
import { alertPolicyStep, emptyAlertPolicyState, snoozeSubject } from './alert-policy.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 24, 12, 0); // 12:00 UTC
const policy = DEFAULT_ALERT_POLICY;
const at = (minutes: number, rho: number, reach: Partial<Record<number, number>> = {}) => ({
  t: T0 + minutes * MIN,
  subjects: [subjectFactsAt(rho, reach)],
});
const resolves = (log: ReadonlyArray<{ decision: AlertDecision }>) =>
  log.flatMap(({ decision }) => (decision.kind === 'resolve' ? [decision] : []));

describe('tier episodes', () => {
  it('escalates at once on entering a worse tier, with the numbers it was based on', () => {
    const run = runPolicy([at(0, 0.3), at(1, 0.85)]);
    const [alert] = pushes(run);
    expect(alert).toMatchObject({
      kind: 'tier',
      tier: '0.8',
      tierName: 'Margin call',
      severity: 'margin-call',
      reminder: 0,
      riskRatio: 0.85,
      topUpUsdt: 412.5,
      reduction: { symbol: 'BTCUSDT', qty: 0.18 },
      t: T0 + MIN,
    });
    expect(run.state.history).toEqual(notices(run));
  });

  it('a jump over several tiers notifies once, for the worst', () => {
    const run = runPolicy([at(0, 0.3), at(1, 0.95)]);
    expect(notices(run).map((a) => a.tier)).toEqual(['0.9']);
  });

  it('leaving a tier needs the hysteresis band; re-entering after that is a new episode with a new id', () => {
    // Back in Margin call at 5 min: announced once its reminder period (60 min) after the first notice (issue 13, ask 7).
    const back = Array.from({ length: 56 }, (_, m) => at(5 + m, 0.82));
    const run = runPolicy([at(0, 0.81), at(1, 0.79), at(2, 0.78), at(3, 0.81), at(4, 0.76), ...back]);
    const margin = pushes(run).filter((a) => a.tier === '0.8');
    expect(margin.map((a) => a.t)).toEqual([T0, T0 + 60 * MIN]);
    expect(margin[0]?.id).not.toBe(margin[1]?.id);
    expect(resolves(run.log).map((r) => [r.id, r.t, r.reason])).toEqual([[margin[0]?.id, T0 + 4 * MIN, 'recovered']]);
  });

  it('the Watch tier is shown in the app, never pushed', () => {
    const run = runPolicy([at(0, 0.3), at(1, 0.6)]);
    expect(notices(run).map((a) => [a.tier, a.channel])).toEqual([['0.5', 'in-app']]);
    expect(pushes(run)).toEqual([]);
  });

  it('reminds after the grace period, then at the cadence, by severity', () => {
    const minutes = Array.from({ length: 181 }, (_, m) => at(m, 0.85));
    const margin = pushes(runPolicy(minutes)).map((a) => [(a.t - T0) / MIN, a.reminder]);
    expect(margin).toEqual([[0, 0], [30, 1], [90, 2], [150, 3]]);
    const critical = pushes(runPolicy(minutes.map((s) => at((s.t - T0) / MIN, 0.93)))).map((a) => (a.t - T0) / MIN);
    expect(critical).toEqual([0, 10, 25, 40, 55, 70, 85, 100, 115, 130, 145, 160, 175]);
  });

  it('back from Critical to Margin call: Critical resolves, Margin call reminds after its grace', () => {
    const run = runPolicy([at(0, 0.85), at(1, 0.92), at(2, 0.86), ...Array.from({ length: 40 }, (_, m) => at(3 + m, 0.85))]);
    const log = run.log.map(({ t, decision }) => [(t - T0) / MIN, decision.kind === 'notify' ? `notify ${decision.alert.tier}` : decision.kind === 'resolve' ? `resolve ${decision.reason}` : decision.kind]);
    expect(log.filter(([, d]) => d !== 'update-badge')).toEqual([
      [0, 'notify 0.8'],
      [1, 'notify 0.9'],
      [2, 'resolve recovered'],
      [32, 'notify 0.8'],
    ]);
    const [first, critical] = pushes(run);
    const criticalNotice = run.log.find(({ decision }) => decision.kind === 'notify' && decision.alert.tier === '0.9');
    expect(criticalNotice?.decision.kind === 'notify' && criticalNotice.decision.supersedes).toEqual([first?.id]);
    expect(critical?.id).not.toBe(first?.id);
  });

  it('resolves what a subject had open when the subject goes away', () => {
    const run = runPolicy([at(0, 0.85), { t: T0 + MIN, subjects: [] }]);
    expect(resolves(run.log).map((r) => r.reason)).toEqual(['closed']);
  });
});

describe('predictive alerts', () => {
  const likely = 0.6;
  const unlikely = 0.2;

  it('fires when P(next tier within its horizon) passes the threshold, saying when and how likely', () => {
    const run = runPolicy([at(0, 0.6, { 0.8: unlikely }), at(1, 0.65, { 0.8: likely })]);
    const [alert] = pushes(run);
    expect(alert?.kind).toBe('predictive');
    expect(alert?.tier).toBe('0.8');
    expect(alert?.forecast?.probability).toBeCloseTo(0.6, 9);
    expect(alert?.forecast?.horizonSec).toBe(PREDICT_HORIZON_SEC);
    expect(alert?.forecast?.medianTimeSec).toBe(reachWithProbability(likely).medianTimeSec);
    expect(alert?.forecast?.medianTimeSec).toBeGreaterThan(0);
    expect(alert?.forecast?.medianTimeSec).toBeLessThan(PREDICT_HORIZON_SEC);
    expect(alert?.topUpUsdt).toBe(412.5);
  });

  it('is resolved as reached when the tier comes, and the tier alert supersedes it', () => {
    const run = runPolicy([at(0, 0.65, { 0.8: likely }), at(5, 0.82)]);
    const [prediction, tier] = pushes(run);
    const watch = notices(run).find((a) => a.tier === '0.5');
    expect(resolves(run.log)).toEqual([expect.objectContaining({ id: prediction?.id, reason: 'reached' })]);
    const tierNotice = run.log.find(({ decision }) => decision.kind === 'notify' && decision.alert.id === tier?.id);
    expect(tierNotice?.decision.kind === 'notify' && tierNotice.decision.supersedes).toEqual([watch?.id, prediction?.id]);
  });

  it('is withdrawn only once the probability falls below threshold minus its band', () => {
    const justBelow = 0.5 - policy.predictionHysteresis + 0.02;
    const wellBelow = 0.5 - policy.predictionHysteresis - 0.02;
    const run = runPolicy([at(0, 0.65, { 0.8: likely }), at(1, 0.64, { 0.8: justBelow }), at(2, 0.65, { 0.8: likely }), at(3, 0.6, { 0.8: wellBelow })]);
    expect(pushes(run)).toHaveLength(1);
    expect(resolves(run.log).map((r) => r.reason)).toEqual(['withdrawn']);
  });

  it('a forecast withdrawn and raised again within its reminder period is shown in the app, not pushed (ask 2)', () => {
    const wellBelow = 0.5 - policy.predictionHysteresis - 0.02;
    // Margin call's period is 60 min: raised at 0, withdrawn at 10, raised at 20 and 50, then at 70.
    const flaps = [0, 20, 50, 70].flatMap((m) => [at(m, 0.65, { 0.8: likely }), at(m + 10, 0.6, { 0.8: wellBelow })]);
    const run = runPolicy(flaps);
    const forecasts = notices(run).filter((a) => a.kind === 'predictive');
    expect(forecasts.map((a) => [(a.t - T0) / MIN, a.channel])).toEqual([[0, 'push'], [20, 'in-app'], [50, 'in-app'], [70, 'push']]);
    // Each is its own alert, resolved when withdrawn: what the screens list comes and goes with it.
    expect(new Set(forecasts.map((a) => a.id)).size).toBe(4);
    expect(resolves(run.log).map((r) => r.reason)).toEqual(['withdrawn', 'withdrawn', 'withdrawn', 'withdrawn']);
    // Critical's forecast has its own, shorter period (15 min).
    const critical = [0, 10, 20].flatMap((m) => [at(m, 0.85, { 0.9: likely }), at(m + 5, 0.84, { 0.9: wellBelow })]);
    const raised = notices(runPolicy([at(-1, 0.85), ...critical])).filter((a) => a.kind === 'predictive');
    expect(raised.map((a) => [(a.t - T0) / MIN, a.channel])).toEqual([[0, 'push'], [10, 'in-app'], [20, 'push']]);
  });

  it('does not predict a tier the episode already reached', () => {
    const run = runPolicy([at(0, 0.85), at(1, 0.92), at(2, 0.85, { 0.9: likely, 1: unlikely })]);
    expect(pushes(run).filter((a) => a.kind === 'predictive')).toEqual([]);
  });

  it('a tier push carries the outlook for the next tier instead of a second push', () => {
    const run = runPolicy([at(0, 0.5), at(1, 0.85, { 0.9: likely })]);
    const sent = pushes(run);
    expect(sent.map((a) => a.kind)).toEqual(['tier']);
    expect(sent[0]?.forecast).toMatchObject({ tier: '0.9', horizonSec: PREDICT_HORIZON_SEC });
    expect(sent[0]?.forecast?.probability).toBeCloseTo(0.6, 9);
  });
});

describe('quiet hours and snooze', () => {
  // 12:00 to 14:00 local at UTC+1, i.e. 11:00 to 13:00 UTC: T0 (12:00 UTC) is inside.
  const quiet: AlertPolicyOptions = { ...policy, quietHours: { startMinute: 12 * 60, endMinute: 14 * 60, utcOffsetMinutes: 60 } };

  it('holds a Margin call through quiet hours and delivers it when they end, if it still holds', () => {
    const steps = Array.from({ length: 80 }, (_, m) => at(m, 0.85));
    const sent = pushes(runPolicy(steps, quiet)).map((a) => [(a.t - T0) / MIN, a.reminder]);
    // Quiet until 14:00 local = 13:00 UTC = minute 60.
    expect(sent).toEqual([[60, 0]]);
  });

  it('never holds Critical', () => {
    const sent = pushes(runPolicy([at(0, 0.85), at(1, 0.93)], quiet));
    expect(sent.map((a) => [a.tier, (a.t - T0) / MIN])).toEqual([['0.9', 1]]);
  });

  it('a snooze holds reminders for its time; a worse tier still gets through', () => {
    let run = runPolicy([at(0, 0.85)]);
    const state = snoozeSubject(run.state, 'acct:cross', T0 + 120 * MIN);
    run = runPolicy(Array.from({ length: 150 }, (_, m) => at(m + 1, m < 130 ? 0.85 : 0.92)), policy, state);
    expect(pushes(run).map((a) => [(a.t - T0) / MIN, a.tier, a.reminder])).toEqual([
      [120, '0.8', 1],
      [131, '0.9', 0],
      [141, '0.9', 1],
    ]);
  });

  it('snooze until recovered: silent until the subject recovers, then a new episode speaks', () => {
    let run = runPolicy([at(0, 0.85)]);
    const state = snoozeSubject(run.state, 'acct:cross', null);
    run = runPolicy([...Array.from({ length: 100 }, (_, m) => at(m + 1, 0.85)), at(101, 0.7), at(102, 0.85)], policy, state);
    expect(pushes(run).map((a) => (a.t - T0) / MIN)).toEqual([102]);
    expect(run.state.subjects['acct:cross']?.snooze).toBeNull();
  });
});

describe('stale data and the badge', () => {
  it('a stale fact raises one alert with a stable id; fresh data resolves it', () => {
    const facts = [subjectFactsAt(0.3)];
    const stale = { subject: 'acct:feed', since: T0 - 30_000, reason: 'no mark price for 30 s' };
    let state = emptyAlertPolicyState;
    const decisions: AlertDecision[] = [];
    for (const [t, s] of [[T0, stale], [T0 + MIN, stale], [T0 + 2 * MIN, null]] as const) {
      const step = alertPolicyStep(state, { subjects: facts, stale: s }, t, policy);
      state = step.state;
      decisions.push(...step.decisions);
    }
    const kinds = decisions.map((d) => (d.kind === 'update-badge' ? `badge ${d.stale}` : d.kind === 'notify' ? `notify ${d.alert.kind} ${d.alert.id}` : `resolve ${d.id}`));
    expect(kinds).toEqual([
      'notify stale acct:feed|stale|' + String(T0 - 30_000),
      'badge true',
      'resolve acct:feed|stale|' + String(T0 - 30_000),
      'badge false',
    ]);
  });

  it('the badge follows the worst subject and changes only when the tier does', () => {
    const run = runPolicy([
      { t: T0, subjects: [subjectFactsAt(0.3, {}, 'a'), subjectFactsAt(0.6, {}, 'b')] },
      { t: T0 + 1, subjects: [subjectFactsAt(0.31, {}, 'a'), subjectFactsAt(0.61, {}, 'b')] },
      { t: T0 + 2, subjects: [subjectFactsAt(0.85, {}, 'a'), subjectFactsAt(0.6, {}, 'b')] },
    ]);
    const badges = run.log.flatMap(({ decision }) => (decision.kind === 'update-badge' ? [decision.tierName] : []));
    expect(badges).toEqual(['Watch', 'Margin call']);
  });

  it('the badge shows no tier while every subject is below the ladder, and again once the last one is back below it', () => {
    const run = runPolicy([
      { t: T0, subjects: [subjectFactsAt(0.2, {}, 'a'), subjectFactsAt(0.3, {}, 'b')] },
      { t: T0 + 1, subjects: [subjectFactsAt(0.2, {}, 'a'), subjectFactsAt(0.6, {}, 'b')] },
      { t: T0 + 10 * MIN, subjects: [subjectFactsAt(0.2, {}, 'a'), subjectFactsAt(0.1, {}, 'b')] },
    ]);
    const badges = run.log.flatMap(({ decision }) => (decision.kind === 'update-badge' ? [decision.tierName] : []));
    expect(badges).toEqual([null, 'Watch', null]);
  });

  it('keeps at most historyLimit alerts, newest last', () => {
    const short: AlertPolicyOptions = { ...policy, historyLimit: 3 };
    const steps = Array.from({ length: 10 }, (_, i) => at(i * 10, i % 2 === 0 ? 0.85 : 0.7));
    const run = runPolicy(steps, short);
    expect(run.state.history).toEqual(notices(run).slice(-3));
  });
});
