import type { AlertRecord } from '../../shared/engine/alerts/alert-decision.ts';
import type { MonitorState } from '../../shared/engine/monitor/account-monitor.ts';
import type { LiveMonitor } from '../../shared/engine/monitor/live-monitor.ts';
import type { LiveMonitorFacts, MonitorSnapshot } from '../../shared/engine/monitor/monitor-snapshot.ts';
import { fieldError, type FieldError } from '../../shared/units/field-error.ts';

/**
 * The part of a monitor snapshot a pushing step saves: what a restart needs to push nothing twice and
 * keep the open alerts' ids (the alert state, the stale fact, the clocks and the marks the alerts were
 * decided on), and of the history only the notices after the stored whole snapshot's. Not in it: the
 * options (they change only with the device's snapshot) and the estimates (volatility, correlation,
 * minute moves, market shape), which move a little with every mark and are saved whole once a minute:
 * a restart takes them from the newest whole snapshot, at most `saveEveryMs` older than the alert part
 * (relay/README.md, "Restart").
 *
 * Plain JSON, read back through the whole snapshot's own parser once `withAlertPart` laid it over the
 * whole one.
 */
export interface AlertPart {
  readonly alertPart: 1;
  /** The monitor it belongs to: laid over another account's whole snapshot it is refused. */
  readonly accountId: string;
  /**
   * The key (`noticeKey`) of the last notice in the whole snapshot's history that `state.alerts.history`
   * follows (null: that history was empty). Laid over a whole snapshot whose history ends otherwise (its
   * save failed, and an older one is stored), the part is still used, notices present in both once: its
   * alert state is what keeps the ids; the notices in between are missing, which can only shorten a
   * re-entry wait.
   */
  readonly historyAfter: string | null;
  /** Its `alerts.history` holds only the notices after `historyAfter`. */
  readonly state: Pick<MonitorState, (typeof PART_STATE)[number]>;
  readonly live: LiveMonitorFacts;
}

/** The MonitorState fields the alert part carries (the rest come from the whole snapshot). */
const PART_STATE = ['now', 'marks', 'funding', 'stale', 'alerts', 'rejected'] as const;

/** A notice in a history: an alert id is notified once per reminder. */
export const noticeKey = (a: Pick<AlertRecord, 'id' | 'reminder'>): string => `${a.id}#${a.reminder}`;

/** The key of the last notice of a history (what a whole snapshot saved with it ends with), or null. */
export const lastNoticeKey = (history: readonly AlertRecord[]): string | null => (history.length === 0 ? null : noticeKey(history[history.length - 1]!));

/**
 * The alert part of a running monitor whose whole snapshot was saved with a history ending in
 * `historyAfter`; null before it has a monitor (the whole snapshot is saved then).
 */
export function alertPartOf(live: LiveMonitor, accountId: string, historyAfter: string | null): AlertPart | null {
  const m = live.monitor;
  if (m === null) return null;
  const { now, marks, funding, stale, alerts, rejected } = m.state;
  // Notices only ever join at the end (and leave from the start): the newer ones follow the saved last
  // one. Not found, it has left the history, and so have all before it: every notice kept is newer.
  let from = 0;
  if (historyAfter !== null) {
    for (let i = alerts.history.length - 1; i >= 0; i -= 1) {
      if (noticeKey(alerts.history[i]!) === historyAfter) {
        from = i + 1;
        break;
      }
    }
  }
  const history = from === 0 ? alerts.history : alerts.history.slice(from);
  return {
    alertPart: 1,
    accountId,
    historyAfter,
    state: { now, marks, funding, stale, alerts: { ...alerts, history }, rejected },
    live: { stale: live.stale, now: live.now, markedAt: live.markedAt },
  };
}

/**
 * The JSON text of notices (alert records), by record: a record never changes once made, and a monitor
 * that pushes at every step saves the same newer notices again in each part until its next whole save
 * (in a synthetic flash crash ~5 of them, 870 characters each: three quarters of a part's text). Kept
 * only until that whole save (the caller empties it then): the notices of one save period, not the hour
 * of them a history holds (that was ~10 KB more a Binance device after the burst).
 */
export type NoticeTexts = Map<AlertRecord, string>;

/** Stands for the notices in the text it is stringified into (a string no saved field holds alone). */
const NOTICES_MARK = '\u0000notices\u0000';
const NOTICES_MARK_TEXT = JSON.stringify(NOTICES_MARK);

/**
 * `JSON.stringify(withHistory(history))`, character for character, with each notice's text taken from
 * `texts` (and, with `keep`, a new one added to it): the value is stringified with a mark in the
 * history's place, and the notices' texts are written where the mark is. A mark found other than once
 * (a field holding that very string): the plain way.
 */
