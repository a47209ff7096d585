import type { IDBPDatabase } from 'idb';
import type { SecretStore } from '../../shared/ports/secret-store.ts';
import type { SentryDb, VaultCheck, VaultRecord } from './db-schema.ts';

/**
 * The API keys at rest: AES-GCM-256, a fresh 12-byte IV per write, the secret's name bound in as
 * additional data (so records cannot be swapped between names). The key is either derived from the
 * user's passphrase (PBKDF2-SHA-256, OWASP 2023's 600,000 iterations, 16-byte salt) or, when the user
 * opts out of a passphrase, a random non-extractable CryptoKey kept in IndexedDB: script can use it
 * but never read it out, so a copied database file alone does not reveal the keys.
 *
 * Values never appear in an error, a log line or a report: errors name the secret, not its content.
 */
export const MIN_PBKDF2_ITERATIONS = 600_000;
export const MIN_PASSPHRASE_LENGTH = 8;

const CHECK_TEXT = 'margin-sentry vault check v1';
const CHECK_AAD = 'vault-check';

export type VaultKind = 'none' | 'passphrase' | 'device';

export interface VaultError {
  readonly kind: 'vault-error';
  readonly reason: 'wrong-passphrase' | 'no-vault' | 'exists' | 'weak-passphrase' | 'needs-passphrase' | 'damaged';
  readonly message: string;
}

export const isVaultError = (v: unknown): v is VaultError =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'vault-error';

const vaultError = (reason: VaultError['reason'], message: string): VaultError => ({ kind: 'vault-error', reason, message });

const utf8 = (s: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(s);
const randomBytes = (n: number): Uint8Array<ArrayBuffer> => crypto.getRandomValues(new Uint8Array(n));

export async function vaultKind(db: IDBPDatabase<SentryDb>): Promise<VaultKind> {
  return (await db.get('vault', 'vault'))?.kind ?? 'none';
}

export async function derivePassphraseKey(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', utf8(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, { name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
}

async function seal(key: CryptoKey, text: string, aad: string): Promise<VaultCheck> {
  const iv = randomBytes(12);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8(aad) }, key, utf8(text)));
  return { iv, ciphertext };
}

/** The plaintext, or undefined when the key is wrong or the bytes were changed (GCM's tag fails). */
async function open(key: CryptoKey, sealed: VaultCheck, aad: string): Promise<string | undefined> {
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv, additionalData: utf8(aad) }, key, sealed.ciphertext);
    return new TextDecoder().decode(plain);
  } catch {
    return undefined;
  }
}

/** Creates a passphrase vault; refuses if one exists (reset it first: that forgets every secret). */
export async function createPassphraseVault(
  db: IDBPDatabase<SentryDb>,
  passphrase: string,
  iterations = MIN_PBKDF2_ITERATIONS,
): Promise<SecretStore | VaultError> {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    return vaultError('weak-passphrase', `The passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters.`);
  }
  if (iterations < MIN_PBKDF2_ITERATIONS) throw new RangeError(`PBKDF2 needs at least ${MIN_PBKDF2_ITERATIONS} iterations`);
  const salt = randomBytes(16);
  const key = await derivePassphraseKey(passphrase, salt, iterations);
  return install(db, { id: 'vault', kind: 'passphrase', salt, iterations, check: await seal(key, CHECK_TEXT, CHECK_AAD) }, key);
}

/** Creates a vault keyed by a random non-extractable key kept on this device (no passphrase). */
export async function createDeviceVault(db: IDBPDatabase<SentryDb>): Promise<SecretStore | VaultError> {
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  return install(db, { id: 'vault', kind: 'device', key, check: await seal(key, CHECK_TEXT, CHECK_AAD) }, key);
}

async function install(db: IDBPDatabase<SentryDb>, record: VaultRecord, key: CryptoKey): Promise<SecretStore | VaultError> {
  const tx = db.transaction('vault', 'readwrite');
  if ((await tx.store.get('vault')) !== undefined) {
    tx.abort();
    await tx.done.catch(() => undefined);
    return vaultError('exists', 'A vault already exists on this device: unlock it, or reset it to start again.');
  }
  await tx.store.add(record);
  await tx.done;
  return secretStore(db, key);
}

