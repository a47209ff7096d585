import {
  DEFAULT_ALERT_POLICY,
  DEFAULT_LADDER,
  ladderProblem,
  type AlertPolicyOptions,
  type PredictRule,
  type QuietHours,
  type Severity,
  type TierRule,
} from '../alerts/alert-ladder.ts';
import { DEFAULT_CORRELATION_OPTIONS, type CorrelationOptions } from '../projection/correlation.ts';
import { DEFAULT_VOLATILITY_OPTIONS, type VolatilityOptions } from '../projection/volatility.ts';
import { readFields, refuse, type FieldError } from '../../units/field-error.ts';
import { at, bool, checked, item, jsonNumber, nonEmptyArr, oneOf, shown, str, strictObj, type FieldObject } from '../../units/field-readers.ts';
import type { MonitorOptions } from './account-monitor.ts';
import { OPTION_BOUNDS as B, type OptionBound } from './option-bounds.ts';

/**
 * The monitor's settings as plain JSON: the `policy` object of a replay document (docs/replay-and-calc.md), a
 * home's settings form, the extension's options, a relay's or a snapshot's stored options. Every knob
 * of the alert policy and the projection, each optional, mapped onto the monitor's options. Field names are the option names, so
 * docs/replay-and-calc.md, this file and alert-ladder.ts read alike; times are ms, except horizons (seconds, as in
 * PredictRule). Untrusted input: an unknown or bad field is refused by its path
 * (`policy.ladder[1].predict.threshold`), never passed on.
 *
 *   ladder        [{ level, name?, severity?, push?, bypassesQuietHours?, graceMs?, remindEveryMs?, predict? }]
 *                 replaces the whole ladder; an entry at a default level (0.5, 0.8, 0.9, 1) starts from
 *                 that default tier, any other level must give name and severity. Entries may come in
 *                 any order: the ladder is sorted by level here (the engine indexes its tiers in level
 *                 order), and two entries at one level are refused.
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

type Obj = FieldObject;
type Reader<V> = (raw: unknown, field: string) => V;

const numberWhere = (raw: unknown, field: string, bound: OptionBound): number => checked(jsonNumber(raw, field), field, bound.ok, bound.rule);
const within =
  (bound: OptionBound): Reader<number> =>
  (raw, field) =>
    numberWhere(raw, field, bound);
const positive = within(B.duration);
const fraction = within(B.hysteresis);
const probability = within(B.threshold);
const durationOrNull = (raw: unknown, field: string): number | null => (raw === null ? null : positive(raw, field));

/**
 * Fields present in `o` replace those of `base`, each through its reader. The readers must cover every
 * key of T (or the keys named in K): an option added to the engine later fails to compile here rather
 * than being accepted and silently ignored.
 */
function merged<T extends object, K extends keyof T = keyof T>(o: Obj, field: string, base: T, readers: { readonly [P in K]-?: Reader<T[P]> }): T {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, read] of Object.entries(readers) as Array<[string, Reader<unknown>]>) {
    if (o[key] !== undefined) out[key] = read(o[key], at(field, key));
  }
  return out as T;
}

/** An object of overrides for `base`, with a reader for every field. */
const overridesOf = <T extends object>(raw: unknown, field: string, base: T, readers: { readonly [P in keyof T]-?: Reader<T[P]> }): T =>
  merged(strictObj(raw, field, Object.keys(readers)), field, base, readers);

const SEVERITIES: readonly Severity[] = ['watch', 'margin-call', 'critical', 'liquidation'];
const TIER_FIELDS = ['level', 'name', 'severity', 'push', 'bypassesQuietHours', 'graceMs', 'remindEveryMs', 'predict'] as const;

function predictAt(raw: unknown, field: string): PredictRule | null {
  if (raw === null) return null;
  const o = strictObj(raw, field, ['horizonSec', 'threshold']);
  return { horizonSec: positive(o['horizonSec'], `${field}.horizonSec`), threshold: probability(o['threshold'], `${field}.threshold`) };
}

function tierAt(raw: unknown, field: string): TierRule {
  const o = strictObj(raw, field, TIER_FIELDS);
  const level = numberWhere(o['level'], `${field}.level`, B.level);
  const preset = DEFAULT_LADDER.find((r) => r.level === level);
  if (preset === undefined) {
    // A new level has no default to start from: say what it is called and how loud it is.
    if (o['name'] === undefined) refuse(`${field}.name`, `required for a level (${level}) not in the default ladder`);
    if (o['severity'] === undefined) refuse(`${field}.severity`, `required for a level (${level}) not in the default ladder`);
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
    name: (v, f) => checked(str(v, f), f, (n) => n.trim() !== '' && n.length <= 64, 'a name of 1..64 characters'),
    severity: (v, f) => oneOf(v, f, SEVERITIES),
    push: bool,
    bypassesQuietHours: bool,
    graceMs: durationOrNull,
    remindEveryMs: durationOrNull,
    predict: predictAt,
  });
}

/** The ladder sorted by level: the engine indexes tiers in level order, so the order given must not matter. */
function ladderAt(raw: unknown, field: string): readonly TierRule[] {
  const entries = nonEmptyArr(raw, field, 'tiers').map((t, i) => ({ rule: tierAt(t, item(field, i)), i }));
  const seen = new Map<number, number>();
  for (const { rule, i } of entries) {
    const first = seen.get(rule.level);
    if (first !== undefined) refuse(at(item(field, i), 'level'), `level ${rule.level} is already ${item(field, first)}`);
    seen.set(rule.level, i);
  }
  const ladder = entries.map((e) => e.rule).sort((a, b) => a.level - b.level);
  const problem = ladderProblem(ladder);
  if (problem !== null) refuse(field, problem);
  return ladder;
}

