import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { PlainData } from './plain-data.ts';
import { migrateSettingRecords } from './settings-migration.ts';

/**
 * The PWA's IndexedDB schema. The version is the number of migrations; a migration is never edited
 * once shipped, only appended, because a phone may open the database at any older version.
 */
export const DB_NAME = 'margin-sentry';

/** The monitor snapshot of one account, saved after each decision and every 30 s. */
export interface SnapshotRecord {
  readonly accountId: string;
  /** ms since the epoch. */
  readonly savedAt: number;
  readonly snapshot: PlainData;
}

/** One alert in the history; `alert` is the protocol's plain alert record. */
export interface AlertRecord {
  readonly id: string;
  readonly accountId: string;
  /** ms since the epoch, when the alert was raised. */
  readonly at: number;
  readonly alert: PlainData;
}

export interface SettingRecord {
  readonly name: string;
  readonly value: PlainData;
}

/** AES-GCM ciphertext of one secret; the name is bound in as additional data. */
export interface SecretRecord {
  readonly name: string;
  readonly iv: Uint8Array<ArrayBuffer>;
  readonly ciphertext: Uint8Array<ArrayBuffer>;
}

/** A known text encrypted under the vault key: decrypting it proves the key (and so the passphrase) right. */
export interface VaultCheck {
  readonly iv: Uint8Array<ArrayBuffer>;
  readonly ciphertext: Uint8Array<ArrayBuffer>;
}

/** How the secrets are keyed: one record, id `vault`. */
export type VaultRecord =
  | { readonly id: 'vault'; readonly kind: 'passphrase'; readonly salt: Uint8Array<ArrayBuffer>; readonly iterations: number; readonly check: VaultCheck }
  | { readonly id: 'vault'; readonly kind: 'device'; readonly key: CryptoKey; readonly check: VaultCheck };

export interface MarkRecord {
  readonly symbol: string;
  readonly t: number;
  readonly price: number;
}

export interface SentryDb extends DBSchema {
  snapshots: { key: string; value: SnapshotRecord };
  alerts: { key: string; value: AlertRecord; indexes: { 'by-at': number } };
  settings: { key: string; value: SettingRecord };
  secrets: { key: string; value: SecretRecord };
  vault: { key: string; value: VaultRecord };
  marks: { key: [string, number]; value: MarkRecord };
}

export type StoreName = StoreNames<SentryDb>;

export type Migration = (db: IDBPDatabase<SentryDb>, tx: IDBPTransaction<SentryDb, StoreName[], 'versionchange'>) => void;

/** Migration i takes the database from version i to version i + 1. */
export const MIGRATIONS: readonly Migration[] = [
  (db) => {
    db.createObjectStore('snapshots', { keyPath: 'accountId' });
    db.createObjectStore('alerts', { keyPath: 'id' }).createIndex('by-at', 'at');
    db.createObjectStore('settings', { keyPath: 'name' });
    db.createObjectStore('secrets', { keyPath: 'name' });
    db.createObjectStore('vault', { keyPath: 'id' });
    db.createObjectStore('marks', { keyPath: ['symbol', 't'] });
  },
  // 1 -> 2: one settings record (the screen's `app-settings` and the worker's `app` folded together).
  (db, tx) => {
    if (!db.objectStoreNames.contains('settings')) return; // foreign: open-store.ts rebuilds it
    const store = tx.objectStore('settings');
    // Requests chained on the upgrade transaction keep it open until they are done.
    void store.getAll().then(async (records) => {
      const next = migrateSettingRecords(records);
      const names = new Set(next.map((r) => r.name));
      for (const r of records) if (!names.has(r.name)) await store.delete(r.name);
      for (const r of next) await store.put(r);
    });
  },
];

/** What the opened database must look like; anything else is foreign or damaged and gets rebuilt. */
export const STORE_SHAPES: Readonly<Record<StoreName, { readonly keyPath: string | readonly string[]; readonly indexes: readonly string[] }>> = {
  snapshots: { keyPath: 'accountId', indexes: [] },
  alerts: { keyPath: 'id', indexes: ['by-at'] },
  settings: { keyPath: 'name', indexes: [] },
  secrets: { keyPath: 'name', indexes: [] },
  vault: { keyPath: 'id', indexes: [] },
  marks: { keyPath: ['symbol', 't'], indexes: [] },
};

export const STORE_NAMES = Object.keys(STORE_SHAPES) as StoreName[];