export function jsonWithNotices(history: readonly AlertRecord[], texts: NoticeTexts, withHistory: (history: unknown) => unknown, keep = true): string {
  // Nothing to take or to keep: the plain way (the mark's copies and search cost more than they save).
  if (history.length === 0 || (!keep && texts.size === 0)) return JSON.stringify(withHistory(history));
  const text = JSON.stringify(withHistory(NOTICES_MARK));
  const at = text.indexOf(NOTICES_MARK_TEXT);
  if (at < 0 || text.indexOf(NOTICES_MARK_TEXT, at + 1) >= 0) return JSON.stringify(withHistory(history));
  let notices = '';
  for (const a of history) {
    let recordText = texts.get(a);
    if (recordText === undefined) {
      recordText = JSON.stringify(a);
      if (keep) texts.set(a, recordText);
    }
    notices = notices === '' ? recordText : `${notices},${recordText}`;
  }
  return `${text.slice(0, at)}[${notices}]${text.slice(at + NOTICES_MARK_TEXT.length)}`;
}

/** `JSON.stringify(snapshot)` of a monitor saved whole, the texts of its newer notices from `texts` (none added: the caller empties it next). */
export const wholeSnapshotJson = (snapshot: MonitorSnapshot, texts: NoticeTexts): string =>
  jsonWithNotices(snapshot.state.alerts.history, texts, (history) => ({ ...snapshot, state: { ...snapshot.state, alerts: { ...snapshot.state.alerts, history } } }), false);

/** `JSON.stringify(part)`, its notices' texts from `texts`, the new ones added (jsonWithNotices). */
export const alertPartJson = (part: AlertPart, texts: NoticeTexts): string =>
  jsonWithNotices(part.state.alerts.history, texts, (history) => ({ ...part, state: { ...part.state, alerts: { ...part.state.alerts, history } } }));

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The key of the last notice of a whole snapshot (parsed JSON, unchecked), as alertPartOf keys it. */
export function wholeLastKey(whole: unknown): string | null | FieldError {
  const alerts = isObject(whole) && isObject(whole['state']) ? whole['state']['alerts'] : undefined;
  const history = isObject(alerts) ? alerts['history'] : undefined;
  if (!Array.isArray(history)) return fieldError('state.alerts.history', 'expected a list');
  const last: unknown = history[history.length - 1];
  if (last === undefined) return null;
  if (!isObject(last) || typeof last['id'] !== 'string' || typeof last['reminder'] !== 'number') return fieldError('state.alerts.history', 'expected notices with an id and a reminder');
  return noticeKey({ id: last['id'], reminder: last['reminder'] });
}

/**
 * The whole snapshot (parsed JSON, unchecked) with the newer alert part laid over it, for
 * parseMonitorSnapshot to check as a whole; or why the part cannot be used (its field under `alerts.`).
 * The part must be this account's and no older than the whole one.
 */
export function withAlertPart(whole: unknown, part: unknown, accountId: string): unknown {
  if (!isObject(part)) return fieldError('alerts', 'expected an object: { alertPart, accountId, historyAfter, state, live }');
  if (part['alertPart'] !== 1) return fieldError('alerts.alertPart', `expected 1, got ${JSON.stringify(part['alertPart'])}`);
  if (part['accountId'] !== accountId) return fieldError('alerts.accountId', `the alert part is for another account (${JSON.stringify(part['accountId'])}, not ${JSON.stringify(accountId)})`);
  const state = part['state'];
  if (!isObject(state)) return fieldError('alerts.state', 'expected an object');
  const extra = Object.keys(state).find((k) => !(PART_STATE as readonly string[]).includes(k));
  if (extra !== undefined) return fieldError(`alerts.state.${extra}`, 'not a field of the alert part');
  const missing = PART_STATE.find((k) => !(k in state));
  if (missing !== undefined) return fieldError(`alerts.state.${missing}`, 'missing');
  const alerts = state['alerts'];
  if (!isObject(alerts) || !Array.isArray(alerts['history'])) return fieldError('alerts.state.alerts.history', 'expected a list');
  if (!isObject(whole) || !isObject(whole['state'])) return fieldError('state', 'expected the whole snapshot under the alert part');
  const wholeNow = whole['state']['now'];
  if (typeof wholeNow === 'number' && (typeof state['now'] !== 'number' || state['now'] < wholeNow)) {
    return fieldError('alerts.state.now', `older than the whole snapshot (${String(state['now'])} < ${wholeNow})`);
  }
  const after = wholeLastKey(whole);
  if (typeof after === 'object' && after !== null) return after;
  const wholeHistory = (whole['state']['alerts'] as Record<string, unknown>)['history'] as unknown[];
  const newer: unknown[] = alerts['history'];
  // Following another whole snapshot (see `historyAfter`): a notice in both is kept once, the part's.
  const inPart = part['historyAfter'] === after ? null : new Set(newer.map((a) => (isObject(a) ? `${String(a['id'])}#${String(a['reminder'])}` : '')));
  const older = inPart === null ? wholeHistory : wholeHistory.filter((a) => !(isObject(a) && inPart.has(`${String(a['id'])}#${String(a['reminder'])}`)));
  const options = whole['options'];
  const policy = isObject(options) ? options['policy'] : undefined;
  const limit = isObject(policy) && typeof policy['historyLimit'] === 'number' ? policy['historyLimit'] : Number.POSITIVE_INFINITY;
  const history = [...older, ...newer];
  return {
    ...whole,
    state: { ...whole['state'], ...state, alerts: { ...alerts, history: history.length > limit ? history.slice(-limit) : history } },
    live: part['live'],
  };
}
