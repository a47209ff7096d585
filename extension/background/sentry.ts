import type { AlertDecision } from '../../shared/engine/alerts/alert-decision.ts';
import { VENUE_IDS, type VenueId } from '../../shared/engine/positions/account.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import { defaultTakerFeeRate, venueAdapters } from '../../shared/exchanges/venues.ts';
import { createDeferredWork } from '../../shared/feed/deferred-work.ts';
import type { Feed } from '../../shared/feed/feed.ts';
import type { Clock } from '../../shared/ports/clock.ts';
import type { VenueAccess, VenueEndpoints } from '../../shared/ports/venue-adapter.ts';
import type { AccountReport } from '../../shared/protocol/account-report.ts';
import type { NotificationLogEntry } from '../messages.ts';
import { alertPolicyOf, parseSettings, type ExtensionSettings } from '../settings.ts';
import { createAccountWatch, type AccountWatch, type WatchedAccount } from './account-watch.ts';
import { accountLabel, desktopNotification, venuePageUrl } from './alert-notification.ts';
import { badgeLook } from './badge-look.ts';
import { SIMULATOR_DEMO_ACCESS, simulatorEndpoints } from '../../shared/exchanges/simulator-access.ts';
import type { MonitorStore } from './monitor-store.ts';
import type { Badge, KeyValueStore, Notifier, TabOpener } from './worker-ports.ts';
import { accountIdOf, parseStoredAccounts, type AccountListing, type StoredAccount } from '../accounts.ts';
import { open, seal } from '../platform/secret-box.ts';
import type { AccessCheck } from './check-access.ts';
import type { AlertNotice } from './phone-push.ts';

/**
 * The worker's work, platform-free: one AccountWatch per configured account, every decision carried
 * out (notification, badge, saved state), reports pushed to whoever listens. main.ts builds it with the
 * chrome-backed ports; the unit tests with plain fakes.
 */
export interface SentryPorts {
  readonly kv: KeyValueStore;
  readonly store: MonitorStore;
  readonly notifier: Notifier;
  readonly badge: Badge;
  readonly tabs: TabOpener;
  readonly now: () => number;
  /** Times the feeds' batch windows and the 30 s save. */
  readonly clock: Pick<Clock, 'setTimer'>;
  /** Builds a venue feed (the socket factory, clock, HTTP and HMAC are the caller's). */
  readonly feed: (venue: VenueId, endpoints: VenueEndpoints, access: VenueAccess, onEvent: (e: FeedEvent) => void) => Feed;
  readonly log: (line: string) => void;
  /** Settings before the user saved any (demo mode on only in the demo build). */
  readonly defaultSettings: ExtensionSettings;
  /** Memory for this browser session only (chrome.storage.session): unlocked keys, so a restarted worker needs no passphrase. */
  readonly session: KeyValueStore;
  /** Asks the venue whether it accepts these keys (check-access.ts). */
  readonly checkAccess: (venue: VenueId, endpoints: VenueEndpoints, access: VenueAccess) => Promise<AccessCheck>;
  /**
   * Each pushed notice shown on the desktop (first notice or reminder; never a resolve, never an in-app
   * one), for the paired phone. A promise it returns is awaited before the monitor and the notification
   * log are saved: a notice saved as shown is in the phone's outbox, so a worker killed in between
   * decides it again rather than losing its push.
   */
  readonly onNotified?: (notice: AlertNotice) => Promise<void> | void;
}

export interface Sentry {
  /** Loads settings and saved monitors, starts the feeds. Idempotent. */
  init(): Promise<void>;
  settings(): ExtensionSettings;
  saveSettings(settings: ExtensionSettings): Promise<void>;
  reports(): AccountReport[];
  snooze(subject: string, minutes: number): number | null;
  /** Saves every monitor now (the 30 s alarm). */
  saveAll(): Promise<void>;
  notificationLog(): Promise<NotificationLogEntry[]>;
  onNotificationButton(id: string, button: number): Promise<void>;
  onNotificationClicked(id: string): Promise<void>;
  /** Called (throttled) whenever reports may have changed. Returns an unsubscribe. */
  subscribe(listener: (reports: readonly AccountReport[]) => void): () => void;
  listAccounts(): Promise<AccountListing[]>;
  /** Checks the keys with the venue, seals them under the passphrase, stores and watches the account. A refusal is returned as text. */
  addAccount(request: { venue: VenueId; label: string; target: 'venue' | 'simulator'; access: VenueAccess; passphrase: string }): Promise<{ id: string } | { refusal: string }>;
  unlockAccounts(passphrase: string): Promise<{ count: number } | { refusal: string }>;
  removeAccount(id: string): Promise<boolean>;
}

