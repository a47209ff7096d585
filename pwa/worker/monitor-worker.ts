import type { MarkHistory as WarmHistory } from '../../shared/engine/monitor/account-monitor.ts';
import { parseMonitorSnapshot } from '../../shared/engine/monitor/parse-monitor-snapshot.ts';
import { parsePolicyOverrides } from '../../shared/engine/monitor/parse-policy-overrides.ts';
import { webSocketFactory } from '../../shared/feed/websocket-factory.ts';
import { fetchHttp } from '../../shared/platform/fetch-http.ts';
import { systemClock } from '../../shared/platform/system-clock.ts';
import { webCryptoHmac } from '../../shared/platform/webcrypto-hmac.ts';
import { ACCOUNT_REPORT_VERSION, type AccountReport } from '../../shared/protocol/account-report.ts';
import { parseAlertLog } from '../../shared/protocol/parse-alert-log.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import { addAlert, getSetting, loadSnapshots, saveSnapshot } from '../platform/app-records.ts';
import { APP_SETTINGS_NAME, DEFAULT_APP_SETTINGS, parseAppSettings, type AccountSetting, type AppSettings } from '../platform/app-settings.ts';
import type { SentryDb } from '../platform/db-schema.ts';
import { idbMarkHistory } from '../platform/idb-mark-history.ts';
import { openStore } from '../platform/open-store.ts';
import type { PlainData } from '../platform/plain-data.ts';
import { createAccountRunner, type AccountRunner, type SavedAccount } from './account-runner.ts';
import { DEMO_ACCESS } from './demo-access.ts';
import type { PageToWorker, WorkerToPage } from './worker-messages.ts';
import type { IDBPDatabase } from 'idb';

/**
 * The monitor worker (a dedicated module worker, started by the page): one account runner per
 * configured account, reports and alert decisions posted to the page as plain protocol data, the
 * monitor snapshot and alert log saved after each decision and every 30 s and restored at start, the
 * rolling mark history appended (one point per symbol per minute of venue time).
 */
const SAVE_EVERY_MS = 30_000;
const MARK_EVERY_MS = 60_000;

interface WorkerScope {
  postMessage(message: WorkerToPage): void;
  addEventListener(type: 'message', listener: (event: { data: PageToWorker }) => void): void;
}
const scope = self as unknown as WorkerScope;
const post = (m: WorkerToPage): void => scope.postMessage(m);
const problem = (accountId: string | null, message: string): void => post({ kind: 'problem', accountId, message });

async function readSettings(db: IDBPDatabase<SentryDb> | null): Promise<AppSettings> {
  const raw = db === null ? undefined : await getSetting(db, APP_SETTINGS_NAME);
  if (raw === undefined) return DEFAULT_APP_SETTINGS;
  const parsed = parseAppSettings(raw);
  if (!isFieldError(parsed)) return parsed;
  problem(null, `Settings not used (${parsed.field}: ${parsed.message}); running the demo accounts until they are fixed.`);
  return DEFAULT_APP_SETTINGS;
}

async function restoredAccounts(db: IDBPDatabase<SentryDb> | null): Promise<Map<string, { saved: SavedAccount; savedAt: number; report: AccountReport | null }>> {
  const out = new Map<string, { saved: SavedAccount; savedAt: number; report: AccountReport | null }>();
  if (db === null) return out;
  for (const record of await loadSnapshots(db)) {
    const value = record.snapshot as { monitor?: unknown; log?: unknown; report?: unknown } | null;
    const monitor = value?.monitor === null || value?.monitor === undefined ? null : parseMonitorSnapshot(value.monitor);
    const log = parseAlertLog(value?.log);
    if (isFieldError(monitor) || isFieldError(log)) {
      const e = isFieldError(monitor) ? monitor : (log as { field: string; message: string });
      problem(record.accountId, `The saved state of ${record.accountId} was not restored (${e.field}: ${e.message}); it starts afresh.`);
      continue;
    }
    // The last report is shown (marked stale) until the feed is back; one of another version is not.
    const report = isReport(value?.report) ? value.report : null;
    out.set(record.accountId, { saved: { monitor, log }, savedAt: record.savedAt, report });
  }
  return out;
}

/** The stored marks of one venue as the monitor's warm-start history: `[t, {symbol: price}]`, oldest first. */
async function warmHistory(db: IDBPDatabase<SentryDb> | null, venue: string): Promise<WarmHistory> {
  if (db === null) return [];
  const byTime = new Map<number, Record<string, number>>();
  for (const r of await db.getAll('marks')) {
    if (!r.symbol.startsWith(`${venue}:`)) continue;
    const row = byTime.get(r.t) ?? {};
    row[r.symbol.slice(venue.length + 1)] = r.price;
    byTime.set(r.t, row);
  }
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]);
}

