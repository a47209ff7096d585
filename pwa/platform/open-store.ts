import { deleteDB, openDB, type IDBPDatabase } from 'idb';
import { DB_NAME, MIGRATIONS, STORE_NAMES, STORE_SHAPES, type Migration, type SentryDb, type StoreName } from './db-schema.ts';
import { recordProblem } from './record-checks.ts';
import { migrateSettingRecords } from './settings-migration.ts';

/**
 * Opens the PWA database, upgrading it through the migrations, and makes sure what it holds is ours.
 *
 * - A database of our shape: every record is checked; bad ones are deleted and counted.
 * - A foreign or damaged one (missing stores, wrong keys, a newer version than this app knows, an
 *   upgrade that fails): the records that pass their checks are read out, the database is deleted,
 *   recreated from the migrations and refilled with them.
 * - Secrets whose key record did not survive cannot be decrypted any more; they are dropped too.
 *
 * Either way the caller gets a working database and a report to show; it never has to show a blank
 * screen. Only when IndexedDB itself refuses (private mode, storage blocked) is there no database, and
 * the report says so.
 */
export interface StoreReport {
  /** True when the database was deleted and recreated. */
  readonly rebuilt: boolean;
  /** Sentences for the user, empty when all was well. Never a record's content. */
  readonly problems: readonly string[];
  /** Records deleted, per store. */
  readonly dropped: Readonly<Partial<Record<StoreName, number>>>;
}

export type OpenedStore =
  | { readonly db: IDBPDatabase<SentryDb>; readonly report: StoreReport }
  | { readonly db: null; readonly report: StoreReport };

export interface OpenStoreOptions {
  readonly name?: string;
  /** Defaults to the app's migrations; tests append one to prove an upgrade keeps the data. */
  readonly migrations?: readonly Migration[];
}

export async function openStore(options: OpenStoreOptions = {}): Promise<OpenedStore> {
  const name = options.name ?? DB_NAME;
  const migrations = options.migrations ?? MIGRATIONS;
  let db: IDBPDatabase<SentryDb> | undefined;
  let why: string;
  try {
    db = await openAt(name, migrations);
    const misfit = shapeMisfit(db);
    if (misfit === null) return { db, report: await dropBadRecords(db) };
    why = `the local database does not have this app's layout (${misfit})`;
  } catch (e) {
    why = `the local database could not be opened (${errorName(e)})`;
  }
  db?.close();
  try {
    return { ...(await rebuild(name, migrations, why)) };
  } catch (e) {
    return { db: null, report: { rebuilt: false, problems: [`${why}; rebuilding it failed too (${errorName(e)}): nothing will be saved on this device`], dropped: {} } };
  }
}

function openAt(name: string, migrations: readonly Migration[]): Promise<IDBPDatabase<SentryDb>> {
  return openDB<SentryDb>(name, migrations.length, {
    upgrade(db, oldVersion, newVersion, tx) {
      for (let v = oldVersion; v < (newVersion ?? migrations.length); v++) migrations[v]!(db, tx);
    },
    // Another tab of a newer version wants to upgrade: let it, this tab's next write fails and reloads.
    blocking(_current, _next, event) {
      (event.target as IDBDatabase).close();
    },
  });
}

const sameKeyPath = (a: string | readonly string[] | null, b: string | readonly string[]): boolean =>
  typeof a === 'string' || typeof b === 'string' ? a === b : a !== null && a.length === b.length && a.every((k, i) => k === b[i]);

/** Null when every store we need is there with our key path and indexes (extra stores are tolerated). */
function shapeMisfit(db: IDBPDatabase<SentryDb>): string | null {
  for (const store of STORE_NAMES) {
    if (!db.objectStoreNames.contains(store)) return `no ${store} store`;
  }
  const tx = db.transaction(STORE_NAMES, 'readonly');
  for (const store of STORE_NAMES) {
    const os = tx.objectStore(store);
    const shape = STORE_SHAPES[store];
    if (!sameKeyPath(os.keyPath as string | string[] | null, shape.keyPath)) return `the ${store} store is keyed differently`;
    for (const index of shape.indexes) if (!os.indexNames.contains(index as never)) return `the ${store} store lacks its ${index} index`;
  }
  return null;
}

