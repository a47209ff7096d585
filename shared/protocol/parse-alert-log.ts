import { readFields, refuse, type FieldError } from '../units/field-error.ts';
import { arr, obj, oneOf, str, type FieldObject } from '../units/field-readers.ts';
import { epochMs, price, qty, ratio, usdt } from '../units/units.ts';
import type { ResolveReason } from '../engine/alerts/alert-decision.ts';
import type { Severity } from '../engine/alerts/alert-ladder.ts';
import { ALERT_LOG_VERSION, type AlertEntry, type AlertFigures, type AlertLog } from './alert-log.ts';

/**
 * An alert log read back from storage (IndexedDB, chrome.storage, a relay's database): every field
 * checked, the first bad one named by its path, so a corrupt or foreign log is refused with a reason and
 * never half read. A log of a version this code does not know is refused, not guessed at.
 */

const SEVERITIES: readonly Severity[] = ['watch', 'margin-call', 'critical', 'liquidation', 'data'];
const RESOLVE_REASONS: readonly ResolveReason[] = ['recovered', 'reached', 'withdrawn', 'closed', 'data-fresh'];

/** A JSON number that is finite: storage holds numbers, never the wire's decimal strings. */
function finite(raw: unknown, path: string): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) refuse(path, `expected a finite number, got ${raw === null ? 'null' : typeof raw === 'number' ? String(raw) : typeof raw}`);
  return raw;
}

function time(raw: unknown, path: string): number {
  const n = finite(raw, path);
  if (!(Number.isInteger(n) && n >= 0)) refuse(path, `expected a time in ms, got ${n}`);
  return n;
}

function nonNegative(raw: unknown, path: string): number {
  const n = finite(raw, path);
  if (!(n >= 0)) refuse(path, `expected a number >= 0, got ${n}`);
  return n;
}

const nullable = <T>(raw: unknown, path: string, read: (raw: unknown, path: string) => T): T | null => (raw === null ? null : read(raw, path));

const bool = (raw: unknown, path: string): boolean => (typeof raw === 'boolean' ? raw : refuse(path, `expected true or false, got ${typeof raw}`));

function figures(raw: unknown, path: string): AlertFigures {
  const o = obj(raw, path);
  const forecast = nullable(o['forecast'], `${path}.forecast`, (f, p) => {
    const fo = obj(f, p);
    const probability = finite(fo['probability'], `${p}.probability`);
    if (!(probability >= 0 && probability <= 1)) refuse(`${p}.probability`, `expected a probability in [0, 1], got ${probability}`);
    return {
      tier: str(fo['tier'], `${p}.tier`),
      tierName: str(fo['tierName'], `${p}.tierName`),
      probability,
      horizonSec: nonNegative(fo['horizonSec'], `${p}.horizonSec`),
      medianTimeSec: nullable(fo['medianTimeSec'], `${p}.medianTimeSec`, nonNegative),
    };
  });
  const reduction = nullable(o['reduction'], `${path}.reduction`, (r, p) => {
    const ro = obj(r, p);
    return {
      symbol: str(ro['symbol'], `${p}.symbol`),
      side: oneOf(ro['side'], `${p}.side`, ['long', 'short'] as const),
      qty: qty(nonNegative(ro['qty'], `${p}.qty`)),
      feeUsdt: usdt(nonNegative(ro['feeUsdt'], `${p}.feeUsdt`)),
      closesPosition: bool(ro['closesPosition'], `${p}.closesPosition`),
    };
  });
  // Records written before the odds top-up and the stop existed have neither: 0 and null.
  const protectiveStop = o['protectiveStop'] === undefined ? null : nullable(o['protectiveStop'], `${path}.protectiveStop`, (r, p) => {
    const so = obj(r, p);
    const positivePrice = (v: unknown, f: string) => {
      const n = finite(v, f);
      if (!(n > 0)) refuse(f, `expected a price > 0, got ${n}`);
      return price(n);
    };
    return {
      symbol: str(so['symbol'], `${p}.symbol`),
      side: oneOf(so['side'], `${p}.side`, ['long', 'short'] as const),
      triggerPrice: positivePrice(so['triggerPrice'], `${p}.triggerPrice`),
      fillPrice: positivePrice(so['fillPrice'], `${p}.fillPrice`),
      qty: qty(nonNegative(so['qty'], `${p}.qty`)),
      feeUsdt: usdt(nonNegative(so['feeUsdt'], `${p}.feeUsdt`)),
      closesPosition: bool(so['closesPosition'], `${p}.closesPosition`),
      liquidationPrice: positivePrice(so['liquidationPrice'], `${p}.liquidationPrice`),
    };
  });
  const marks = obj(o['marks'], `${path}.marks`);
  const funding =
    o['funding'] === undefined
      ? undefined
      : ((f: FieldObject, p: string) => ({
          timeMs: epochMs(time(f['timeMs'], `${p}.timeMs`)),
          costUsdt: usdt(finite(f['costUsdt'], `${p}.costUsdt`)),
          riskRatioBefore: nullable(f['riskRatioBefore'], `${p}.riskRatioBefore`, (r, q) => ratio(nonNegative(r, q))),
          riskRatioAfter: nullable(f['riskRatioAfter'], `${p}.riskRatioAfter`, (r, q) => ratio(nonNegative(r, q))),
        }))(obj(o['funding'], `${path}.funding`), `${path}.funding`);
  return {
    ...(funding === undefined ? {} : { funding }),
    riskRatio: nullable(o['riskRatio'], `${path}.riskRatio`, (r, p) => ratio(nonNegative(r, p))),
    equityUsdt: usdt(finite(o['equityUsdt'], `${path}.equityUsdt`)),
    requirementUsdt: usdt(nonNegative(o['requirementUsdt'], `${path}.requirementUsdt`)),
    forecast,
    topUpUsdt: usdt(nonNegative(o['topUpUsdt'], `${path}.topUpUsdt`)),
    oddsTopUpUsdt: usdt(o['oddsTopUpUsdt'] === undefined ? 0 : nonNegative(o['oddsTopUpUsdt'], `${path}.oddsTopUpUsdt`)),
    reduction,
    protectiveStop,
    marks: Object.fromEntries(
      Object.entries(marks).map(([symbol, m]) => {
        const n = finite(m, `${path}.marks.${symbol}`);
        if (!(n > 0)) refuse(`${path}.marks.${symbol}`, `expected a price > 0, got ${n}`);
        return [symbol, price(n)];
      }),
    ),
  };
}

