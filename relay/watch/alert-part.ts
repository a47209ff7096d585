import type { LiveMonitor } from '../../shared/engine/monitor/live-monitor.ts';
import type { LiveMonitorFacts } from '../../shared/engine/monitor/monitor-snapshot.ts';
import type { MonitorState } from '../../shared/engine/monitor/account-monitor.ts';
import { fieldError, type FieldError } from '../../shared/units/field-error.ts';

/**
 * The part of a monitor snapshot a pushing step saves: what a restart needs to push nothing twice and
 * keep the open alerts' ids (the alert state, the stale fact, the clocks and the marks the alerts were
 * decided on). Not in it: the options (the device's snapshot gives them; they change only with it) and
 * the estimates (volatility, correlation, minute moves, market shape), which move a little with every
 * mark and are saved whole once a minute: a restart takes them from the newest whole snapshot, at most
 * `saveEveryMs` older than the alert part (docs in relay/README.md, "Restart").
 *
 * 0.6-1 KB against 7-9 KB for the whole snapshot in the synthetic crash; plain JSON, read back through
 * the whole snapshot's own parser after `withAlertPart` laid it over the whole one.
 */
export interface AlertPart {
  readonly alertPart: 1;
  /** The monitor it belongs to: laid over another account's whole snapshot it is refused. */
  readonly accountId: string;
  readonly state: Pick<MonitorState, (typeof PART_STATE)[number]>;
  readonly live: LiveMonitorFacts;
}

/** The MonitorState fields the alert part carries (the rest come from the whole snapshot). */
const PART_STATE = ['now', 'marks', 'funding', 'stale', 'alerts', 'rejected'] as const;

/** The alert part of a running monitor; null before it has a monitor (the whole snapshot is saved then). */
export function alertPartOf(live: LiveMonitor, accountId: string): AlertPart | null {
  const m = live.monitor;
  if (m === null) return null;
  const { now, marks, funding, stale, alerts, rejected } = m.state;
  return { alertPart: 1, accountId, state: { now, marks, funding, stale, alerts, rejected }, live: { stale: live.stale, now: live.now, markedAt: live.markedAt } };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The whole snapshot (parsed JSON, unchecked) with the newer alert part laid over it, for
 * parseMonitorSnapshot to check as a whole; or why the part cannot be used (its field under `alerts.`).
 * The part must be this account's and no older than the whole one.
 */
export function withAlertPart(whole: unknown, part: unknown, accountId: string): unknown | FieldError {
  if (!isObject(part)) return fieldError('alerts', 'expected an object: { alertPart, accountId, state, live }');
  if (part['alertPart'] !== 1) return fieldError('alerts.alertPart', `expected 1, got ${JSON.stringify(part['alertPart'])}`);
  if (part['accountId'] !== accountId) return fieldError('alerts.accountId', `the alert part is for another account (${JSON.stringify(part['accountId'])}, not ${JSON.stringify(accountId)})`);
  const state = part['state'];
  if (!isObject(state)) return fieldError('alerts.state', 'expected an object');
  const extra = Object.keys(state).find((k) => !(PART_STATE as readonly string[]).includes(k));
  if (extra !== undefined) return fieldError(`alerts.state.${extra}`, 'not a field of the alert part');
  const missing = PART_STATE.find((k) => !(k in state));
  if (missing !== undefined) return fieldError(`alerts.state.${missing}`, 'missing');
  if (!isObject(whole) || !isObject(whole['state'])) return fieldError('state', 'expected the whole snapshot under the alert part');
  const wholeNow = whole['state']['now'];
  if (typeof wholeNow === 'number' && (typeof state['now'] !== 'number' || state['now'] < wholeNow)) {
    return fieldError('alerts.state.now', `older than the whole snapshot (${String(state['now'])} < ${wholeNow})`);
  }
  return { ...whole, state: { ...whole['state'], ...state }, live: part['live'] };
}
