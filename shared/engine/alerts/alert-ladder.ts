/**
 * The call ladder and every knob of the alert policy (docs/alert-policy.md, "The call ladder" and "Alert policy").
 * Plain data: a user's settings, a venue preset or a replay document override it field by field.
 */

export type Severity = 'watch' | 'margin-call' | 'critical' | 'liquidation' | 'data';

/** A predictive alert for reaching a tier: fire when P(touch within horizonSec) >= threshold. */
export interface PredictRule {
  readonly horizonSec: number;
  /** Probability in (0, 1]. */
  readonly threshold: number;
}

export interface TierRule {
  /** The tier as a risk ratio rho; 1 is liquidation. */
  readonly level: number;
  readonly name: string;
  readonly severity: Severity;
  /** Push (phone, desktop notification) or in-app only. */
  readonly push: boolean;
  /** Push even inside quiet hours. */
  readonly bypassesQuietHours: boolean;
  /** Grace period: first reminder this long after the first notice while the tier lasts; null = none. */
  readonly graceMs: number | null;
  /** Reminder cadence after the first reminder; null = remind once. */
  readonly remindEveryMs: number | null;
  /** Warn before this tier is reached; null = no predictive alert for it. */
  readonly predict: PredictRule | null;
}

/** Quiet hours in the trader's local time, given as minutes of the day and the offset from UTC. */
export interface QuietHours {
  /** Local minute of the day the quiet starts, 0..1439 (22:30 = 1350). */
  readonly startMinute: number;
  /** Local minute it ends (exclusive); may be smaller than start (over midnight). Equal = never quiet. */
  readonly endMinute: number;
  /** Local time minus UTC, minutes (UTC+2 = 120, UTC-5 = -300). */
  readonly utcOffsetMinutes: number;
}

export interface AlertPolicyOptions {
  /** Sorted by level, levels in (0, 1]. */
  readonly ladder: readonly TierRule[];
  /** A tier counts as left only when rho falls this far below its level (absolute rho). */
  readonly hysteresis: number;
  /** A prediction is withdrawn only when its probability falls this far below its threshold. */
  readonly predictionHysteresis: number;
  readonly quietHours: QuietHours | null;
  /** The "data is stale" alert: pushed or in-app, and its reminder cadence. */
  readonly stale: { readonly push: boolean; readonly remindEveryMs: number | null };
  /** How many notified alerts the state keeps (newest last); the homes persist the full history. */
  readonly historyLimit: number;
}

const MINUTE = 60_000;

/**
 * Every predict rule at P(touch within 4 h) >= 0.5: chosen from the backtest's lead-time against
 * false-forecast frontier (docs/alert-policy.md, "Choosing the forecast rule"), where it beats the
 * earlier 1 h rules on both counts and announces slow bleeds tens of minutes ahead.
 */
export const DEFAULT_LADDER: readonly TierRule[] = [
  { level: 0.5, name: 'Watch', severity: 'watch', push: false, bypassesQuietHours: false, graceMs: null, remindEveryMs: null, predict: null },
  {
    level: 0.8,
    name: 'Margin call',
    severity: 'margin-call',
    push: true,
    bypassesQuietHours: false,
    graceMs: 30 * MINUTE,
    remindEveryMs: 60 * MINUTE,
    predict: { horizonSec: 4 * 3600, threshold: 0.5 },
  },
  {
    level: 0.9,
    name: 'Critical',
    severity: 'critical',
    push: true,
    bypassesQuietHours: true,
    graceMs: 10 * MINUTE,
    remindEveryMs: 15 * MINUTE,
    predict: { horizonSec: 4 * 3600, threshold: 0.5 },
  },
  {
    level: 1,
    name: 'Liquidation',
    severity: 'liquidation',
    push: true,
    bypassesQuietHours: true,
    graceMs: null,
    remindEveryMs: null,
    predict: { horizonSec: 4 * 3600, threshold: 0.5 },
  },
];

export const DEFAULT_ALERT_POLICY: AlertPolicyOptions = {
  ladder: DEFAULT_LADDER,
  hysteresis: 0.03,
  predictionHysteresis: 0.15,
  quietHours: null,
  stale: { push: true, remindEveryMs: 30 * MINUTE },
  historyLimit: 500,
};

/** The level keys the engine and the projection use for a ladder ("0.8", "1"). */
export const levelKey = (level: number): string => String(level);

/** The call levels to ask evaluateAccount for: every level below 1 (it adds 1 itself). */
export const callLevelsOf = (ladder: readonly TierRule[]): number[] => ladder.map((r) => r.level).filter((l) => l < 1);

/** What is wrong with a ladder, or null: sorted, distinct levels in (0, 1], probabilities in (0, 1]. */
export function ladderProblem(ladder: readonly TierRule[]): string | null {
  if (ladder.length === 0) return 'the ladder needs at least one tier';
  for (let i = 0; i < ladder.length; i += 1) {
    const rule = ladder[i];
    if (rule === undefined) continue;
    if (!(rule.level > 0 && rule.level <= 1)) return `tier ${i}: level must be in (0, 1], got ${rule.level}`;
    const previous = ladder[i - 1];
    if (previous !== undefined && !(rule.level > previous.level)) return `tier ${i}: levels must increase`;
    const p = rule.predict;
    if (p !== null && !(p.threshold > 0 && p.threshold <= 1 && p.horizonSec > 0)) {
      return `tier ${i}: predict needs a threshold in (0, 1] and a horizon > 0`;
    }
  }
  return null;
}
