import { describe, expect, it } from 'vitest';
import { pushes, runPolicy, subjectFactsAt } from '../../../tools/test-support/alert-facts.ts';
import { DEFAULT_ALERT_POLICY, type AlertPolicyOptions } from './alert-ladder.ts';
import { alertPolicyStep, snoozeSubject } from './alert-policy.ts';
import { nextDueAt } from './next-due-at.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 24, 12, 0); // 12:00 UTC
const policy = DEFAULT_ALERT_POLICY;
const at = (minutes: number, rho: number) => ({ t: T0 + minutes * MIN, subjects: [subjectFactsAt(rho)] });

describe('nextDueAt', () => {
  it('nothing open: nothing waits on the clock', () => {
    const run = runPolicy([at(0, 0.3)]);
    expect(nextDueAt(run.state, T0, policy)).toBeNull();
  });

  it('a Margin call: its first reminder after the grace, then the cadence', () => {
    const run = runPolicy([at(0, 0.85)]);
    expect(nextDueAt(run.state, T0, policy)).toBe(T0 + 30 * MIN);
    // Stepping at exactly that moment delivers the reminder and names the next one.
    const step = alertPolicyStep(run.state, { subjects: [subjectFactsAt(0.85)], stale: null }, T0 + 30 * MIN, policy);
    expect(step.decisions.some((d) => d.kind === 'notify' && d.alert.reminder === 1)).toBe(true);
    expect(nextDueAt(step.state, T0 + 30 * MIN, policy)).toBe(T0 + 90 * MIN);
  });

  it('the stale alert reminds at its own cadence', () => {
    const step = alertPolicyStep(runPolicy([at(0, 0.3)]).state, { subjects: [subjectFactsAt(0.3)], stale: { subject: 'acct:feed', since: T0, reason: 'silent' } }, T0 + MIN, policy);
    expect(nextDueAt(step.state, T0 + MIN, policy)).toBe(T0 + 31 * MIN);
  });

  it('a notice held by quiet hours falls due when they end (local time, across midnight)', () => {
    // Quiet 23:00-07:00 at UTC+1, i.e. 22:00-06:00 UTC; a Margin call at 23:30 UTC.
    const quiet: AlertPolicyOptions = { ...policy, quietHours: { startMinute: 23 * 60, endMinute: 7 * 60, utcOffsetMinutes: 60 } };
    const night = Date.UTC(2026, 10, 24, 23, 30);
    const run = runPolicy([{ t: night, subjects: [subjectFactsAt(0.85)] }], quiet);
    expect(pushes(run)).toEqual([]);
    const end = Date.UTC(2026, 10, 25, 6, 0);
    expect(nextDueAt(run.state, night + 17_000, quiet)).toBe(end);
    const woken = runPolicy([{ t: end, subjects: [subjectFactsAt(0.85)] }], quiet, run.state);
    expect(pushes(woken).map((a) => a.t)).toEqual([end]);
  });

  it('a snooze for a time: its end is a due moment (held reminders may then go out)', () => {
    const run = runPolicy([at(0, 0.85)]);
    const snoozed = snoozeSubject(run.state, 'acct:cross', T0 + 20 * MIN);
    expect(nextDueAt(snoozed, T0 + MIN, policy)).toBe(T0 + 20 * MIN);
    expect(nextDueAt(snoozed, T0 + 25 * MIN, policy)).toBe(T0 + 30 * MIN);
  });

  it('is strictly after now', () => {
    const run = runPolicy([at(0, 0.85)]);
    expect(nextDueAt(run.state, T0 + 30 * MIN, policy)).toBeNull();
    expect(nextDueAt(run.state, T0 + 30 * MIN - 1, policy)).toBe(T0 + 30 * MIN);
  });
});
