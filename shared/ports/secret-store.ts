/**
 * Where a home keeps the venue credentials (API key, secret, OKX passphrase). The feed reads them to sign
 * requests and passes them straight to the signer; nothing in shared/ keeps, logs or serialises them.
 * The PWA implements it with AES-GCM over IndexedDB (pwa/platform/secret-vault.ts); a locked store
 * refuses with an error rather than answering undefined, so "locked" is never mistaken for "no key".
 */
export interface SecretStore {
  /** The secret saved under `name`, or undefined when there is none. */
  get(name: string): Promise<string | undefined>;
  put(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
  /** Names only, never values. */
  names(): Promise<readonly string[]>;
}