/** "HH:MM" (24 h) as a minute of the day. */
function minuteOfDay(raw: unknown, field: string): number {
  const m = typeof raw === 'string' ? /^(\d{1,2}):(\d{2})$/.exec(raw) : null;
  const hours = Number(m?.[1]);
  const minutes = Number(m?.[2]);
  if (m === null || hours > 23 || minutes > 59) refuse(field, `expected a time of day "HH:MM", got ${shown(raw)}`);
  return hours * 60 + minutes;
}

function quietHoursAt(raw: unknown, field: string): QuietHours | null {
  if (raw === null) return null;
  const o = strictObj(raw, field, ['start', 'end', 'utcOffsetMinutes']);
  return {
    startMinute: minuteOfDay(o['start'], `${field}.start`),
    endMinute: minuteOfDay(o['end'], `${field}.end`),
    utcOffsetMinutes:
      o['utcOffsetMinutes'] === undefined
        ? 0
        : numberWhere(o['utcOffsetMinutes'], `${field}.utcOffsetMinutes`, B.utcOffsetMinutes),
  };
}

/** Sorted and without repeats, like the monitor's own list (the order given must not matter). */
function horizonsAt(raw: unknown, field: string): number[] {
  const horizons = nonEmptyArr(raw, field, 'seconds').map((h, i) => positive(h, item(field, i)));
  return [...new Set(horizons)].sort((a, b) => a - b);
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

export function policyOverridesAt(raw: unknown, field: string): PolicyOverrides {
  const o = strictObj(raw, field, POLICY_FIELDS);
  const out: { -readonly [K in keyof PolicyOverrides]: PolicyOverrides[K] } = {};
  // historyLimit is how much history a home keeps; the replay reads decisions, so it is not a knob here.
  const policy = merged<AlertPolicyOptions, Exclude<keyof AlertPolicyOptions, 'historyLimit'>>(o, field, DEFAULT_ALERT_POLICY, {
    ladder: ladderAt,
    hysteresis: fraction,
    predictionHysteresis: fraction,
    quietHours: quietHoursAt,
    stale: (v, f) => overridesOf(v, f, DEFAULT_ALERT_POLICY.stale, { push: bool, remindEveryMs: durationOrNull }),
  });
  if (POLICY_FIELDS.slice(0, 5).some((k) => o[k] !== undefined)) out.policy = policy;
  if (o['horizonsSec'] !== undefined) out.horizonsSec = horizonsAt(o['horizonsSec'], `${field}.horizonsSec`);
  if (o['target'] !== undefined) {
    out.target = o['target'] === null ? null : numberWhere(o['target'], `${field}.target`, B.target);
  }
  if (o['liquidationOdds'] !== undefined) {
    const f = `${field}.liquidationOdds`;
    const odds = o['liquidationOdds'] === null ? null : strictObj(o['liquidationOdds'], f, ['horizonSec', 'maxProbability']);
    out.liquidationOdds =
      odds === null
        ? null
        : {
            horizonSec: positive(odds['horizonSec'], `${f}.horizonSec`),
            maxProbability: numberWhere(odds['maxProbability'], `${f}.maxProbability`, B.maxProbability),
          };
  }
  if (o['volatility'] !== undefined) {
    const f = `${field}.volatility`;
    out.volatility = overridesOf<VolatilityOptions>(o['volatility'], f, DEFAULT_VOLATILITY_OPTIONS, {
      halfLifeMs: positive,
      slowHalfLifeMs: positive,
      minReturnMs: within(B.durationOrZero),
      floorSigmaAnnual: within(B.floorSigmaAnnual),
      priorSigmaAnnual: within(B.priorSigmaAnnual),
      priorWeightMs: positive,
    });
    if (out.volatility.slowHalfLifeMs < out.volatility.halfLifeMs) {
      refuse(`${f}.slowHalfLifeMs`, `the slow half-life must be at least the fast one (${out.volatility.halfLifeMs} ms)`);
    }
  }
  if (o['correlation'] !== undefined) {
    const f = `${field}.correlation`;
    out.correlation = overridesOf<CorrelationOptions>(o['correlation'], f, DEFAULT_CORRELATION_OPTIONS, {
      sampleEveryMs: positive,
      halfLifeMs: positive,
      priorCorrelation: within(B.priorCorrelation),
      priorWeightMs: within(B.durationOrZero),
    });
  }
  return out;
}

/**
 * Reads monitor settings (the `policy` object of a replay document, a settings form, stored options)
 * into monitor options: only the fields given; the alert policy, if any of its fields is given, is
 * complete with the defaults. Returns the first bad field, e.g.
 * `{ kind: 'field-error', field: 'policy.quietHours.start', message: 'expected a time of day "HH:MM", ...' }`.
 * `policyOverridesAt` is the same walk for a parser that holds settings inside a larger document.
 */
export const parsePolicyOverrides = (raw: unknown, field = 'policy'): PolicyOverrides | FieldError => readFields(() => policyOverridesAt(raw, field));
