import type { AlertPolicyOptions } from './alert-ladder.ts';
import type { AlertPolicyState } from './alert-policy.ts';
import { isQuietAt, localMinuteOfDay } from './quiet-hours.ts';
import type { OpenAlert } from './subject-alerts.ts';

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;

/** The first moment after `nowMs` at which the quiet hours are over (nowMs must be inside them). */
function quietEndAfter(quiet: NonNullable<AlertPolicyOptions['quietHours']>, nowMs: number): number {
  const minute = localMinuteOfDay(nowMs, quiet.utcOffsetMinutes);
  const ahead = (quiet.endMinute - minute + DAY_MINUTES) % DAY_MINUTES || DAY_MINUTES;
  return Math.floor(nowMs / MINUTE_MS) * MINUTE_MS + ahead * MINUTE_MS;
}

/**
 * When the policy, fed the same facts, would next decide something by the passage of time alone: the
 * earliest reminder or held notice falling due, a snooze running out, or quiet hours ending over a
 * notice they hold. Strictly after `nowMs`, or null when nothing waits on the clock (then only new
 * facts can change anything).
 *
 * Why: a home sets one timer for this moment and steps the monitor with a `clock` input when it fires,
 * instead of polling; the replay does the same between ticks, so a reminder falls due at its own time
 * and not at the next price.
 */
export function nextDueAt(state: AlertPolicyState, nowMs: number, options: AlertPolicyOptions): number | null {
  // One record, not a closure over two variables: the policy asks this on every step.
  const due: Due = { next: Number.POSITIVE_INFINITY, held: false };
  for (const subject of Object.values(state.subjects)) {
    for (const alert of subject.tiers) consider(due, alert, nowMs);
    consider(due, subject.prediction, nowMs);
    const until = subject.snooze?.untilMs ?? null;
    if (until !== null && until > nowMs) due.next = Math.min(due.next, until);
  }
  consider(due, state.stale, nowMs);
  let { next } = due;
  if (due.held && options.quietHours !== null && isQuietAt(options.quietHours, nowMs)) {
    next = Math.min(next, quietEndAfter(options.quietHours, nowMs));
  }
  return Number.isFinite(next) ? next : null;
}

interface Due {
  next: number;
  held: boolean;
}

function consider(due: Due, alert: OpenAlert | null, nowMs: number): void {
  if (alert === null || alert.dueAt === null) return;
  if (alert.dueAt > nowMs) due.next = Math.min(due.next, alert.dueAt);
  else due.held = true; // Due but not delivered: quiet hours or a snooze hold it.
}
