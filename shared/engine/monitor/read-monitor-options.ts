import { refuse } from '../../units/field-error.ts';
import { obj } from '../../units/field-readers.ts';
import { ladderProblem, type AlertPolicyOptions, type QuietHours, type Severity, type TierRule } from '../alerts/alert-ladder.ts';
import type { CorrelationOptions } from '../projection/correlation.ts';
import type { VolatilityOptions } from '../projection/volatility.ts';
import type { MonitorOptions } from './account-monitor.ts';
import { readForecastTerms } from './read-market-shape.ts';
import type { LiquidationOdds } from './subject-facts.ts';
import { oneOf } from '../../units/field-readers.ts';
import { bool, exactObject, finite, listOf, nonEmpty, orNull } from './snapshot-fields.ts';
import { OPTION_BOUNDS as B, type OptionBound } from './option-bounds.ts';

/**
 * The whole of a saved monitor's options (every field present, in the engine's own shape: quiet hours
 * as minutes of the day), held to the bounds of option-bounds.ts, as a replay document's `policy` is
 * (parse-policy-overrides.ts), so a saved monitor can hold nothing a user could not set.
 */

const SEVERITIES: readonly Severity[] = ['watch', 'margin-call', 'critical', 'liquidation'];
const within =
  (bound: OptionBound) =>
  (raw: unknown, path: string): number =>
    finite(raw, path, bound.ok, bound.rule);
const positive = within(B.duration);
const nonNegative = within(B.durationOrZero);
const probability = within(B.threshold);
const fraction = within(B.hysteresis);
const durationOrNull = orNull(positive);
const minute = (raw: unknown, path: string): number => finite(raw, path, (n) => Number.isInteger(n) && n >= 0 && n < 1440, 'a minute of the day, 0..1439');

function tierRule(raw: unknown, path: string): TierRule {
  const o = exactObject(raw, path, ['level', 'name', 'severity', 'push', 'bypassesQuietHours', 'graceMs', 'remindEveryMs', 'predict']);
  return {
    level: within(B.level)(o['level'], `${path}.level`),
    name: nonEmpty(o['name'], `${path}.name`),
    severity: oneOf(o['severity'], `${path}.severity`, SEVERITIES),
    push: bool(o['push'], `${path}.push`),
    bypassesQuietHours: bool(o['bypassesQuietHours'], `${path}.bypassesQuietHours`),
    graceMs: durationOrNull(o['graceMs'], `${path}.graceMs`),
    remindEveryMs: durationOrNull(o['remindEveryMs'], `${path}.remindEveryMs`),
    predict: orNull((p, f) => {
      const rule = exactObject(p, f, ['horizonSec', 'threshold']);
      return { horizonSec: positive(rule['horizonSec'], `${f}.horizonSec`), threshold: probability(rule['threshold'], `${f}.threshold`) };
    })(o['predict'], `${path}.predict`),
  };
}

function quietHours(raw: unknown, path: string): QuietHours {
  const o = exactObject(raw, path, ['startMinute', 'endMinute', 'utcOffsetMinutes']);
  return {
    startMinute: minute(o['startMinute'], `${path}.startMinute`),
    endMinute: minute(o['endMinute'], `${path}.endMinute`),
    utcOffsetMinutes: within(B.utcOffsetMinutes)(o['utcOffsetMinutes'], `${path}.utcOffsetMinutes`),
  };
}

function policy(raw: unknown, path: string): AlertPolicyOptions {
  const o = exactObject(raw, path, ['ladder', 'hysteresis', 'predictionHysteresis', 'quietHours', 'stale', 'historyLimit']);
  const ladder = listOf(o['ladder'], `${path}.ladder`, tierRule);
  const problem = ladderProblem(ladder);
  if (problem !== null) refuse(`${path}.ladder`, problem);
  const stale = exactObject(o['stale'], `${path}.stale`, ['push', 'remindEveryMs']);
  return {
    ladder,
    hysteresis: fraction(o['hysteresis'], `${path}.hysteresis`),
    predictionHysteresis: fraction(o['predictionHysteresis'], `${path}.predictionHysteresis`),
    quietHours: orNull(quietHours)(o['quietHours'], `${path}.quietHours`),
    stale: { push: bool(stale['push'], `${path}.stale.push`), remindEveryMs: durationOrNull(stale['remindEveryMs'], `${path}.stale.remindEveryMs`) },
    historyLimit: finite(o['historyLimit'], `${path}.historyLimit`, (n) => Number.isInteger(n) && n >= 1, 'a whole number >= 1'),
  };
}

