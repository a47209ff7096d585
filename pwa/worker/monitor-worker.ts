import type { MarkHistory as WarmHistory } from '../../shared/engine/monitor/account-monitor.ts';
import { parseMonitorSnapshot } from '../../shared/engine/monitor/parse-monitor-snapshot.ts';
import { parsePolicyOverrides } from '../../shared/engine/monitor/parse-policy-overrides.ts';
import { webSocketFactory } from '../../shared/feed/websocket-factory.ts';
import { fetchHttp } from '../../shared/platform/fetch-http.ts';
import { systemClock } from '../../shared/platform/system-clock.ts';
import { webCryptoHmac } from '../../shared/platform/webcrypto-hmac.ts';
import { accountDocument, documentChangeKey } from '../../shared/protocol/account-document.ts';
import { ACCOUNT_REPORT_VERSION, type AccountReport } from '../../shared/protocol/account-report.ts';
import { parseAlertLog } from '../../shared/protocol/parse-alert-log.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import type { Account, VenueId } from '../../shared/engine/positions/account.ts';
import { parseAccountInput } from '../../shared/exchanges/parse-account-input.ts';
import { simulatorEndpoints } from '../../shared/exchanges/simulator-access.ts';
import { venueAdapters } from '../../shared/exchanges/venues.ts';
import type { VenueEndpoints } from '../../shared/ports/venue-adapter.ts';
import { addAlert, forgetAccount, loadSnapshots, saveSnapshot } from '../platform/app-records.ts';
import type { SentryDb } from '../platform/db-schema.ts';
import { idbMarkHistory } from '../platform/idb-mark-history.ts';
import { openStore } from '../platform/open-store.ts';
import type { PlainData } from '../platform/plain-data.ts';
import { createAccountRunner, type AccountRunner, type SavedAccount } from './account-runner.ts';
import { createDeferredWork } from '../../shared/feed/deferred-work.ts';
import type { PageToWorker, WatchedAccount, WorkerToPage } from './worker-messages.ts';
import type { IDBPDatabase } from 'idb';

/**
 * The monitor worker (a dedicated module worker, started by the page): one account runner per
 * account of the page's watch list (worker-messages.ts, `watch`: resolved from Settings, keys
 * included, and sent again after every change there), reports and alert decisions posted to the page as plain protocol data, the
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

const endpointsOf = (simulatorOrigin: string | null, venue: VenueId): VenueEndpoints =>
  simulatorOrigin === null ? venueAdapters[venue].liveEndpoints : simulatorEndpoints(simulatorOrigin, venue);

/** The typed account of a manual one, checked again here (the page is trusted no more than the disk). */
function manualAccount(account: WatchedAccount): Account | string | null {
  if (account.manual === null) return null;
  const input = parseAccountInput({ exchange: account.venue, walletBalance: account.manual.walletBalance, positions: account.manual.positions });
  return isFieldError(input) ? `${account.label} not watched: manual.${input.field}: ${input.message}` : input.account;
}

