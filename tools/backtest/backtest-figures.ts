import type { PathOutcome, PolicyOutcome } from './play-path.ts';

/** The figures issue 4 asks for, per policy (the JSON shape of `npm run backtest -- --json`). */
export interface PolicyFigures {
  readonly name: string;
  /** Share of paths on which the account was liquidated, with the trader acting on the alerts. */
  readonly liquidatedShare: number;
  /** Median and 10th percentile of the lead time (first alert to liquidation, or to the 0.8 tier); null without events. */
  readonly leadTimeP50Sec: number | null;
  readonly leadTimeP10Sec: number | null;
  /** Push notifications per position per day, reminders included. */
  readonly pushesPerPositionDay: number;
  /** Share of alerts not followed by their tier within their horizon (a tier alert reports its tier). */
  readonly falseAlarmShare: number;
}

export interface BacktestReport {
  readonly paths: number;
  readonly seed: number;
  readonly policies: readonly PolicyFigures[];
}

export const POLICY_NAMES = { static: 'static margin call (rho 0.8)', ours: 'predictive monitor (ours)' } as const;

/** Percentile by linear interpolation between order statistics (the "type 7" rule of R and NumPy). */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? a;
  return a + (b - a) * (at - lo);
}

function figures(name: string, outcomes: readonly PolicyOutcome[]): PolicyFigures {
  const leads = outcomes.flatMap((o) => (o.leadTimeSec === null ? [] : [o.leadTimeSec]));
  const positionDays = outcomes.reduce((s, o) => s + o.positionDays, 0);
  const alarms = outcomes.reduce((s, o) => s + o.alarms, 0);
  return {
    name,
    liquidatedShare: outcomes.length === 0 ? 0 : outcomes.filter((o) => o.liquidated).length / outcomes.length,
    leadTimeP50Sec: percentile(leads, 0.5),
    leadTimeP10Sec: percentile(leads, 0.1),
    pushesPerPositionDay: positionDays > 0 ? outcomes.reduce((s, o) => s + o.pushes, 0) / positionDays : 0,
    falseAlarmShare: alarms > 0 ? outcomes.reduce((s, o) => s + o.falseAlarms, 0) / alarms : 0,
  };
}

export function backtestReport(outcomes: readonly PathOutcome[], seed: number): BacktestReport {
  return {
    paths: outcomes.length,
    seed,
    policies: [figures(POLICY_NAMES.static, outcomes.map((o) => o.static)), figures(POLICY_NAMES.ours, outcomes.map((o) => o.ours))],
  };
}
