import { FieldRefusal } from '../units/field-refusal.ts';
import {
  DEFAULT_ALERT_POLICY,
  DEFAULT_LADDER,
  ladderProblem,
  type AlertPolicyOptions,
  type PredictRule,
  type QuietHours,
  type Severity,
  type TierRule,
} from '../engine/alerts/alert-ladder.ts';
import type { MonitorOptions } from '../engine/monitor/account-monitor.ts';
import type { CorrelationOptions } from '../engine/projection/correlation.ts';
import { DEFAULT_CORRELATION_OPTIONS } from '../engine/projection/correlation.ts';
import { DEFAULT_VOLATILITY_OPTIONS, type VolatilityOptions } from '../engine/projection/volatility.ts';

/**
 * The `policy` object of a replay document (docs/replay-and-calc.md): every knob of the alert policy and the
 * projection, each optional, mapped onto the monitor's options. Field names are the option names, so
 * docs/replay-and-calc.md, this file and alert-ladder.ts read alike; times are ms, except horizons (seconds, as in
 * PredictRule). Untrusted input: an unknown or bad field is refused by its path
 * (`policy.ladder[1].predict.threshold`), never passed on.
 *
 *   ladder        [{ level, name?, severity?, push?, bypassesQuietHours?, graceMs?, remindEveryMs?, predict? }]
 *                 replaces the whole ladder; an entry at a default level (0.5, 0.8, 0.9, 1) starts from
 *                 that default tier, any other level must give name and severity
 *   hysteresis, predictionHysteresis          numbers in [0, 1)
 *   quietHours    { start: "22:00", end: "07:00", utcOffsetMinutes?: 120 } or null
 *   stale         { push?, remindEveryMs? }
 *   horizonsSec   [900, 3600, ...]             projection horizons shown per tier
 *   target        rho the suggestions aim for, or null (the lowest tier)
 *   liquidationOdds  { horizonSec, maxProbability } or null
 *   volatility    { halfLifeMs?, slowHalfLifeMs?, minReturnMs?, floorSigmaAnnual?, priorSigmaAnnual?, priorWeightMs? }
 *   correlation   { sampleEveryMs?, halfLifeMs?, priorCorrelation?, priorWeightMs? }
 */
export type PolicyOverrides = Partial<Omit<MonitorOptions, 'accountId'>>;

export interface PolicyError {
  readonly kind: 'policy-error';
  readonly field: string;
  readonly message: string;
}

export const isPolicyError = (v: unknown): v is PolicyError =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'policy-error';


type Obj = Readonly<Record<string, unknown>>;

const shown = (raw: unknown): string => (JSON.stringify(raw) ?? String(raw)).slice(0, 40);

/** An object with no keys outside `known` (a misspelt knob must not be silently ignored). */
function objectOf(raw: unknown, field: string, known: readonly string[]): Obj {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new FieldRefusal(field, 'expected an object');
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) throw new FieldRefusal(`${field}.${key}`, `unknown field (known: ${known.join(', ')})`);
  }
  return raw as Obj;
}

function numberIn(raw: unknown, field: string, ok: (n: number) => boolean, rule: string): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) throw new FieldRefusal(field, `expected a number, got ${shown(raw)}`);
  if (!ok(raw)) throw new FieldRefusal(field, `expected ${rule}, got ${raw}`);
  return raw;
}

const positive = (raw: unknown, field: string): number => numberIn(raw, field, (n) => n > 0, 'a number > 0');
const fraction = (raw: unknown, field: string): number => numberIn(raw, field, (n) => n >= 0 && n < 1, 'a number in [0, 1)');
const probability = (raw: unknown, field: string): number => numberIn(raw, field, (n) => n > 0 && n <= 1, 'a probability in (0, 1]');
const durationOrNull = (raw: unknown, field: string): number | null => (raw === null ? null : positive(raw, field));

function booleanAt(raw: unknown, field: string): boolean {
  if (typeof raw !== 'boolean') throw new FieldRefusal(field, `expected true or false, got ${shown(raw)}`);
  return raw;
}

type Reader<V> = (raw: unknown, field: string) => V;

/**
 * Fields present in `o` replace those of `base`, each through its reader. The readers must cover every
 * key of T (or the keys named in K): an option added to the engine later fails to compile here rather
 * than being accepted and silently ignored.
 */