async function start(): Promise<(m: PageToWorker) => void> {
  const opened = await openStore();
  const db = opened.db;
  if (db === null) problem(null, 'This browser keeps no data here (private mode?): nothing will be saved.');
  const restored = await restoredAccounts(db);
  const history = db === null ? null : idbMarkHistory(db);
  const runners = new Map<string, { runner: AccountRunner; account: WatchedAccount; key: string }>();
  const lastMarkSaved = new Map<string, number>();
  /** Per account, what its last `positions` message said (marks left out). */
  const documentKeys = new Map<string, string>();
  // Reports and saves wait for the alerts of the burst (shared/feed/deferred-work.ts): a crossing is not queued behind them.
  const deferred = createDeferredWork(systemClock, (e) => problem(null, e instanceof Error ? e.message : String(e)));

  const save = async (accountId: string): Promise<void> => {
    const entry = runners.get(accountId);
    if (db === null || entry === undefined) return;
    const saved = entry.runner.saved();
    if (saved.monitor === null && saved.log.entries.length === 0) return;
    const savedAt = Date.now();
    try {
      await saveSnapshot(db, { accountId, savedAt, snapshot: { monitor: saved.monitor, log: saved.log, report: entry.runner.report() } as unknown as PlainData });
      // Removed while saving: what was just written goes too.
      if (!runners.has(accountId)) await forgetAccount(db, accountId);
      else post({ kind: 'saved', accountId, savedAt });
    } catch (e) {
      problem(accountId, e instanceof Error ? e.message : String(e));
    }
  };

  const run = async (account: WatchedAccount, simulatorOrigin: string | null, before: SavedAccount | null, key: string): Promise<void> => {
    const options = parsePolicyOverrides(account.policy, `accounts.${account.id}.policy`);
    if (isFieldError(options)) return problem(account.id, `${account.label} not watched: ${options.field}: ${options.message}`);
    const manual = manualAccount(account);
    if (typeof manual === 'string') return problem(account.id, manual);
    const runner = createAccountRunner(
      { account: { id: account.id, venue: account.venue, mode: account.mode }, manual, options, restored: before, history: await warmHistory(db, account.venue) },
      {
        endpoints: endpointsOf(simulatorOrigin, account.venue),
        access: account.access,
        socketFactory: webSocketFactory(WebSocket),
        clock: systemClock,
        http: fetchHttp(),
        hmac: webCryptoHmac(),
        random: Math.random,
      },
      {
        onReport: (report) => {
          post({ kind: 'report', report, restored: false, savedAt: null, label: account.label });
          const now = runners.get(account.id)?.runner.account() ?? null;
          if (now === null) return;
          const document = accountDocument(now);
          const changeKey = `${documentChangeKey(document)} ${JSON.stringify(account.policy)}`;
          if (documentKeys.get(account.id) === changeKey) return;
          documentKeys.set(account.id, changeKey);
          post({ kind: 'positions', accountId: account.id, account: document, policy: account.policy });
        },
        onAlert: (entry, action) => {
          post({ kind: 'alert', accountId: account.id, label: account.label, entry, action });
          if (db !== null) {
            void addAlert(db, { id: entry.id, accountId: account.id, at: entry.openedAt, alert: entry as unknown as PlainData }).catch((e: unknown) =>
              problem(account.id, e instanceof Error ? e.message : String(e)),
            );
          }
        },
        onDecisions: () => deferred.later(`save:${account.id}`, () => void save(account.id)),
        later: (job) => deferred.later(`report:${account.id}`, job),
        onMarks: (marks, t) => {
          if (history === null) return;
          for (const [symbol, price] of Object.entries(marks)) {
            const markKey = `${account.venue}:${symbol}`;
            if (t - (lastMarkSaved.get(markKey) ?? -Infinity) < MARK_EVERY_MS) continue;
            lastMarkSaved.set(markKey, t);
            void history.append(markKey, { t, price }).catch(() => undefined);
          }
        },
      },
    );
    runners.set(account.id, { runner, account, key });
    runner.start();
  };

  // Watch lists are applied one after the other: a quick second edit waits for the first to settle.
  let applying: Promise<void> = Promise.resolve();
  const watch = (simulatorOrigin: string | null, accounts: readonly WatchedAccount[]): Promise<void> =>
    (applying = applying.then(async () => {
      const wanted = new Set(accounts.map((a) => a.id));
      for (const [id, entry] of [...runners]) {
        if (wanted.has(id)) continue;
        entry.runner.stop();
        runners.delete(id);
        restored.delete(id);
        documentKeys.delete(id);
        if (db !== null) await forgetAccount(db, id).catch((e: unknown) => problem(id, e instanceof Error ? e.message : String(e)));
        post({ kind: 'removed', accountId: id });
      }
      for (const account of accounts) {
        // The access is part of the key: new keys for the same account restart its feed.
        const key = JSON.stringify([simulatorOrigin, account]);
        const current = runners.get(account.id);
        if (current?.key === key) continue;
        let before: SavedAccount | null = null;
        if (current !== undefined) {
          // Edited (ladder, target, keys): the monitor carries on under the new settings, same open alerts.
          before = current.runner.saved();
          current.runner.stop();
          runners.delete(account.id);
        } else {
          const saved = restored.get(account.id);
          if (saved?.report != null) post({ kind: 'report', report: saved.report, restored: true, savedAt: saved.savedAt, label: account.label });
          before = saved?.saved ?? null;
        }
        await run(account, simulatorOrigin, before, key);
      }
    }).catch((e: unknown) => problem(null, `The watch list was not applied: ${e instanceof Error ? e.message : String(e)}`)));

  setInterval(() => runners.forEach((_, id) => void save(id)), SAVE_EVERY_MS);
  return (m) => {
    if (m.kind === 'watch') return void watch(m.simulatorOrigin, m.accounts);
    const entry = runners.get(m.accountId);
    if (entry === undefined) return;
    if (m.kind === 'snooze') entry.runner.snooze(m.subject, m.untilMs);
    else entry.runner.unsnooze(m.subject);
    void save(m.accountId);
  };
}

// Started at once: the page's first watch list waits on the store being open and the snapshots read.
const handler = start();
handler.catch((e: unknown) => problem(null, `The monitor could not start: ${e instanceof Error ? e.message : String(e)}`));
scope.addEventListener('message', (event) => void handler.then((handle) => handle(event.data)).catch(() => undefined));
