import { DEFAULT_ALERT_POLICY, type TierRule } from '../../shared/engine/alerts/alert-ladder.ts';
import type { MonitorOptions } from '../../shared/engine/monitor/account-monitor.ts';
import { DEFAULT_FORECAST_TERMS, type ForecastTerms } from '../../shared/engine/projection/market-shape.ts';

/**
 * The forecast a backtest run plays ours with: which terms beside the diffusion (jumps, trend, both,
 * none: issue 13 ask 5) and the predict rules of the ladder (ask 2). Written into the report, so every
 * table says what it measured.
 */

export const TERM_CHOICES = ['both', 'jumps', 'trend', 'none'] as const;
export type TermChoice = (typeof TERM_CHOICES)[number];

export function forecastTermsOf(choice: TermChoice): ForecastTerms {
  const { jumps, trend } = DEFAULT_FORECAST_TERMS;
  return { jumps: choice === 'both' || choice === 'jumps' ? jumps : null, trend: choice === 'both' || choice === 'trend' ? trend : null };
}

export interface PredictSetting {
  readonly level: number;
  readonly horizonSec: number;
  readonly threshold: number;
}

export interface ForecastSettings {
  readonly terms: TermChoice;
  readonly predict: readonly PredictSetting[];
}

const RULE = /^(\d+(?:\.\d+)?):(0(?:\.\d+)?|1)$/;

/** `H:P` (every predict rule) or `H:P,H:P,...` (each, in ladder order): H hours, threshold P in (0, 1]. */
export function predictSpecProblem(spec: string): string | null {
  const parts = spec.split(',');
  const predicting = DEFAULT_ALERT_POLICY.ladder.filter((r) => r.predict !== null).length;
  if (parts.length !== 1 && parts.length !== predicting) return `one rule or ${predicting}, got ${parts.length}`;
  for (const p of parts) {
    const m = RULE.exec(p.trim());
    if (m === null || !(Number(m[1]) > 0) || !(Number(m[2]) > 0)) return `H:P with H > 0 hours and P in (0, 1], got ${JSON.stringify(p)}`;
  }
  return null;
}

/** The default ladder with its predict rules set by `spec` (null: as it is). */
export function ladderFor(spec: string | null): TierRule[] {
  const ladder = [...DEFAULT_ALERT_POLICY.ladder];
  if (spec === null) return ladder;
  const rules = spec.split(',').map((p) => {
    const [h, t] = p.trim().split(':');
    return { horizonSec: Math.round(Number(h) * 3600), threshold: Number(t) };
  });
  let j = 0;
  return ladder.map((r) => {
    if (r.predict === null) return r;
    const rule = rules.length === 1 ? rules[0] : rules[j];
    j += 1;
    return rule === undefined ? r : { ...r, predict: rule };
  });
}

export function monitorOptionsFor(terms: TermChoice, spec: string | null): Partial<MonitorOptions> {
  return { forecastTerms: forecastTermsOf(terms), policy: { ...DEFAULT_ALERT_POLICY, ladder: ladderFor(spec) } };
}

export const settingsOf = (terms: TermChoice, spec: string | null): ForecastSettings => ({
  terms,
  predict: ladderFor(spec).flatMap((r) => (r.predict === null ? [] : [{ level: r.level, ...r.predict }])),
});