export const SETTINGS_KEY = 'settings';
export const NOTIFICATION_LOG_KEY = 'notification-log';
export const ACCOUNTS_KEY = 'accounts';
const UNLOCKED_KEY = 'unlocked-access';
const NOTIFICATION_LOG_LIMIT = 200;
const REPORT_THROTTLE_MS = 250;
/** Volatility moves with every minute of marks: saved this often even when nothing was decided (issue 10: at least every 30 s). */
export const SAVE_EVERY_MS = 30_000;

interface LoggedNotification extends NotificationLogEntry {
  readonly venue: VenueId;
  readonly subject: string;
  readonly symbol: string | null;
}

export function createSentry(ports: SentryPorts): Sentry {
  let settings = ports.defaultSettings;
  let watches: AccountWatch[] = [];
  let initialising: Promise<void> | null = null;
  const listeners = new Set<(reports: readonly AccountReport[]) => void>();
  let pending: ReturnType<typeof setTimeout> | null = null;
  // Writes are chained so a later save never lands before an earlier one.
  let writes: Promise<void> = Promise.resolve();
  const queue = (write: () => Promise<void>): Promise<void> => {
    writes = writes.then(write, write).catch((e: unknown) => ports.log(`storage write failed: ${String(e)}`));
    return writes;
  };

  const reports = (): AccountReport[] => watches.map((w) => w.report(ports.now())).filter((r): r is AccountReport => r !== null);

  const publish = (): void => {
    pending = null;
    const current = reports();
    // A restored monitor has no evaluation until its feed is back: keep the badge the last worker set
    // rather than flash it empty.
    const judged = watches.filter((w) => w.live().monitor !== null).length;
    if (current.length >= judged) void ports.badge.show(badgeLook(current));
    for (const l of listeners) l(current);
  };
  const changed = (): void => {
    pending ??= setTimeout(publish, REPORT_THROTTLE_MS);
  };

  const deferred = createDeferredWork(ports.clock, (e) => ports.log(`save not queued: ${String(e)}`));
  /** Notices shown whose log entries wait for their account's deferred save. */
  let unlogged: LoggedNotification[] = [];
  /** Pushed notices not yet in the phone's outbox: the next save waits for them (`onNotified`). */
  let toPhone: Promise<void>[] = [];

  const readLog = async (): Promise<LoggedNotification[]> => {
    const raw = await ports.kv.get(NOTIFICATION_LOG_KEY);
    return Array.isArray(raw) ? (raw as LoggedNotification[]) : [];
  };

  const onDecisions = (watch: AccountWatch, decisions: readonly AlertDecision[]): void => {
    const venue = watch.account.venue;
    const shown: LoggedNotification[] = [];
    const log = watch.log();
    const label = accountLabel(venue, watch.account.accountId);
    for (const d of decisions) {
      const n = desktopNotification(d, log, label);
      if (n !== null && d.kind === 'notify') {
        void ports.notifier.show(n);
        for (const old of d.supersedes) void ports.notifier.clear(old);
        shown.push({ id: n.id, reminder: d.alert.reminder, at: ports.now(), title: n.title, message: n.message, channel: d.alert.channel, venue, subject: d.alert.subject, symbol: d.alert.symbol });
        const entry = log.entries.find((e) => e.id === d.alert.id);
        // The phone hears what is pushed; an in-app notice (Watch, a forecast raised again within its
        // reminder period) stays on this computer's screens, as the relay does.
        if (entry !== undefined && d.alert.channel === 'push') {
          const queued = ports.onNotified?.({ entry, reminder: d.alert.reminder, accountLabel: label });
          if (queued !== undefined) toPhone.push(queued);
        }
      }
      if (d.kind === 'resolve') void ports.notifier.clear(d.id);
    }
    unlogged.push(...shown);
    // Written one task later (shared/feed/deferred-work.ts): a crossing of another account in the same
    // burst of frames is judged and notified before this account's snapshot is serialised.
    deferred.later(`save:${watch.account.accountId}`, () => {
      const logged = unlogged;
      unlogged = [];
      const queued = toPhone;
      toPhone = [];
      const live = watch.live();
      const latest = watch.log();
      void queue(async () => {
        await Promise.all(queued);
        if (logged.length > 0) await ports.kv.set(NOTIFICATION_LOG_KEY, [...(await readLog()), ...logged].slice(-NOTIFICATION_LOG_LIMIT));
        await ports.store.save(watch.account.accountId, live, latest, ports.now());
      });
    });
    changed();
  };

  const readAccounts = async (): Promise<StoredAccount[]> => {
    const { accounts, problems } = parseStoredAccounts(await ports.kv.get(ACCOUNTS_KEY));
    problems.forEach((p) => ports.log(`stored account ignored: ${p}`));
    return accounts;
  };
  const readUnlocked = async (): Promise<Record<string, VenueAccess>> => {
    const raw = await ports.session.get(UNLOCKED_KEY);
    return typeof raw === 'object' && raw !== null ? (raw as Record<string, VenueAccess>) : {};
  };
  const endpointsOf = (venue: VenueId, target: 'venue' | 'simulator'): VenueEndpoints =>
    target === 'simulator' ? simulatorEndpoints(settings.demo.simulatorUrl, venue) : venueAdapters[venue].liveEndpoints;

  async function watch(account: WatchedAccount, endpoints: VenueEndpoints, access: VenueAccess): Promise<AccountWatch> {
    const { venue } = account;
    const config = { model: venueAdapters[venue].margin, takerFeeRate: defaultTakerFeeRate[venue], options: { accountId: account.accountId, policy: alertPolicyOf(settings) } };
    const restored = await ports.store.load(account.accountId, config.options.policy);
    // A refused snapshot is said once and the monitor starts afresh (what it did before snapshots).
    for (const p of restored.problems) ports.log(`stored monitor for ${account.accountId} ignored: ${p}`);
    return createAccountWatch({
      account,
      config,
      restored,
      clock: ports.clock,
      feed: (onEvent) =>
        ports.feed(venue, endpoints, access, (e) => {
          onEvent(e);
          changed();
        }),
      onDecisions,
    });
  }

  async function startWatches(): Promise<void> {
    watches.forEach((w) => w.stop());
    const next: AccountWatch[] = [];
    if (settings.demo.enabled) {
      for (const venue of VENUE_IDS) {
        next.push(await watch({ accountId: `${venue}:demo`, venue, mode: 'demo' }, simulatorEndpoints(settings.demo.simulatorUrl, venue), SIMULATOR_DEMO_ACCESS[venue]));
      }
    }
    const unlocked = await readUnlocked();
    for (const a of await readAccounts()) {
      const access = unlocked[a.id];
      if (access === undefined) continue; // locked until the passphrase is given in this browser session
      next.push(await watch({ accountId: a.id, venue: a.venue, mode: a.target === 'simulator' ? 'demo' : 'live' }, endpointsOf(a.venue, a.target), access));
    }
    watches = next;
    watches.forEach((w) => w.start());
  }

  const saveAll = (): Promise<void> =>
    queue(async () => {
      for (const w of watches) {
        w.flush();
        await ports.store.save(w.account.accountId, w.live(), w.log(), ports.now());
      }
    });
  // The worker lives while its sockets talk; this saves what moved without a decision (marks, volatility).
  const saveEvery = (): void => {
    ports.clock.setTimer(SAVE_EVERY_MS, () => {
      void saveAll();
      saveEvery();
    });
  };

  const findNotification = async (id: string): Promise<LoggedNotification | undefined> => (await readLog()).reverse().find((e) => e.id === id);

  return {
    init() {
      initialising ??= (async () => {
        const stored = await ports.kv.get(SETTINGS_KEY);
        if (stored !== undefined) {
          const parsed = parseSettings(stored);
          if (parsed.ok) settings = parsed.settings;
          else ports.log(`stored settings ignored: ${parsed.error}`);
        }
        await startWatches();
        saveEvery();
      })();
      return initialising;
    },
    settings: () => settings,
    async saveSettings(next) {
      watches.forEach((w) => w.stop());
      await saveAll();
      // Alert ids and the policy's open alerts are per ladder level: a new ladder starts every monitor
      // afresh (what is still true is notified again under the new levels' ids).
      if (JSON.stringify(next.ladder) !== JSON.stringify(settings.ladder)) await ports.store.forget(watches.map((w) => w.account.accountId));
      settings = next;
      await ports.kv.set(SETTINGS_KEY, next);
      await startWatches();
      changed();
    },
    reports,
    snooze(subject, minutes) {
      const watch = watches.find((w) => subject.startsWith(`${w.account.accountId}:`));
      return watch === undefined ? null : watch.snooze(subject, minutes);
    },
    saveAll,
    notificationLog: async () => (await readLog()).map(({ id, reminder, at, title, message, channel }) => ({ id, reminder, at, title, message, channel: channel ?? null })),
    async onNotificationButton(id, button) {
      const n = await findNotification(id);
      if (n === undefined) return;
      if (button === 0) await ports.tabs.open(venuePageUrl(n.venue, n.symbol));
      // Snoozing holds further notices; it resolves nothing (resolves come from the monitor).
      if (button === 1) this.snooze(n.subject, 60);
    },
    async onNotificationClicked(id) {
      const n = await findNotification(id);
      if (n !== undefined) await ports.tabs.open(venuePageUrl(n.venue, n.symbol));
    },
    subscribe(listener) {
      listeners.add(listener);
      listener(reports());
      return () => listeners.delete(listener);
    },
    async listAccounts() {
      const unlocked = await readUnlocked();
      return (await readAccounts()).map(({ id, venue, label, target }) => ({ id, venue, label, target, unlocked: unlocked[id] !== undefined }));
    },
    async addAccount({ venue, label, target, access, passphrase }) {
      const id = accountIdOf(venue, label);
      const accounts = await readAccounts();
      if (accounts.some((a) => a.id === id)) return { refusal: `$.label: an account ${id} exists already` };
      // One passphrase for all accounts: it must open the ones stored before.
      if (accounts[0] !== undefined && (await open(accounts[0].sealed, passphrase)) === null) return { refusal: '$.passphrase: it does not open the accounts stored before' };
      const check = await ports.checkAccess(venue, endpointsOf(venue, target), access);
      if (!check.ok) return { refusal: check.refusal };
      const sealed = await seal(JSON.stringify(access), passphrase);
      await ports.kv.set(ACCOUNTS_KEY, [...accounts, { id, venue, label, target, sealed }]);
      await ports.session.set(UNLOCKED_KEY, { ...(await readUnlocked()), [id]: access });
      await startWatches();
      changed();
      return { id };
    },
    async unlockAccounts(passphrase) {
      const unlocked: Record<string, VenueAccess> = {};
      for (const a of await readAccounts()) {
        const plain = await open(a.sealed, passphrase);
        if (plain !== null) unlocked[a.id] = JSON.parse(plain) as VenueAccess;
      }
      const count = Object.keys(unlocked).length;
      if (count === 0) return { refusal: '$.passphrase: it opens no stored account' };
      await ports.session.set(UNLOCKED_KEY, { ...(await readUnlocked()), ...unlocked });
      await startWatches();
      changed();
      return { count };
    },
    async removeAccount(id) {
      const accounts = await readAccounts();
      if (!accounts.some((a) => a.id === id)) return false;
      await ports.kv.set(ACCOUNTS_KEY, accounts.filter((a) => a.id !== id));
      const { [id]: _gone, ...rest } = await readUnlocked();
      await ports.session.set(UNLOCKED_KEY, rest);
      await startWatches();
      changed();
      return true;
    },
  };
}
