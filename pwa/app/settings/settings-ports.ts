import type { IDBPDatabase } from 'idb';
import type { VenueId } from '../../../shared/engine/positions/account.ts';
import { checkKey, LIVE_BINANCE_SPOT_REST, type KeyCheckEndpoints } from '../../../shared/exchanges/key-check.ts';
import { venueAdapters } from '../../../shared/exchanges/venues.ts';
import { fetchHttp } from '../../../shared/platform/fetch-http.ts';
import { webCryptoHmac } from '../../../shared/platform/webcrypto-hmac.ts';
import type { SecretStore } from '../../../shared/ports/secret-store.ts';
import { getSetting, putSetting } from '../../platform/app-records.ts';
import type { SentryDb } from '../../platform/db-schema.ts';
import type { PlainData } from '../../platform/plain-data.ts';
import { vaultSession } from '../vault-session.ts';
import type { SettingsPorts } from './settings-actions.ts';
import type { NotificationPort, RelayPort } from './settings-screen.tsx';
import { SETTINGS_NAME } from '../../platform/settings-record.ts';

/**
 * The Settings screen's ports on the real platform: the settings record in IndexedDB, the vault
 * (the page's one vault session: a device vault is made on the first key when none exists; a passphrase
 * vault is unlocked once, from the banner or Settings' Key protection), the key check on fetch and WebCrypto against `restBase(venue)`
 * (the venue itself, or the simulator's `<origin>/<venue>` in demo and tests).
 */
export const liveRestBase = (venue: VenueId): KeyCheckEndpoints =>
  venue === 'binance' ? { rest: venueAdapters.binance.liveEndpoints.rest, spotRest: LIVE_BINANCE_SPOT_REST } : { rest: venueAdapters[venue].liveEndpoints.rest };

export const simulatorRestBase =
  (origin: string) =>
  (venue: VenueId): KeyCheckEndpoints => ({ rest: `${origin}/${venue}`, spotRest: `${origin}/${venue}` });

export function browserSettingsPorts(
  db: IDBPDatabase<SentryDb>,
  restBase: (venue: VenueId) => KeyCheckEndpoints = liveRestBase,
  unlocked: SecretStore | null = null,
): SettingsPorts {
  const hmac = webCryptoHmac();
  const http = fetchHttp(15_000);
  return {
    store: {
      load: () => getSetting(db, SETTINGS_NAME),
      // The record is plain data by construction (settings-model.ts); putSetting checks it again.
      save: (settings) => putSetting(db, SETTINGS_NAME, settings as unknown as PlainData),
    },
    vault: () => (unlocked !== null ? Promise.resolve(unlocked) : vaultSession(db).open()),
    checkKey: (venue, access) => checkKey(venue, access, restBase(venue), { http, hmac, now: () => Date.now() }),
  };
}

export const browserNotifications: NotificationPort = {
  state: () => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission),
  request: async () => (typeof Notification === 'undefined' ? 'unsupported' : Notification.requestPermission()),
};

const keyBytes = (base64url: string): Uint8Array<ArrayBuffer> => {
  const b = atob(base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
};

export const browserRelay: RelayPort = {
  fetch: (url, init) => fetch(url, init),
  async subscribe(vapidPublicKey) {
    if (!('serviceWorker' in navigator)) return 'This browser has no service workers: push from a relay cannot work here.';
    const registration = await navigator.serviceWorker.ready;
    if (!('pushManager' in registration)) return 'This browser has no push: on an iPhone, add the app to the Home Screen first.';
    try {
      const sub = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(vapidPublicKey) });
      return sub.toJSON();
    } catch (e) {
      return `The browser refused a push subscription (${e instanceof Error ? e.message : 'no reason given'}). Allow notifications first.`;
    }
  },
};
