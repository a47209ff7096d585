import type { IDBPDatabase } from 'idb';
import type { AccountReport } from '../../shared/protocol/account-report.ts';
import type { AlertEntry } from '../../shared/protocol/alert-log.ts';
import { alertNotification } from '../../shared/protocol/alert-notification.ts';
import type { SecretStore } from '../../shared/ports/secret-store.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import { getSetting, putSetting, recentAlerts } from '../platform/app-records.ts';
import type { SentryDb } from '../platform/db-schema.ts';
import { DEFAULT_SETTINGS, parseSettings, SETTINGS_NAME, type PwaSettings } from '../platform/settings-record.ts';
import type { PageToWorker, WorkerToPage } from '../worker/worker-messages.ts';
import { relaySync, sendSnapshot, type Fetch, type RelaySnapshotAccount } from './settings/relay-pairing.ts';
import { watchList } from './watch-list.ts';

/**
 * The page's end of the monitor worker: what the screens read (one entry per account, the alert
 * history, problems) and the notifications shown through the service worker's registration, with
 * `alertNotification`'s words and the alert id as tag (a reminder replaces its card, never adds one).
 * A plain subscribable store, so the screens re-render only on change.
 */
export interface AccountEntry {
  readonly accountId: string;
  readonly label: string;
  readonly report: AccountReport;
  /** From the saved snapshot: no live data since the app started. */
  readonly restored: boolean;
  /** When the shown report was saved (restored) or received (live), device clock, ms. */
  readonly at: number;
}

export interface AlertItem {
  readonly accountId: string;
  readonly label: string;
  readonly entry: AlertEntry;
}

/** One point of a position's live trail (venue time, ms): its mark and rho (null past liquidation). */
export interface TrailPoint {
  readonly t: number;
  readonly mark: number;
  readonly rho: number | null;
}

const MAX_TRAIL = 2_000;

/**
 * The trail with a report's point: appended when newer; a second report at the same venue time (an
 * account update between two marks) replaces it, so the chart ends where the figures beside it are; an
 * older one is dropped. At most MAX_TRAIL points, the oldest dropped.
 */
export function withTrailPoint(trail: readonly TrailPoint[], point: TrailPoint): readonly TrailPoint[] {
  const last = trail[trail.length - 1];
  if (last !== undefined && last.t > point.t) return trail;
  const kept = last !== undefined && last.t === point.t ? trail.slice(0, -1) : trail;
  return [...kept.slice(-(MAX_TRAIL - 1)), point];
}

/** Ten screen updates a second at most: a tick's messages (four accounts' reports and alerts) arrive within it. */
const SCREEN_EVERY_MS = 100;

export interface MonitorData {
  readonly accounts: readonly AccountEntry[];
  /** Per `<accountId>/<position key>`, oldest first: what the chart draws beside the stored marks. */
  readonly trails: ReadonlyMap<string, readonly TrailPoint[]>;
  /** Newest first (by first notice). */
  readonly alerts: readonly AlertItem[];
  readonly acknowledged: ReadonlySet<string>;
  readonly problems: readonly string[];
}

export interface MonitorFeed {
  get(): MonitorData;
  subscribe(listener: () => void): () => void;
  snooze(accountId: string, subject: string, untilMs: number | null): void;
  unsnooze(accountId: string, subject: string): void;
  acknowledge(id: string): void;
  /** The settings record changed (Settings saved it): the worker's watch list follows, no reload. */
  settingsChanged(): void;
  /** Each watched account's calc document (positions and balances as its venue last reported them) and policy: what Replay plays. */
  watchedDocuments(): readonly RelaySnapshotAccount[];
}

/** Where the page finds what it hands the worker: the settings record's origins and the unlocked vault. */
export interface WatchSources {
  /** `?sim=` or the remembered one; null: none (the record's `simulatorOrigin`, else the real venues). */
  readonly simulatorOrigin: string | null;
  readonly pageOrigin: string;
  /** The unlocked vault, or why it cannot be opened now (locked by a passphrase, no storage). */
  readonly vault: () => Promise<SecretStore | string>;
  /** How the paired relay is reached (the browser's fetch). */
  readonly fetch: Fetch;
}

const ACK_SETTING = 'acknowledged';
const MAX_ACK = 500;