function volatility(raw: unknown, path: string): VolatilityOptions {
  const o = exactObject(raw, path, ['halfLifeMs', 'slowHalfLifeMs', 'minReturnMs', 'floorSigmaAnnual', 'priorSigmaAnnual', 'priorWeightMs']);
  const options: VolatilityOptions = {
    halfLifeMs: positive(o['halfLifeMs'], `${path}.halfLifeMs`),
    slowHalfLifeMs: positive(o['slowHalfLifeMs'], `${path}.slowHalfLifeMs`),
    minReturnMs: nonNegative(o['minReturnMs'], `${path}.minReturnMs`),
    floorSigmaAnnual: within(B.floorSigmaAnnual)(o['floorSigmaAnnual'], `${path}.floorSigmaAnnual`),
    priorSigmaAnnual: within(B.priorSigmaAnnual)(o['priorSigmaAnnual'], `${path}.priorSigmaAnnual`),
    priorWeightMs: positive(o['priorWeightMs'], `${path}.priorWeightMs`),
  };
  if (options.slowHalfLifeMs < options.halfLifeMs) refuse(`${path}.slowHalfLifeMs`, `the slow half-life must be at least the fast one (${options.halfLifeMs} ms)`);
  return options;
}

function correlation(raw: unknown, path: string): CorrelationOptions {
  const o = exactObject(raw, path, ['sampleEveryMs', 'halfLifeMs', 'priorCorrelation', 'priorWeightMs']);
  return {
    sampleEveryMs: positive(o['sampleEveryMs'], `${path}.sampleEveryMs`),
    halfLifeMs: positive(o['halfLifeMs'], `${path}.halfLifeMs`),
    priorCorrelation: within(B.priorCorrelation)(o['priorCorrelation'], `${path}.priorCorrelation`),
    priorWeightMs: nonNegative(o['priorWeightMs'], `${path}.priorWeightMs`),
  };
}

function liquidationOdds(raw: unknown, path: string): LiquidationOdds {
  const o = exactObject(raw, path, ['horizonSec', 'maxProbability']);
  return {
    horizonSec: positive(o['horizonSec'], `${path}.horizonSec`),
    maxProbability: within(B.maxProbability)(o['maxProbability'], `${path}.maxProbability`),
  };
}

/** Reads a saved monitor's options; stops the walk at the first bad field (refuse, shared/units/field-error.ts). */
export function readMonitorOptions(raw: unknown, path: string): MonitorOptions {
  // forecastTerms came later: optional, so an older snapshot still reads (read-market-shape.ts).
  const known = ['accountId', 'policy', 'volatility', 'correlation', 'horizonsSec', 'target', 'liquidationOdds'];
  const o = exactObject(raw, path, Object.hasOwn(obj(raw, path), 'forecastTerms') ? [...known, 'forecastTerms'] : known);
  const horizonsSec = listOf(o['horizonsSec'], `${path}.horizonsSec`, positive);
  if (horizonsSec.length === 0) refuse(`${path}.horizonsSec`, 'expected at least one horizon');
  return {
    accountId: nonEmpty(o['accountId'], `${path}.accountId`),
    policy: policy(o['policy'], `${path}.policy`),
    volatility: volatility(o['volatility'], `${path}.volatility`),
    correlation: correlation(o['correlation'], `${path}.correlation`),
    horizonsSec,
    target: orNull(within(B.target))(o['target'], `${path}.target`),
    liquidationOdds: orNull(liquidationOdds)(o['liquidationOdds'], `${path}.liquidationOdds`),
    forecastTerms: readForecastTerms(o['forecastTerms'], `${path}.forecastTerms`),
  };
}