function entry(raw: unknown, path: string): AlertEntry {
  const o: FieldObject = obj(raw, path);
  const resolved = nullable(o['resolved'], `${path}.resolved`, (r, p) => {
    const ro = obj(r, p);
    return { at: epochMs(time(ro['at'], `${p}.at`)), reason: oneOf(ro['reason'], `${p}.reason`, RESOLVE_REASONS) };
  });
  const reminders = nonNegative(o['reminders'], `${path}.reminders`);
  if (!Number.isInteger(reminders)) refuse(`${path}.reminders`, `expected a whole number, got ${reminders}`);
  const common = {
    id: str(o['id'], `${path}.id`),
    subject: str(o['subject'], `${path}.subject`),
    severity: oneOf(o['severity'], `${path}.severity`, SEVERITIES),
    channel: oneOf(o['channel'], `${path}.channel`, ['push', 'in-app'] as const),
    openedAt: epochMs(time(o['openedAt'], `${path}.openedAt`)),
    lastNotifiedAt: epochMs(time(o['lastNotifiedAt'], `${path}.lastNotifiedAt`)),
    reminders,
    supersedes: arr(o['supersedes'], `${path}.supersedes`).map((s, i) => str(s, `${path}.supersedes[${i}]`)),
    resolved,
  };
  const kind = oneOf(o['kind'], `${path}.kind`, ['tier', 'predictive', 'stale'] as const);
  if (kind === 'stale') return { ...common, kind, reason: str(o['reason'], `${path}.reason`) };
  return { ...common, kind, tier: str(o['tier'], `${path}.tier`), tierName: str(o['tierName'], `${path}.tierName`), figures: figures(o['figures'], `${path}.figures`) };
}

export function parseAlertLog(raw: unknown): AlertLog | FieldError {
  return readFields((): AlertLog => {
    const o = obj(raw, '$');
    if (o['kind'] !== 'alert-log') refuse('$.kind', `expected "alert-log", got ${JSON.stringify(o['kind'] ?? null)}`);
    const version = o['version'];
    if (version !== ALERT_LOG_VERSION) refuse('$.version', `this code reads alert log version ${ALERT_LOG_VERSION}, got ${JSON.stringify(version ?? null)}`);
    return { kind: 'alert-log', version: ALERT_LOG_VERSION, entries: arr(o['entries'], '$.entries').map((e, i) => entry(e, `$.entries[${i}]`)) };
  });
}
