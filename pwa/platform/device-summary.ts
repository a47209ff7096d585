import type { IDBPDatabase } from 'idb';
import type { SentryDb } from './db-schema.ts';
import { vaultKind, type VaultKind } from './secret-vault.ts';

/** What this device holds, for the shell's "on this device" card and the offline banner. */
export interface DeviceSummary {
  readonly accounts: number;
  /** Newest snapshot's save time (ms since the epoch), or null when none is saved. */
  readonly lastSavedAt: number | null;
  readonly alerts: number;
  readonly secrets: number;
  readonly vault: VaultKind;
}

export async function deviceSummary(db: IDBPDatabase<SentryDb>): Promise<DeviceSummary> {
  const snapshots = await db.getAll('snapshots');
  return {
    accounts: snapshots.length,
    lastSavedAt: snapshots.reduce<number | null>((max, s) => (max === null || s.savedAt > max ? s.savedAt : max), null),
    alerts: await db.count('alerts'),
    secrets: await db.count('secrets'),
    vault: await vaultKind(db),
  };
}