const isReport = (v: unknown): v is AccountReport =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'account-report' && (v as { version?: unknown }).version === ACCOUNT_REPORT_VERSION;

function endpointsOf(origin: string, venue: string): { rest: string; ws: string } {
  const ws = origin.replace(/^http/, 'ws');
  return { rest: `${origin}/${venue}`, ws: `${ws}/${venue}` };
}

async function start(simulatorOrigin: string): Promise<void> {
  const opened = await openStore();
  const db = opened.db;
  if (db === null) problem(null, 'This browser keeps no data here (private mode?): nothing will be saved.');
  const settings = await readSettings(db);
  const restored = await restoredAccounts(db);
  const history = db === null ? null : idbMarkHistory(db);
  const runners = new Map<string, { runner: AccountRunner; account: AccountSetting }>();
  const lastMarkSaved = new Map<string, number>();

  const save = async (accountId: string): Promise<void> => {
    const entry = runners.get(accountId);
    if (db === null || entry === undefined) return;
    const saved = entry.runner.saved();
    if (saved.monitor === null && saved.log.entries.length === 0) return;
    const savedAt = Date.now();
    try {
      await saveSnapshot(db, { accountId, savedAt, snapshot: { monitor: saved.monitor, log: saved.log, report: entry.runner.report() } as unknown as PlainData });
      post({ kind: 'saved', accountId, savedAt });
    } catch (e) {
      problem(accountId, e instanceof Error ? e.message : String(e));
    }
  };

  for (const account of settings.accounts) {
    if (account.source !== 'demo' && !settings.demo.enabled) {
      // Live keys come from the vault, unlocked in Settings; this worker runs the demo accounts only.
      problem(account.id, `${account.label}: live accounts are not watched by this version yet.`);
      continue;
    }
    if (account.source !== 'demo') continue;
    const options = parsePolicyOverrides(account.policy, `accounts.${account.id}.policy`);
    if (isFieldError(options)) {
      problem(account.id, `${account.label} not watched: ${options.field}: ${options.message}`);
      continue;
    }
    const before = restored.get(account.id);
    if (before?.report != null) post({ kind: 'report', report: before.report, restored: true, savedAt: before.savedAt, label: account.label });
    const runner = createAccountRunner(
      { account, options, restored: before?.saved ?? null, history: await warmHistory(db, account.venue) },
      {
        endpoints: endpointsOf(settings.demo.simulatorOrigin ?? simulatorOrigin, account.venue),
        access: DEMO_ACCESS[account.venue],
        socketFactory: webSocketFactory(WebSocket),
        clock: systemClock,
        http: fetchHttp(),
        hmac: webCryptoHmac(),
        random: Math.random,
      },
      {
        onReport: (report) => post({ kind: 'report', report, restored: false, savedAt: null, label: account.label }),
        onAlert: (entry, action) => {
          post({ kind: 'alert', accountId: account.id, label: account.label, entry, action });
          if (db !== null) {
            void addAlert(db, { id: entry.id, accountId: account.id, at: entry.openedAt, alert: entry as unknown as PlainData }).catch((e: unknown) =>
              problem(account.id, e instanceof Error ? e.message : String(e)),
            );
          }
        },
        onDecisions: () => queueMicrotask(() => void save(account.id)),
        onMarks: (marks, t) => {
          if (history === null) return;
          for (const [symbol, price] of Object.entries(marks)) {
            const key = `${account.venue}:${symbol}`;
            if (t - (lastMarkSaved.get(key) ?? -Infinity) < MARK_EVERY_MS) continue;
            lastMarkSaved.set(key, t);
            void history.append(key, { t, price }).catch(() => undefined);
          }
        },
      },
    );
    runners.set(account.id, { runner, account });
    runner.start();
  }
  setInterval(() => runners.forEach((_, id) => void save(id)), SAVE_EVERY_MS);

  scope.addEventListener('message', (event) => {
    const m = event.data;
    if (m.kind === 'start') return;
    const entry = runners.get(m.accountId);
    if (entry === undefined) return;
    if (m.kind === 'snooze') entry.runner.snooze(m.subject, m.untilMs);
    else entry.runner.unsnooze(m.subject);
    void save(m.accountId);
  });
}

let started = false;
scope.addEventListener('message', (event) => {
  if (event.data.kind !== 'start' || started) return;
  started = true;
  start(event.data.simulatorOrigin).catch((e: unknown) => problem(null, `The monitor could not start: ${e instanceof Error ? e.message : String(e)}`));
});
