import type { AlertDecision } from '../../shared/engine/alerts/alert-decision.ts';
import { VENUE_IDS, type VenueId } from '../../shared/engine/positions/account.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import { defaultTakerFeeRate, venueAdapters } from '../../shared/exchanges/venues.ts';
import type { Feed } from '../../shared/feed/feed.ts';
import type { VenueAccess, VenueEndpoints } from '../../shared/ports/venue-adapter.ts';
import type { AccountReport } from '../../shared/protocol/account-report.ts';
import type { NotificationLogEntry } from '../messages.ts';
import { parseSettings, type ExtensionSettings } from '../settings.ts';
import { createAccountWatch, type AccountWatch, type WatchedAccount } from './account-watch.ts';
import { alertNotification, venuePageUrl } from './alert-notification.ts';
import { badgeLook } from './badge-look.ts';
import { SIMULATOR_DEMO_ACCESS, simulatorEndpoints } from './demo-accounts.ts';
import type { MonitorStore } from './monitor-store.ts';
import type { Badge, KeyValueStore, Notifier, TabOpener } from './worker-ports.ts';

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
  /** Builds a venue feed (the socket factory, clock, HTTP and HMAC are the caller's). */
  readonly feed: (venue: VenueId, endpoints: VenueEndpoints, access: VenueAccess, onEvent: (e: FeedEvent) => void) => Feed;
  readonly log: (line: string) => void;
  /** Settings before the user saved any (demo mode on only in the demo build). */
  readonly defaultSettings: ExtensionSettings;
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
}

export const SETTINGS_KEY = 'settings';
export const NOTIFICATION_LOG_KEY = 'notification-log';
const NOTIFICATION_LOG_LIMIT = 200;
const REPORT_THROTTLE_MS = 250;

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

  const readLog = async (): Promise<LoggedNotification[]> => {
    const raw = await ports.kv.get(NOTIFICATION_LOG_KEY);
    return Array.isArray(raw) ? (raw as LoggedNotification[]) : [];
  };

  const onDecisions = (watch: AccountWatch, decisions: readonly AlertDecision[]): void => {
    const venue = watch.account.venue;
    const shown: LoggedNotification[] = [];
    for (const d of decisions) {
      const n = alertNotification(d, venue);
      if (n !== null && d.kind === 'notify') {
        void ports.notifier.show(n);
        for (const old of d.supersedes) void ports.notifier.clear(old);
        shown.push({ id: n.id, reminder: d.alert.reminder, at: ports.now(), title: n.title, message: n.message, venue, subject: d.alert.subject, symbol: d.alert.symbol });
      }
      if (d.kind === 'resolve') void ports.notifier.clear(d.id);
    }
    const live = watch.live();
    const log = watch.log();
    void queue(async () => {
      if (shown.length > 0) await ports.kv.set(NOTIFICATION_LOG_KEY, [...(await readLog()), ...shown].slice(-NOTIFICATION_LOG_LIMIT));
      await ports.store.save(watch.account.accountId, live, log, ports.now());
    });
    changed();
  };

  async function startWatches(): Promise<void> {
    watches.forEach((w) => w.stop());
    watches = [];
    if (!settings.demo.enabled) return; // Real accounts (keys in an encrypted store) are not built yet.
    for (const venue of VENUE_IDS) {
      const account: WatchedAccount = { accountId: `${venue}:demo`, venue, mode: 'demo' };
      const config = { model: venueAdapters[venue].margin, takerFeeRate: defaultTakerFeeRate[venue], options: { accountId: account.accountId } };
      const restored = await ports.store.load(account.accountId, config);
      if (restored.problem !== null) ports.log(restored.problem);
      const endpoints = simulatorEndpoints(settings.demo.simulatorUrl, venue);
      watches.push(
        createAccountWatch({
          account,
          config,
          restored,
          feed: (onEvent) =>
            ports.feed(venue, endpoints, SIMULATOR_DEMO_ACCESS[venue], (e) => {
              onEvent(e);
              changed();
            }),
          onDecisions,
        }),
      );
    }
    watches.forEach((w) => w.start());
  }

  const saveAll = (): Promise<void> =>
    queue(async () => {
      for (const w of watches) await ports.store.save(w.account.accountId, w.live(), w.log(), ports.now());
    });

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
      })();
      return initialising;
    },
    settings: () => settings,
    async saveSettings(next) {
      await saveAll();
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
    notificationLog: async () => (await readLog()).map(({ id, reminder, at, title, message }) => ({ id, reminder, at, title, message })),
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
  };
}