function merged<T extends object, K extends keyof T = keyof T>(o: Obj, field: string, base: T, readers: { readonly [P in K]-?: Reader<T[P]> }): T {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, read] of Object.entries(readers) as Array<[string, Reader<unknown>]>) {
    if (o[key] !== undefined) out[key] = read(o[key], `${field}.${key}`);
  }
  return out as T;
}

/** An object of overrides for `base`, with a reader for every field. */
const overridesOf = <T extends object>(raw: unknown, field: string, base: T, readers: { readonly [P in keyof T]-?: Reader<T[P]> }): T =>
  merged(objectOf(raw, field, Object.keys(readers)), field, base, readers);

const SEVERITIES: readonly Severity[] = ['watch', 'margin-call', 'critical', 'liquidation'];
const TIER_FIELDS = ['level', 'name', 'severity', 'push', 'bypassesQuietHours', 'graceMs', 'remindEveryMs', 'predict'] as const;

function predictAt(raw: unknown, field: string): PredictRule | null {
  if (raw === null) return null;
  const o = objectOf(raw, field, ['horizonSec', 'threshold']);
  return { horizonSec: positive(o['horizonSec'], `${field}.horizonSec`), threshold: probability(o['threshold'], `${field}.threshold`) };
}

function tierAt(raw: unknown, field: string): TierRule {
  const o = objectOf(raw, field, TIER_FIELDS);
  const level = numberIn(o['level'], `${field}.level`, (n) => n > 0 && n <= 1, 'a level in (0, 1]');
  const preset = DEFAULT_LADDER.find((r) => r.level === level);
  if (preset === undefined) {
    // A new level has no default to start from: say what it is called and how loud it is.
    if (o['name'] === undefined) throw new FieldRefusal(`${field}.name`, `required for a level (${level}) not in the default ladder`);
    if (o['severity'] === undefined) throw new FieldRefusal(`${field}.severity`, `required for a level (${level}) not in the default ladder`);
  }
  const base: TierRule = preset ?? {
    level,
    name: '',
    severity: 'watch',
    push: true,
    bypassesQuietHours: false,
    graceMs: null,
    remindEveryMs: null,
    predict: null,
  };
  return merged(o, field, base, {
    level: () => level,
    name: (v, f) => {
      if (typeof v !== 'string' || v.trim() === '') throw new FieldRefusal(f, 'expected a non-empty string');
      return v;
    },
    severity: (v, f) => {
      if (typeof v !== 'string' || !(SEVERITIES as readonly string[]).includes(v)) {
        throw new FieldRefusal(f, `expected one of ${SEVERITIES.map((s) => `"${s}"`).join(', ')}, got ${shown(v)}`);
      }
      return v as Severity;
    },
    push: booleanAt,
    bypassesQuietHours: booleanAt,
    graceMs: durationOrNull,
    remindEveryMs: durationOrNull,
    predict: predictAt,
  });
}

function ladderAt(raw: unknown, field: string): readonly TierRule[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new FieldRefusal(field, 'expected a non-empty array of tiers');
  const ladder = raw.map((t, i) => tierAt(t, `${field}[${i}]`));
  const problem = ladderProblem(ladder);
  if (problem !== null) throw new FieldRefusal(field, problem);
  return ladder;
}

/** "HH:MM" (24 h) as a minute of the day. */
function minuteOfDay(raw: unknown, field: string): number {
  const m = typeof raw === 'string' ? /^(\d{1,2}):(\d{2})$/.exec(raw) : null;
  const hours = Number(m?.[1]);
  const minutes = Number(m?.[2]);
  if (m === null || hours > 23 || minutes > 59) throw new FieldRefusal(field, `expected a time of day "HH:MM", got ${shown(raw)}`);
  return hours * 60 + minutes;
}

function quietHoursAt(raw: unknown, field: string): QuietHours | null {
  if (raw === null) return null;
  const o = objectOf(raw, field, ['start', 'end', 'utcOffsetMinutes']);
  return {
    startMinute: minuteOfDay(o['start'], `${field}.start`),
    endMinute: minuteOfDay(o['end'], `${field}.end`),
    utcOffsetMinutes:
      o['utcOffsetMinutes'] === undefined
        ? 0
        : numberIn(o['utcOffsetMinutes'], `${field}.utcOffsetMinutes`, (n) => Number.isInteger(n) && n >= -720 && n <= 840, 'whole minutes in [-720, 840]'),
  };
}

function horizonsAt(raw: unknown, field: string): number[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new FieldRefusal(field, 'expected a non-empty array of seconds');
  return raw.map((h, i) => positive(h, `${field}[${i}]`));
}

