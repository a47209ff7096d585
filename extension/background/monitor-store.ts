import type { AlertPolicyOptions } from '../../shared/engine/alerts/alert-ladder.ts';
import type { MonitorSnapshot } from '../../shared/engine/monitor/monitor-snapshot.ts';
import { parseMonitorSnapshot } from '../../shared/engine/monitor/parse-monitor-snapshot.ts';
import { emptyLiveMonitor, liveMonitorFrom, snapshotLiveMonitor, type LiveMonitor } from '../../shared/engine/monitor/live-monitor.ts';
import { emptyAlertLog, type AlertLog } from '../../shared/protocol/alert-log.ts';
import { parseAlertLog } from '../../shared/protocol/parse-alert-log.ts';
import { isFieldError, ROOT, type FieldError } from '../../shared/units/field-error.ts';
import type { KeyValueStore } from './worker-ports.ts';

/**
 * What survives a killed worker, per account: the engine's MonitorSnapshot (open alerts with their ids,
 * snoozes, the history, marks, volatility, correlation, the stale fact, the live monitor's clock and
 * stale symbols; docs/monitor-state.md) and the alert log beside it. Saved in chrome.storage.local as
 * JSON (docs/adr-0001-extension-build-and-sockets.md §3) after every batch that decided something and
 * every 30 s. Read back with the engine's parser: a refused part is reported and that part starts
 * afresh (a fresh monitor, an empty log), never thrown.
 */
export const SAVED_MONITOR_VERSION = 2;

export interface SavedMonitor {
  readonly kind: 'saved-monitor';
  readonly version: typeof SAVED_MONITOR_VERSION;
  readonly accountId: string;
  readonly savedAt: number;
  /** null: nothing to save yet (the feed never held a whole account), or forgotten after a ladder change. */
  readonly snapshot: MonitorSnapshot | null;
  readonly log: AlertLog;
}

export interface Restored {
  readonly live: LiveMonitor;
  readonly log: AlertLog;
  /** What was refused in storage and ignored, one line each (empty when all was read). */
  readonly problems: readonly string[];
}

const keyOf = (accountId: string): string => `monitor:${accountId}`;

/** JSON round trip: the stored value is exactly what a reader gets back. */
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export function saveable(accountId: string, live: LiveMonitor, log: AlertLog, savedAt: number): SavedMonitor {
  return { kind: 'saved-monitor', version: SAVED_MONITOR_VERSION, accountId, savedAt, snapshot: plain(snapshotLiveMonitor(live)), log: plain(log) };
}

const ladderKey = (policy: AlertPolicyOptions): string => policy.ladder.map((r) => `${r.name}@${r.level}`).join('|');
/** A refusal under the stored value's path: `$.snapshot.state.now: ...`, `$.log.version: ...`. */
const refusal = (e: FieldError, under: string): string => {
  const field = e.field === ROOT || e.field === '$' ? '' : e.field.replace(/^\$\.?/, '');
  return `${under}${field === '' ? '' : `.${field}`}: ${e.message}`;
};
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A stored value read back: the live monitor to go on from and the log, or a fresh one with the reason.
 * `policy` is the alert policy the settings ask for now: a snapshot taken under the same ladder goes on
 * under it (quiet hours may have changed); one under another ladder is refused (its alert ids and tier
 * indices belong to that ladder).
 */
export function restore(raw: unknown, accountId: string, policy: AlertPolicyOptions): Restored {
  const fresh = (problems: string[], log: AlertLog = emptyAlertLog): Restored => ({ live: emptyLiveMonitor, log, problems });
  if (raw === undefined) return fresh([]);
  if (!isObject(raw)) return fresh(['$: expected an object']);
  if (raw['kind'] !== 'saved-monitor') return fresh(['$.kind: expected "saved-monitor"']);
  if (raw['version'] !== SAVED_MONITOR_VERSION) return fresh([`$.version: this build reads version ${SAVED_MONITOR_VERSION}, got ${JSON.stringify(raw['version'] ?? null)}`]);
  if (raw['accountId'] !== accountId) return fresh([`$.accountId: expected ${accountId}`]);
  const problems: string[] = [];
  const parsedLog = parseAlertLog(raw['log']);
  let log = emptyAlertLog;
  if (isFieldError(parsedLog)) problems.push(refusal(parsedLog, '$.log'));
  else log = parsedLog;
  if (raw['snapshot'] === null) return fresh(problems, log);
  const snapshot = parseMonitorSnapshot(raw['snapshot']);
  if (isFieldError(snapshot)) return fresh([...problems, refusal(snapshot, '$.snapshot')], log);
  if (snapshot.options.accountId !== accountId) return fresh([...problems, `$.snapshot.options.accountId: expected ${accountId}, got ${snapshot.options.accountId}`], log);
  if (ladderKey(snapshot.options.policy) !== ladderKey(policy)) return fresh([...problems, '$.snapshot.options.policy.ladder: saved under another ladder'], log);
  return { live: liveMonitorFrom({ ...snapshot, options: { ...snapshot.options, policy } }), log, problems };
}

export interface MonitorStore {
  load(accountId: string, policy: AlertPolicyOptions): Promise<Restored>;
  save(accountId: string, live: LiveMonitor, log: AlertLog, savedAt: number): Promise<void>;
  /** Drops the monitors' snapshots (the alert log is kept: it is history). */
  forget(accountIds: readonly string[]): Promise<void>;
}

export function monitorStore(kv: KeyValueStore): MonitorStore {
  return {
    load: async (accountId, policy) => restore(await kv.get(keyOf(accountId)), accountId, policy),
    save: (accountId, live, log, savedAt) => kv.set(keyOf(accountId), saveable(accountId, live, log, savedAt)),
    async forget(accountIds) {
      for (const id of accountIds) {
        const raw = await kv.get(keyOf(id));
        if (!isObject(raw) || raw['kind'] !== 'saved-monitor' || raw['version'] !== SAVED_MONITOR_VERSION) continue;
        await kv.set(keyOf(id), { ...raw, snapshot: null });
      }
    },
  };
}
