import { readFundingFact } from './read-market-shape.ts';
import type { AlertRecord, SuggestedReduction, SuggestedStop, TierForecast } from '../alerts/alert-decision.ts';
import type { Severity } from '../alerts/alert-ladder.ts';
import type { AlertPolicyState, StaleAlertState } from '../alerts/alert-policy.ts';
import type { OpenAlert, Snooze, SubjectAlertState } from '../alerts/subject-alerts.ts';
import {
  bool,
  count,
  epoch,
  exactObject,
  finite,
  listOf,
  namedRecord,
  nonEmpty,
  nonNegative,
  orNull,
  positive,
} from './snapshot-fields.ts';
import { obj, oneOf } from '../../units/field-readers.ts';

/**
 * The alert policy's state as saved (alert-policy.ts, subject-alerts.ts): open alerts with their ids
 * and due times, snoozes, the badge and the history. Tier indices must fall inside the saved ladder
 * (`tiers`), so a restored policy never looks up a tier that is not there.
 */

const SIDES = ['long', 'short'] as const;
const SEVERITIES: readonly Severity[] = ['watch', 'margin-call', 'critical', 'liquidation', 'data'];
const num = (raw: unknown, path: string): number => finite(raw, path);
const text = orNull(nonEmpty);

function openAlert(raw: unknown, path: string, tierIndex: (raw: unknown, path: string) => number, extra: readonly string[] = []): OpenAlert {
  const o = exactObject(raw, path, ['id', 'tierIndex', 'since', 'notified', 'reminders', 'dueAt', ...extra]);
  return {
    id: nonEmpty(o['id'], `${path}.id`),
    tierIndex: tierIndex(o['tierIndex'], `${path}.tierIndex`),
    since: epoch(o['since'], `${path}.since`),
    notified: bool(o['notified'], `${path}.notified`),
    reminders: count(o['reminders'], `${path}.reminders`),
    dueAt: orNull(epoch)(o['dueAt'], `${path}.dueAt`),
  };
}

function reduction(raw: unknown, path: string): SuggestedReduction {
  const o = exactObject(raw, path, ['symbol', 'side', 'qty', 'feeUsdt', 'closesPosition']);
  return {
    symbol: nonEmpty(o['symbol'], `${path}.symbol`),
    side: oneOf(o['side'], `${path}.side`, SIDES),
    qty: nonNegative(o['qty'], `${path}.qty`),
    feeUsdt: num(o['feeUsdt'], `${path}.feeUsdt`),
    closesPosition: bool(o['closesPosition'], `${path}.closesPosition`),
  };
}

function forecast(raw: unknown, path: string): TierForecast {
  const o = exactObject(raw, path, ['tier', 'tierName', 'probability', 'horizonSec', 'medianTimeSec']);
  return {
    tier: nonEmpty(o['tier'], `${path}.tier`),
    tierName: nonEmpty(o['tierName'], `${path}.tierName`),
    probability: finite(o['probability'], `${path}.probability`, (n) => n >= 0 && n <= 1, 'a probability in [0, 1]'),
    horizonSec: positive(o['horizonSec'], `${path}.horizonSec`),
    medianTimeSec: orNull(nonNegative)(o['medianTimeSec'], `${path}.medianTimeSec`),
  };
}

const RECORD_FIELDS = [
  'id', 'kind', 'subject', 't', 'severity', 'tier', 'tierName', 'channel', 'reminder', 'riskRatio', 'equityUsdt',
  'requirementUsdt', 'forecast', 'symbol', 'side', 'topUpUsdt', 'oddsTopUpUsdt', 'reduction', 'protectiveStop', 'marks', 'reason',
];

function protectiveStop(raw: unknown, path: string): SuggestedStop {
  const o = exactObject(raw, path, ['symbol', 'side', 'triggerPrice', 'fillPrice', 'qty', 'feeUsdt', 'closesPosition', 'liquidationPrice']);
  return {
    symbol: nonEmpty(o['symbol'], `${path}.symbol`),
    side: oneOf(o['side'], `${path}.side`, SIDES),
    triggerPrice: positive(o['triggerPrice'], `${path}.triggerPrice`),
    fillPrice: positive(o['fillPrice'], `${path}.fillPrice`),
    qty: positive(o['qty'], `${path}.qty`),
    feeUsdt: nonNegative(o['feeUsdt'], `${path}.feeUsdt`),
    closesPosition: bool(o['closesPosition'], `${path}.closesPosition`),
    liquidationPrice: positive(o['liquidationPrice'], `${path}.liquidationPrice`),
  };
}

/** Records saved before the odds top-up and the protective stop existed have neither (= null). */
const withSuggestionFields = (raw: unknown, path: string): unknown => {
  const o = obj(raw, path);
  return { oddsTopUpUsdt: null, protectiveStop: null, ...o };
};