const POLICY_FIELDS = [
  'ladder',
  'hysteresis',
  'predictionHysteresis',
  'quietHours',
  'stale',
  'horizonsSec',
  'target',
  'liquidationOdds',
  'volatility',
  'correlation',
] as const;

function overridesAt(raw: unknown, field: string): PolicyOverrides {
  const o = objectOf(raw, field, POLICY_FIELDS);
  const out: { -readonly [K in keyof PolicyOverrides]: PolicyOverrides[K] } = {};
  // historyLimit is how much history a home keeps; the replay reads decisions, so it is not a knob here.
  const policy = merged<AlertPolicyOptions, Exclude<keyof AlertPolicyOptions, 'historyLimit'>>(o, field, DEFAULT_ALERT_POLICY, {
    ladder: ladderAt,
    hysteresis: fraction,
    predictionHysteresis: fraction,
    quietHours: quietHoursAt,
    stale: (v, f) => overridesOf(v, f, DEFAULT_ALERT_POLICY.stale, { push: booleanAt, remindEveryMs: durationOrNull }),
  });
  if (POLICY_FIELDS.slice(0, 5).some((k) => o[k] !== undefined)) out.policy = policy;
  if (o['horizonsSec'] !== undefined) out.horizonsSec = horizonsAt(o['horizonsSec'], `${field}.horizonsSec`);
  if (o['target'] !== undefined) {
    out.target = o['target'] === null ? null : numberIn(o['target'], `${field}.target`, (n) => n > 0 && n <= 1, 'a target rho in (0, 1]');
  }
  if (o['liquidationOdds'] !== undefined) {
    const f = `${field}.liquidationOdds`;
    const odds = o['liquidationOdds'] === null ? null : objectOf(o['liquidationOdds'], f, ['horizonSec', 'maxProbability']);
    out.liquidationOdds =
      odds === null
        ? null
        : {
            horizonSec: positive(odds['horizonSec'], `${f}.horizonSec`),
            maxProbability: numberIn(odds['maxProbability'], `${f}.maxProbability`, (n) => n > 0 && n < 1, 'a probability in (0, 1)'),
          };
  }
  if (o['volatility'] !== undefined) {
    const f = `${field}.volatility`;
    out.volatility = overridesOf<VolatilityOptions>(o['volatility'], f, DEFAULT_VOLATILITY_OPTIONS, {
      halfLifeMs: positive,
      slowHalfLifeMs: positive,
      minReturnMs: (v, g) => numberIn(v, g, (n) => n >= 0, 'a duration >= 0'),
      floorSigmaAnnual: (v, g) => numberIn(v, g, (n) => n >= 0 && n < 100, 'an annualised sigma in [0, 100)'),
      priorSigmaAnnual: (v, g) => numberIn(v, g, (n) => n > 0 && n < 100, 'an annualised sigma in (0, 100)'),
      priorWeightMs: positive,
    });
    if (out.volatility.slowHalfLifeMs < out.volatility.halfLifeMs) {
      throw new FieldRefusal(`${f}.slowHalfLifeMs`, `the slow half-life must be at least the fast one (${out.volatility.halfLifeMs} ms)`);
    }
  }
  if (o['correlation'] !== undefined) {
    const f = `${field}.correlation`;
    out.correlation = overridesOf<CorrelationOptions>(o['correlation'], f, DEFAULT_CORRELATION_OPTIONS, {
      sampleEveryMs: positive,
      halfLifeMs: positive,
      // Non-negative keeps the prior matrix positive semi-definite for any number of symbols.
      priorCorrelation: (v, g) => numberIn(v, g, (n) => n >= 0 && n < 1, 'a correlation in [0, 1)'),
      priorWeightMs: (v, g) => numberIn(v, g, (n) => n >= 0, 'a duration >= 0'),
    });
  }
  return out;
}

/**
 * Reads the `policy` object of a replay document into monitor options (only the fields given; the
 * alert policy, if any of its fields is given, is complete with the defaults). Returns the first bad
 * field, e.g. `{ field: 'policy.quietHours.start', message: 'expected a time of day "HH:MM", ...' }`.
 */
export function parsePolicyOverrides(raw: unknown, field = 'policy'): PolicyOverrides | PolicyError {
  try {
    return overridesAt(raw, field);
  } catch (e) {
    if (e instanceof FieldRefusal) return { kind: 'policy-error', field: e.field, message: e.message };
    throw e;
  }
}
