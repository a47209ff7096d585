/**
 * The bounds of every numeric monitor option, in one table: a replay document's or a form's `policy`
 * (parse-policy-overrides.ts) and a saved monitor's options (read-monitor-options.ts) are held to the same
 * rules, so a saved monitor can hold nothing a user could not set, and a bound changed here changes both.
 */
export interface OptionBound {
  readonly ok: (n: number) => boolean;
  /** What the field expects, as an error message says it ("expected a level in (0, 1]"). */
  readonly rule: string;
}

export const OPTION_BOUNDS = {
  level: { ok: (n) => n > 0 && n <= 1, rule: 'a level in (0, 1]' },
  target: { ok: (n) => n > 0 && n <= 1, rule: 'a target rho in (0, 1]' },
  threshold: { ok: (n) => n > 0 && n <= 1, rule: 'a probability in (0, 1]' },
  maxProbability: { ok: (n) => n > 0 && n < 1, rule: 'a probability in (0, 1)' },
  hysteresis: { ok: (n) => n >= 0 && n < 1, rule: 'a number in [0, 1)' },
  duration: { ok: (n) => n > 0, rule: 'a number > 0' },
  durationOrZero: { ok: (n) => n >= 0, rule: 'a duration >= 0' },
  utcOffsetMinutes: { ok: (n) => Number.isInteger(n) && n >= -720 && n <= 840, rule: 'whole minutes in [-720, 840]' },
  floorSigmaAnnual: { ok: (n) => n >= 0 && n < 100, rule: 'an annualised sigma in [0, 100)' },
  priorSigmaAnnual: { ok: (n) => n > 0 && n < 100, rule: 'an annualised sigma in (0, 100)' },
  // Non-negative keeps the prior matrix positive semi-definite for any number of symbols.
  priorCorrelation: { ok: (n) => n >= 0 && n < 1, rule: 'a correlation in [0, 1)' },
} as const satisfies Record<string, OptionBound>;