async function dropBadRecords(db: IDBPDatabase<SentryDb>): Promise<StoreReport> {
  const dropped: Partial<Record<StoreName, number>> = {};
  const tx = db.transaction(STORE_NAMES, 'readwrite');
  for (const store of STORE_NAMES) {
    let cursor = await tx.objectStore(store).openCursor();
    while (cursor) {
      if (recordProblem(store, cursor.value) !== null) {
        await cursor.delete();
        dropped[store] = (dropped[store] ?? 0) + 1;
      }
      cursor = await cursor.continue();
    }
  }
  const hasVault = (await tx.objectStore('vault').count()) > 0;
  const orphanSecrets = hasVault ? 0 : await tx.objectStore('secrets').count();
  if (orphanSecrets > 0) {
    await tx.objectStore('secrets').clear();
    dropped.secrets = (dropped.secrets ?? 0) + orphanSecrets;
  }
  await tx.done;
  return { rebuilt: false, problems: describeDropped(dropped, orphanSecrets), dropped };
}

type Salvage = { [S in StoreName]: SentryDb[S]['value'][] };

async function rebuild(name: string, migrations: readonly Migration[], why: string): Promise<OpenedStore> {
  const dropped: Partial<Record<StoreName, number>> = {};
  const kept = await salvage(name, dropped);
  // Records salvaged from an older version skip the migrations the new database is created with.
  kept.settings = migrateSettingRecords(kept.settings);
  await deleteDB(name);
  const db = await openAt(name, migrations);
  const orphanSecrets = kept.vault.length > 0 ? 0 : kept.secrets.length;
  if (orphanSecrets > 0) {
    dropped.secrets = (dropped.secrets ?? 0) + orphanSecrets;
    kept.secrets = [];
  }
  const tx = db.transaction(STORE_NAMES, 'readwrite');
  for (const store of STORE_NAMES) {
    for (const record of kept[store]) await tx.objectStore(store).put(record as never);
  }
  await tx.done;
  const keptCount = STORE_NAMES.reduce((n, s) => n + kept[s].length, 0);
  const problems = [`${capitalise(why)}: rebuilt it, keeping ${keptCount} record${keptCount === 1 ? '' : 's'}`, ...describeDropped(dropped, orphanSecrets)];
  return { db, report: { rebuilt: true, problems, dropped } };
}

/** Reads whatever passes its check out of a database of unknown shape; never throws. */
async function salvage(name: string, dropped: Partial<Record<StoreName, number>>): Promise<Salvage> {
  const kept: Salvage = { snapshots: [], alerts: [], settings: [], secrets: [], vault: [], marks: [] };
  let db: IDBPDatabase<SentryDb> | undefined;
  try {
    db = await openDB<SentryDb>(name); // no version: opens what is there, upgrades nothing
    for (const store of STORE_NAMES) {
      if (!db.objectStoreNames.contains(store)) continue;
      try {
        for (const value of await db.getAll(store)) {
          if (recordProblem(store, value) === null) (kept[store] as unknown[]).push(value);
          else dropped[store] = (dropped[store] ?? 0) + 1;
        }
      } catch {
        dropped[store] = (dropped[store] ?? 0) + 1;
      }
    }
  } catch {
    // Unreadable: nothing to keep.
  } finally {
    db?.close();
  }
  return kept;
}

function describeDropped(dropped: Partial<Record<StoreName, number>>, orphanSecrets: number): string[] {
  const parts = STORE_NAMES.flatMap((s) => {
    const n = (dropped[s] ?? 0) - (s === 'secrets' ? orphanSecrets : 0);
    return n > 0 ? [`${n} ${s === 'marks' ? 'price point' : s.replace(/s$/, '')} record${n === 1 ? '' : 's'}`] : [];
  });
  const out = parts.length > 0 ? [`Dropped damaged data: ${parts.join(', ')}`] : [];
  if (orphanSecrets > 0) out.push(`${orphanSecrets} saved secret${orphanSecrets === 1 ? '' : 's'} could not be kept because the key record was lost: enter the API keys again`);
  return out;
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const errorName = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
