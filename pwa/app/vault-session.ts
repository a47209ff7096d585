import type { IDBPDatabase } from 'idb';
import type { SecretStore } from '../../shared/ports/secret-store.ts';
import type { SentryDb } from '../platform/db-schema.ts';
import { changeVaultProtection, createDeviceVault, isVaultError, unlockVault, vaultKind, type VaultKind } from '../platform/secret-vault.ts';

/**
 * The page's one open vault: a device vault opens by itself; a passphrase vault stays locked until the
 * user types the passphrase (never stored, never posted to the worker: only the opened store is kept,
 * in this page's memory). The watch list, Settings and the sender pairing all ask here, so one unlock
 * serves them all; `onChange` tells the app to hand the worker a new watch list.
 */
export interface VaultSession {
  kind(): Promise<VaultKind>;
  /** The open vault, or the sentence saying why not (locked by a passphrase, damaged). A device vault is made on first use. */
  open(): Promise<SecretStore | string>;
  isLocked(): Promise<boolean>;
  /** null: unlocked; else the refusal (wrong passphrase). */
  unlock(passphrase: string): Promise<string | null>;
  /** Moves the keys under a passphrase (or, with null, back to this device's key); null when done, else why not. */
  protect(passphrase: string | null): Promise<string | null>;
  onChange(listener: () => void): () => void;
}

const sessions = new WeakMap<IDBPDatabase<SentryDb>, VaultSession>();

export function vaultSession(db: IDBPDatabase<SentryDb>): VaultSession {
  const known = sessions.get(db);
  if (known !== undefined) return known;
  let held: SecretStore | null = null;
  const listeners = new Set<() => void>();
  const changed = (): void => listeners.forEach((l) => l());
  const session: VaultSession = {
    kind: () => vaultKind(db),
    async open() {
      if (held !== null) return held;
      const opened = await unlockVault(db);
      if (!isVaultError(opened)) return (held = opened);
      if (opened.reason !== 'no-vault') return opened.message;
      const made = await createDeviceVault(db);
      return isVaultError(made) ? made.message : (held = made);
    },
    async isLocked() {
      return held === null && (await vaultKind(db)) === 'passphrase';
    },
    async unlock(passphrase) {
      const opened = await unlockVault(db, passphrase);
      if (isVaultError(opened)) return opened.message;
      held = opened;
      changed();
      return null;
    },
    async protect(passphrase) {
      const current = await session.open();
      if (typeof current === 'string') return current;
      const next = await changeVaultProtection(db, current, passphrase);
      if (isVaultError(next)) return next.message;
      held = next;
      changed();
      return null;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  sessions.set(db, session);
  return session;
}