/** Opens the vault: a passphrase vault needs the passphrase, a device vault needs none. */
export async function unlockVault(db: IDBPDatabase<SentryDb>, passphrase?: string): Promise<SecretStore | VaultError> {
  const record = await db.get('vault', 'vault');
  if (record === undefined) return vaultError('no-vault', 'No secrets are saved on this device yet.');
  let key: CryptoKey;
  if (record.kind === 'passphrase') {
    if (passphrase === undefined) return vaultError('needs-passphrase', 'Enter your passphrase to unlock the saved keys.');
    // A record asking for fewer rounds is a downgrade (or damage), not something to honour.
    if (record.iterations < MIN_PBKDF2_ITERATIONS) {
      return vaultError('damaged', `The vault record asks for only ${record.iterations} PBKDF2 iterations; refusing it.`);
    }
    key = await derivePassphraseKey(passphrase, record.salt, record.iterations);
  } else {
    key = record.key;
  }
  if ((await open(key, record.check, CHECK_AAD)) !== CHECK_TEXT) {
    return record.kind === 'passphrase'
      ? vaultError('wrong-passphrase', 'Wrong passphrase: the saved keys could not be decrypted. Nothing was changed.')
      : vaultError('damaged', 'The device key no longer opens the vault: reset it and enter the keys again.');
  }
  return secretStore(db, key);
}

/**
 * Protects the saved secrets with a passphrase (`passphrase` given) or with this device's key (null):
 * every secret is decrypted with the open vault and sealed again under the new key, and only then, in
 * one IndexedDB transaction, the vault record and all sealed secrets are replaced. A failure before that
 * (a damaged secret, a weak passphrase) changes nothing, and the transaction writes all or nothing.
 */
export async function changeVaultProtection(
  db: IDBPDatabase<SentryDb>,
  current: SecretStore,
  passphrase: string | null,
  iterations = MIN_PBKDF2_ITERATIONS,
): Promise<SecretStore | VaultError> {
  if (passphrase !== null && passphrase.length < MIN_PASSPHRASE_LENGTH) {
    return vaultError('weak-passphrase', `The passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters.`);
  }
  if (iterations < MIN_PBKDF2_ITERATIONS) throw new RangeError(`PBKDF2 needs at least ${MIN_PBKDF2_ITERATIONS} iterations`);
  const names = (await db.getAllKeys('secrets')).map(String);
  const plain: Array<[string, string]> = [];
  for (const name of names) {
    try {
      const value = await current.get(name);
      if (value !== undefined) plain.push([name, value]);
    } catch {
      return vaultError('damaged', `The saved secret "${name}" cannot be decrypted, so the keys were not moved: remove that account, then try again.`);
    }
  }
  let key: CryptoKey;
  let record: VaultRecord;
  if (passphrase === null) {
    key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    record = { id: 'vault', kind: 'device', key, check: await seal(key, CHECK_TEXT, CHECK_AAD) };
  } else {
    const salt = randomBytes(16);
    key = await derivePassphraseKey(passphrase, salt, iterations);
    record = { id: 'vault', kind: 'passphrase', salt, iterations, check: await seal(key, CHECK_TEXT, CHECK_AAD) };
  }
  const sealed = await Promise.all(plain.map(async ([name, value]) => ({ name, ...(await seal(key, value, secretAad(name))) })));
  // No await between the writes but the transaction's end: IndexedDB commits them together or not at all.
  const tx = db.transaction(['vault', 'secrets'], 'readwrite');
  const writes = [tx.objectStore('vault').put(record), ...sealed.map((s) => tx.objectStore('secrets').put(s))];
  await Promise.all([...writes, tx.done]);
  return secretStore(db, key);
}

/** Forgets the vault and every secret in it (the way out of a forgotten passphrase). */
export async function resetVault(db: IDBPDatabase<SentryDb>): Promise<void> {
  const tx = db.transaction(['vault', 'secrets'], 'readwrite');
  await Promise.all([tx.objectStore('vault').clear(), tx.objectStore('secrets').clear(), tx.done]);
}

const secretAad = (name: string): string => `secret:${name}`;

function secretStore(db: IDBPDatabase<SentryDb>, key: CryptoKey): SecretStore {
  const aad = secretAad;
  return {
    async get(name) {
      const record = await db.get('secrets', name);
      if (record === undefined) return undefined;
      const plain = await open(key, record, aad(name));
      if (plain === undefined) throw new Error(`The saved secret "${name}" is damaged and cannot be decrypted: enter it again.`);
      return plain;
    },
    async put(name, value) {
      if (name.length === 0 || name.length > 256) throw new RangeError('a secret needs a name of 1..256 characters');
      await db.put('secrets', { name, ...(await seal(key, value, aad(name))) });
    },
    async delete(name) {
      await db.delete('secrets', name);
    },
    async names() {
      return db.getAllKeys('secrets');
    },
  };
}
