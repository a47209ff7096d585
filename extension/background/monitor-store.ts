import { createMonitor } from '../../shared/engine/monitor/account-monitor.ts';
import type { LiveMonitor, LiveMonitorConfig } from '../../shared/engine/monitor/live-monitor.ts';
import { emptyLiveMonitor } from '../../shared/engine/monitor/live-monitor.ts';
import type { AlertPolicyState } from '../../shared/engine/alerts/alert-policy.ts';
import type { Account } from '../../shared/engine/positions/account.ts';
import { emptyAlertLog, type AlertLog } from '../../shared/protocol/alert-log.ts';
import { parseAlertLog } from '../../shared/protocol/parse-alert-log.ts';
import { isWireError } from '../../shared/units/wire-fields.ts';
import type { KeyValueStore } from './worker-ports.ts';

/**
 * What survives a killed worker, per account: the part of the monitor that cannot be rebuilt (the alert
 * policy state: open alerts with their ids and notified flags, snoozes, the badge), the account it was
 * judged on, the monitor's clock, and the alert log. Marks, volatility and correlation are rebuilt from
 * the feed. Saved in chrome.storage.local as JSON (docs/adr-0001-extension-build-and-sockets.md).
 *
 * This is the one module that knows the monitor's inner shape. When the engine's MonitorSnapshot lands
 * (snapshotMonitor / restoreMonitor / parseMonitorSnapshot), `saveable` and `restoredLive` become calls to
 * those two and `parseSaved` calls its parser; nothing else in the extension changes.
 */
export const SAVED_MONITOR_VERSION = 1;

export interface SavedMonitor {
  readonly kind: 'saved-monitor';
  readonly version: typeof SAVED_MONITOR_VERSION;
  readonly accountId: string;
  readonly savedAt: number;
  /** The monitor's venue time; inputs before it are refused after a restore as before. */
  readonly now: number | null;
  readonly account: Account | null;
  readonly alerts: AlertPolicyState | null;
  readonly log: AlertLog;
}

export type Restored = { readonly live: LiveMonitor; readonly log: AlertLog };

const keyOf = (accountId: string): string => `monitor:${accountId}`;

export function saveable(accountId: string, live: LiveMonitor, log: AlertLog, savedAt: number): SavedMonitor {
  const m = live.monitor;
  return {
    kind: 'saved-monitor',
    version: SAVED_MONITOR_VERSION,
    accountId,
    savedAt,
    now: live.now,
    account: m === null ? null : m.account,
    alerts: m === null ? null : m.alerts,
    // JSON round trip: the stored value is exactly what a reader gets back (Infinity becomes null here, not later).
    log: JSON.parse(JSON.stringify(log)) as AlertLog,
  };
}

/** A live monitor that carries on from a saved one: same alert ids, nothing re-notified. */
export function restoredLive(saved: SavedMonitor, config: LiveMonitorConfig): LiveMonitor {
  if (saved.account === null || saved.alerts === null) return { ...emptyLiveMonitor, now: saved.now };
  const fresh = createMonitor({ account: saved.account, model: config.model, ...(config.options === undefined ? {} : { options: config.options }) });
  return { monitor: { ...fresh, alerts: saved.alerts, now: saved.now }, stale: [], now: saved.now };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A stored value read back, or why it cannot be (the field named). A bad one is reported and ignored, never thrown. */
export function parseSaved(raw: unknown, accountId: string): SavedMonitor | { readonly error: string } {
  if (!isObject(raw)) return { error: '$: expected an object' };
  if (raw['kind'] !== 'saved-monitor') return { error: '$.kind: expected "saved-monitor"' };
  if (raw['version'] !== SAVED_MONITOR_VERSION) return { error: `$.version: this build reads version ${SAVED_MONITOR_VERSION}` };
  if (raw['accountId'] !== accountId) return { error: `$.accountId: expected ${accountId}` };
  const now = raw['now'];
  if (now !== null && (typeof now !== 'number' || !Number.isFinite(now))) return { error: '$.now: expected a finite number or null' };
  const savedAt = raw['savedAt'];
  if (typeof savedAt !== 'number' || !Number.isFinite(savedAt)) return { error: '$.savedAt: expected a finite number' };
  const account = raw['account'];
  if (account !== null && !(isObject(account) && typeof account['exchange'] === 'string' && Array.isArray(account['positions']) && Number.isFinite(account['walletBalance'])))
    return { error: '$.account: expected an account (exchange, walletBalance, positions)' };
  const alerts = raw['alerts'];
  if (alerts !== null && !(isObject(alerts) && isObject(alerts['subjects']) && Array.isArray(alerts['history'])))
    return { error: '$.alerts: expected the alert policy state (subjects, history)' };
  if ((account === null) !== (alerts === null)) return { error: '$.alerts: saved without its account, or the other way round' };
  const log = parseAlertLog(raw['log']);
  if (isWireError(log)) return { error: `${log.field.replace(/^\$/, '$.log')}: ${log.message}` };
  return {
    kind: 'saved-monitor',
    version: SAVED_MONITOR_VERSION,
    accountId,
    savedAt,
    now: now as number | null,
    account: account as Account | null,
    alerts: alerts as AlertPolicyState | null,
    log,
  };
}

export interface MonitorStore {
  load(accountId: string, config: LiveMonitorConfig): Promise<Restored & { readonly problem: string | null }>;
  save(accountId: string, live: LiveMonitor, log: AlertLog, savedAt: number): Promise<void>;
  /** Drops the monitors' saved state (the alert log is kept: it is history). */
  forget(accountIds: readonly string[]): Promise<void>;
}

export function monitorStore(kv: KeyValueStore): MonitorStore {
  return {
    async load(accountId, config) {
      const raw = await kv.get(keyOf(accountId));
      if (raw === undefined) return { live: emptyLiveMonitor, log: emptyAlertLog, problem: null };
      const saved = parseSaved(raw, accountId);
      if ('error' in saved) return { live: emptyLiveMonitor, log: emptyAlertLog, problem: `stored monitor for ${accountId} ignored: ${saved.error}` };
      return { live: restoredLive(saved, config), log: saved.log, problem: null };
    },
    save: (accountId, live, log, savedAt) => kv.set(keyOf(accountId), saveable(accountId, live, log, savedAt)),
    async forget(accountIds) {
      for (const id of accountIds) {
        const saved = parseSaved(await kv.get(keyOf(id)), id);
        if ('error' in saved) continue;
        await kv.set(keyOf(id), { ...saved, now: null, account: null, alerts: null });
      }
    },
  };
}