function alertRecord(raw: unknown, path: string): AlertRecord {
  // funding came later and only when a payment was announced: optional (read-market-shape.ts reads it).
  const given = obj(withSuggestionFields(raw, path), path);
  const o = exactObject(given, path, Object.hasOwn(given, 'funding') ? [...RECORD_FIELDS, 'funding'] : RECORD_FIELDS);
  return {
    ...(Object.hasOwn(o, 'funding') ? { funding: readFundingFact(o['funding'], `${path}.funding`) } : {}),
    id: nonEmpty(o['id'], `${path}.id`),
    kind: oneOf(o['kind'], `${path}.kind`, ['tier', 'predictive', 'stale'] as const),
    subject: nonEmpty(o['subject'], `${path}.subject`),
    t: epoch(o['t'], `${path}.t`),
    severity: oneOf(o['severity'], `${path}.severity`, SEVERITIES),
    tier: text(o['tier'], `${path}.tier`),
    tierName: text(o['tierName'], `${path}.tierName`),
    channel: oneOf(o['channel'], `${path}.channel`, ['push', 'in-app'] as const),
    reminder: count(o['reminder'], `${path}.reminder`),
    riskRatio: orNull(num)(o['riskRatio'], `${path}.riskRatio`),
    equityUsdt: orNull(num)(o['equityUsdt'], `${path}.equityUsdt`),
    requirementUsdt: orNull(num)(o['requirementUsdt'], `${path}.requirementUsdt`),
    forecast: orNull(forecast)(o['forecast'], `${path}.forecast`),
    symbol: text(o['symbol'], `${path}.symbol`),
    side: orNull((v, f) => oneOf(v, f, SIDES))(o['side'], `${path}.side`),
    topUpUsdt: orNull(num)(o['topUpUsdt'], `${path}.topUpUsdt`),
    oddsTopUpUsdt: orNull(num)(o['oddsTopUpUsdt'], `${path}.oddsTopUpUsdt`),
    reduction: orNull(reduction)(o['reduction'], `${path}.reduction`),
    protectiveStop: orNull(protectiveStop)(o['protectiveStop'], `${path}.protectiveStop`),
    marks: namedRecord(o['marks'], `${path}.marks`, positive),
    reason: orNull((v, f) => nonEmpty(v, f))(o['reason'], `${path}.reason`),
  };
}

/** Reads a saved alert policy state for a ladder of `tiers` tiers; stops the walk at the first bad field (refuse, shared/units/field-error.ts). */
export function readAlertState(raw: unknown, path: string, tiers: number): AlertPolicyState {
  const o = exactObject(raw, path, ['subjects', 'stale', 'badge', 'history']);
  const tierIndex = (v: unknown, f: string): number => finite(v, f, (n) => Number.isInteger(n) && n >= 0 && n < tiers, `a tier index in 0..${tiers - 1}`);
  const levelOrNone = (v: unknown, f: string): number => finite(v, f, (n) => Number.isInteger(n) && n >= -1 && n < tiers, `a tier index in -1..${tiers - 1}`);
  const subject = (v: unknown, f: string): SubjectAlertState => {
    const s = exactObject(v, f, ['tierIndex', 'tiers', 'peakTierIndex', 'prediction', 'snooze']);
    return {
      tierIndex: levelOrNone(s['tierIndex'], `${f}.tierIndex`),
      tiers: listOf(s['tiers'], `${f}.tiers`, (a, g) => openAlert(a, g, tierIndex)),
      peakTierIndex: levelOrNone(s['peakTierIndex'], `${f}.peakTierIndex`),
      prediction: orNull((a, g) => openAlert(a, g, tierIndex))(s['prediction'], `${f}.prediction`),
      snooze: orNull((z, g): Snooze => {
        const snooze = exactObject(z, g, ['untilMs', 'tierIndex']);
        return { untilMs: orNull(epoch)(snooze['untilMs'], `${g}.untilMs`), tierIndex: levelOrNone(snooze['tierIndex'], `${g}.tierIndex`) };
      })(s['snooze'], `${f}.snooze`),
    };
  };
  const stale = orNull((v, f): StaleAlertState => {
    const s = exactObject(v, f, ['id', 'tierIndex', 'since', 'notified', 'reminders', 'dueAt', 'subject', 'reason']);
    // The stale alert carries tier index -1: it is about the data, not a tier.
    const open = openAlert(v, f, (t, g) => finite(t, g, (n) => n === -1, '-1 (the stale alert has no tier)'), ['subject', 'reason']);
    return { ...open, subject: nonEmpty(s['subject'], `${f}.subject`), reason: nonEmpty(s['reason'], `${f}.reason`) };
  });
  return {
    subjects: namedRecord(o['subjects'], `${path}.subjects`, subject),
    stale: stale(o['stale'], `${path}.stale`),
    badge: orNull((v, f) => {
      const b = exactObject(v, f, ['tierIndex', 'stale']);
      return { tierIndex: levelOrNone(b['tierIndex'], `${f}.tierIndex`), stale: bool(b['stale'], `${f}.stale`) };
    })(o['badge'], `${path}.badge`),
    history: listOf(o['history'], `${path}.history`, alertRecord),
  };
}
