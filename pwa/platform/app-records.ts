import type { IDBPDatabase } from 'idb';
import type { AlertRecord, SentryDb, SnapshotRecord } from './db-schema.ts';
import type { PlainData } from './plain-data.ts';
import { recordProblem } from './record-checks.ts';

/**
 * Monitor snapshots, alert history and settings over the opened database. Every write is checked
 * the same way reads are, so a NaN or a class instance is refused here, with the field named, and
 * never reaches the disk.
 */
export const MAX_ALERTS = 500;

export class RecordRefused extends Error {
  override readonly name = 'RecordRefused';
}

function refuseUnlessFit(store: 'snapshots' | 'alerts' | 'settings', record: unknown): void {
  const problem = recordProblem(store, record);
  if (problem !== null) throw new RecordRefused(`not saved in ${store}: ${problem}`);
}

export async function saveSnapshot(db: IDBPDatabase<SentryDb>, record: SnapshotRecord): Promise<void> {
  refuseUnlessFit('snapshots', record);
  await db.put('snapshots', record);
}

export const loadSnapshots = (db: IDBPDatabase<SentryDb>): Promise<SnapshotRecord[]> => db.getAll('snapshots');

/** Adds an alert (same id: replaced) and keeps only the newest MAX_ALERTS. */
export async function addAlert(db: IDBPDatabase<SentryDb>, record: AlertRecord, maxAlerts = MAX_ALERTS): Promise<void> {
  refuseUnlessFit('alerts', record);
  const tx = db.transaction('alerts', 'readwrite');
  await tx.store.put(record);
  let excess = (await tx.store.count()) - maxAlerts;
  let cursor = excess > 0 ? await tx.store.index('by-at').openCursor() : null;
  while (cursor && excess > 0) {
    await cursor.delete();
    excess--;
    cursor = await cursor.continue();
  }
  await tx.done;
}

/** Newest first. */
export async function recentAlerts(db: IDBPDatabase<SentryDb>, limit: number): Promise<AlertRecord[]> {
  const out: AlertRecord[] = [];
  let cursor = await db.transaction('alerts').store.index('by-at').openCursor(null, 'prev');
  while (cursor && out.length < limit) {
    out.push(cursor.value);
    cursor = await cursor.continue();
  }
  return out;
}

export async function putSetting(db: IDBPDatabase<SentryDb>, name: string, value: PlainData): Promise<void> {
  refuseUnlessFit('settings', { name, value });
  await db.put('settings', { name, value });
}

export async function getSetting(db: IDBPDatabase<SentryDb>, name: string): Promise<PlainData | undefined> {
  return (await db.get('settings', name))?.value;
}

/** A removed account's saved monitor state and alert history, in one transaction. */
export async function forgetAccount(db: IDBPDatabase<SentryDb>, accountId: string): Promise<void> {
  const tx = db.transaction(['snapshots', 'alerts'], 'readwrite');
  await tx.objectStore('snapshots').delete(accountId);
  let cursor = await tx.objectStore('alerts').openCursor();
  while (cursor) {
    if (cursor.value.accountId === accountId) await cursor.delete();
    cursor = await cursor.continue();
  }
  await tx.done;
}