/** The simulator's origin: `?sim=` (remembered for the Home Screen start, which has no query), else null. */
export function simulatorOrigin(location: Pick<Location, 'search'>, storage: Storage | null): string | null {
  const asked = new URLSearchParams(location.search).get('sim');
  if (asked !== null && /^https?:\/\/[^/]+/.test(asked)) {
    const origin = new URL(asked).origin;
    storage?.setItem('margin-sentry.sim', origin);
    return origin;
  }
  return storage?.getItem('margin-sentry.sim') ?? null;
}

async function notify(item: AlertItem): Promise<void> {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || !('serviceWorker' in navigator)) return;
  const n = alertNotification(item.entry, { accountLabel: item.label });
  const reg = await navigator.serviceWorker.ready;
  await reg.showNotification(n.title, { body: n.body, tag: n.tag, data: { navigate: `/#/alerts/${encodeURIComponent(n.tag)}` }, requireInteraction: n.urgency === 'high' });
}

async function closeNotification(tag: string): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  const reg = await navigator.serviceWorker.getRegistration();
  for (const n of (await reg?.getNotifications({ tag })) ?? []) n.close();
}

export function startMonitorFeed(worker: Pick<Worker, 'postMessage' | 'addEventListener'>, db: IDBPDatabase<SentryDb> | null, sources: WatchSources): MonitorFeed {
  let data: MonitorData = { accounts: [], trails: new Map(), alerts: [], acknowledged: new Set(), problems: [] };
  /** Each account's latest calc document and policy (the worker's `positions`), for the relay. */
  const documents = new Map<string, RelaySnapshotAccount>();
  let relay: { readonly url: string; readonly deviceId: string; readonly sync: ReturnType<typeof relaySync> } | null = null;
  const listeners = new Set<() => void>();
  // The screens hear of changes at most every SCREEN_EVERY_MS, after the burst of messages one tick
  // brings: a re-render per message (React renders a store change at once) sat between the worker's alert
  // messages and their showNotification calls, and a re-render in the middle of the burst still did.
  let telling: ReturnType<typeof setTimeout> | null = null;
  const set = (next: MonitorData): void => {
    data = next;
    telling ??= setTimeout(() => {
      telling = null;
      listeners.forEach((l) => l());
    }, SCREEN_EVERY_MS);
  };
  const upsertAlert = (item: AlertItem): void => {
    const others = data.alerts.filter((a) => a.entry.id !== item.entry.id);
    set({ ...data, alerts: [item, ...others].sort((a, b) => b.entry.openedAt - a.entry.openedAt) });
  };

  if (db !== null) {
    void (async () => {
      const stored = await recentAlerts(db, 500);
      const known = new Set(data.alerts.map((a) => a.entry.id));
      const items = stored.filter((r) => !known.has(r.id)).map((r) => ({ accountId: r.accountId, label: r.accountId, entry: r.alert as unknown as AlertEntry }));
      const ack = await getSetting(db, ACK_SETTING);
      set({
        ...data,
        alerts: [...data.alerts, ...items].sort((a, b) => b.entry.openedAt - a.entry.openedAt),
        acknowledged: new Set([...data.acknowledged, ...(Array.isArray(ack) ? ack.filter((x): x is string => typeof x === 'string') : [])]),
      });
    })();
  }

  worker.addEventListener('message', (event: MessageEvent<WorkerToPage>) => {
    const m = event.data;
    switch (m.kind) {
      case 'report': {
        const entry: AccountEntry = { accountId: m.report.account.accountId, label: m.label, report: m.report, restored: m.restored, at: m.savedAt ?? Date.now() };
        // A restored report never replaces a live one.
        const current = data.accounts.find((a) => a.accountId === entry.accountId);
        if (m.restored && current !== undefined && !current.restored) return;
        const trails = new Map(data.trails);
        if (!m.restored) {
          for (const p of m.report.positions) {
            const id = `${entry.accountId}/${p.key}`;
            trails.set(id, withTrailPoint(trails.get(id) ?? [], { t: m.report.evaluatedAt, mark: p.markPrice, rho: p.riskRatio }));
          }
        }
        set({ ...data, trails, accounts: [...data.accounts.filter((a) => a.accountId !== entry.accountId), entry].sort((a, b) => a.accountId.localeCompare(b.accountId)) });
        return;
      }
      case 'alert': {
        const item = { accountId: m.accountId, label: m.label, entry: m.entry };
        // The notification before the screens' re-render: its call is queued ahead of React's work.
        void (m.action === 'notify' ? notify(item) : closeNotification(m.entry.id)).catch(() => undefined);
        upsertAlert(item);
        return;
      }
      case 'problem':
        if (!data.problems.includes(m.message)) set({ ...data, problems: [...data.problems, m.message] });
        return;
      case 'positions':
        documents.set(m.accountId, { accountId: m.accountId, account: m.account, policy: m.policy });
        void relay?.sync.positionsChanged([...documents.values()]);
        return;
      case 'removed': {
        documents.delete(m.accountId);
        void relay?.sync.positionsChanged([...documents.values()]);
        const gone = data.alerts.filter((a) => a.accountId === m.accountId);
        for (const a of gone) void closeNotification(a.entry.id).catch(() => undefined);
        const trails = new Map([...data.trails].filter(([id]) => !id.startsWith(`${m.accountId}/`)));
        set({ ...data, trails, accounts: data.accounts.filter((a) => a.accountId !== m.accountId), alerts: data.alerts.filter((a) => a.accountId !== m.accountId) });
        return;
      }
      case 'saved':
        return;
    }
  });
  const send = (m: PageToWorker): void => worker.postMessage(m);

  // The watch list's own problems are replaced each time it is rebuilt; the worker's accumulate.
  let watchProblems: readonly string[] = [];
  let relayProblem: string | null = null;
  const relayOutcome = (o: { ok: boolean; message?: string }): void => {
    const next = o.ok ? null : (o.message ?? null);
    if (next === relayProblem) return;
    set({ ...data, problems: [...data.problems.filter((p) => p !== relayProblem), ...(next === null ? [] : [next])] });
    relayProblem = next;
  };
  // A paired relay gets the accounts again whenever their positions change while the app is open.
  const relayFor = (paired: PwaSettings['relay']): typeof relay => {
    if (paired === null) return null;
    if (relay !== null && relay.url === paired.url && relay.deviceId === paired.deviceId) return relay;
    const send = async (accounts: readonly RelaySnapshotAccount[]) => {
      const vault = await sources.vault();
      if (typeof vault === 'string') return { ok: false as const, message: `The relay was not updated: ${vault}` };
      return sendSnapshot(sources.fetch, paired.url, paired.deviceId, vault, accounts, Date.now());
    };
    return { url: paired.url, deviceId: paired.deviceId, sync: relaySync(send, relayOutcome) };
  };
  let refreshing: Promise<void> = Promise.resolve();
  const refreshWatch = (): Promise<void> =>
    (refreshing = refreshing.then(async () => {
      let settings: PwaSettings = DEFAULT_SETTINGS;
      const problems: string[] = [];
      const raw = db === null ? undefined : await getSetting(db, SETTINGS_NAME).catch(() => undefined);
      const parsed = parseSettings(raw);
      if (isFieldError(parsed)) problems.push(`Settings not used (${parsed.field}: ${parsed.message}); watching the demo accounts until they are fixed.`);
      else settings = parsed;
      const list = await watchList(settings, { sim: sources.simulatorOrigin, page: sources.pageOrigin }, sources.vault);
      problems.push(...list.problems);
      set({ ...data, problems: [...data.problems.filter((p) => !watchProblems.includes(p)), ...problems.filter((p) => !data.problems.includes(p))] });
      watchProblems = problems;
      send({ kind: 'watch', simulatorOrigin: list.simulatorOrigin, accounts: list.accounts });
      const before = relay;
      relay = relayFor(settings.relay);
      if (relay !== null && relay !== before && documents.size > 0) void relay.sync.positionsChanged([...documents.values()]);
    }));
  void refreshWatch();

  return {
    get: () => data,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    snooze: (accountId, subject, untilMs) => send({ kind: 'snooze', accountId, subject, untilMs }),
    unsnooze: (accountId, subject) => send({ kind: 'unsnooze', accountId, subject }),
    acknowledge(id) {
      const acknowledged = new Set(data.acknowledged).add(id);
      set({ ...data, acknowledged });
      void closeNotification(id).catch(() => undefined);
      if (db !== null) void putSetting(db, ACK_SETTING, [...acknowledged].slice(-MAX_ACK)).catch(() => undefined);
    },
    settingsChanged: () => void refreshWatch(),
    watchedDocuments: () => [...documents.values()],
  };
}
