import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SecretStore } from '../../shared/ports/secret-store.ts';
import { openStore } from './open-store.ts';
import {
  createDeviceVault,
  createPassphraseVault,
  isVaultError,
  MIN_PBKDF2_ITERATIONS,
  resetVault,
  unlockVault,
  vaultKind,
  type VaultError,
} from './secret-vault.ts';

const SECRET = 'api-secret-7f3a9c';

async function freshDb() {
  const o = await openStore({ name: `vault-${Math.random().toString(36).slice(2)}` });
  if (o.db === null) throw new Error('no db');
  return o.db;
}

function store(v: SecretStore | VaultError): SecretStore {
  if (isVaultError(v)) throw new Error(v.message);
  return v;
}

afterEach(() => vi.restoreAllMocks());

describe('secret vault', () => {
  it('keeps a secret under a passphrase: ciphertext at rest, the value back after unlocking', async () => {
    const db = await freshDb();
    await store(await createPassphraseVault(db, 'correct horse battery')).put('binance.secret', SECRET);
    const record = await db.get('secrets', 'binance.secret');
    expect(record?.iv.length).toBe(12);
    expect(new TextDecoder().decode(record?.ciphertext)).not.toContain(SECRET);
    const vault = await db.get('vault', 'vault');
    expect(vault?.kind === 'passphrase' && vault.iterations).toBe(MIN_PBKDF2_ITERATIONS);

    const unlocked = store(await unlockVault(db, 'correct horse battery'));
    expect(await unlocked.get('binance.secret')).toBe(SECRET);
    expect(await unlocked.get('missing')).toBeUndefined();
    expect(await unlocked.names()).toEqual(['binance.secret']);
    db.close();
  });

  it('says "wrong passphrase" plainly, changes nothing, and never logs the secret', async () => {
    const db = await freshDb();
    const logs = [vi.spyOn(console, 'log'), vi.spyOn(console, 'error'), vi.spyOn(console, 'warn'), vi.spyOn(console, 'info'), vi.spyOn(console, 'debug')];
    await store(await createPassphraseVault(db, 'correct horse battery')).put('okx.passphrase', SECRET);
    const wrong = await unlockVault(db, 'correct horse batterY');
    expect(wrong).toEqual({
      kind: 'vault-error',
      reason: 'wrong-passphrase',
      message: 'Wrong passphrase: the saved keys could not be decrypted. Nothing was changed.',
    });
    expect(await db.count('secrets')).toBe(1);
    expect(await store(await unlockVault(db, 'correct horse battery')).get('okx.passphrase')).toBe(SECRET);
    for (const spy of logs) expect(JSON.stringify(spy.mock.calls)).not.toContain(SECRET);
    db.close();
  });

  it('refuses a short passphrase, a missing one, a second vault, and a downgraded iteration count', async () => {
    const db = await freshDb();
    expect((await createPassphraseVault(db, 'short')) as VaultError).toMatchObject({ reason: 'weak-passphrase' });
    await expect(createPassphraseVault(db, 'long enough pass', 1000)).rejects.toThrow(/600000 iterations/);
    store(await createPassphraseVault(db, 'long enough pass'));
    expect((await createPassphraseVault(db, 'another pass phrase')) as VaultError).toMatchObject({ reason: 'exists' });
    expect((await unlockVault(db)) as VaultError).toMatchObject({ reason: 'needs-passphrase' });
    const record = await db.get('vault', 'vault');
    if (record?.kind !== 'passphrase') throw new Error('expected a passphrase vault');
    await db.put('vault', { ...record, iterations: 1 });
    expect((await unlockVault(db, 'long enough pass')) as VaultError).toMatchObject({ reason: 'damaged' });
    db.close();
  });

  it('binds each ciphertext to its name: a record copied under another name does not decrypt', async () => {
    const db = await freshDb();
    const s = store(await createPassphraseVault(db, 'correct horse battery'));
    await s.put('bybit.secret', SECRET);
    const record = await db.get('secrets', 'bybit.secret');
    await db.put('secrets', { ...record!, name: 'bybit.key' });
    await expect(s.get('bybit.key')).rejects.toThrow('The saved secret "bybit.key" is damaged and cannot be decrypted: enter it again.');
    db.close();
  });

  it('keeps a non-extractable device key in IndexedDB when the user opts out of a passphrase', async () => {
    const db = await freshDb();
    await store(await createDeviceVault(db)).put('hyperliquid.address', SECRET);
    expect(await vaultKind(db)).toBe('device');
    const vault = await db.get('vault', 'vault');
    expect(vault?.kind === 'device' && vault.key.extractable).toBe(false);
    if (vault?.kind === 'device') await expect(crypto.subtle.exportKey('raw', vault.key)).rejects.toThrow();
    expect(await store(await unlockVault(db)).get('hyperliquid.address')).toBe(SECRET);
    db.close();
  });

  it('reset forgets the vault and every secret', async () => {
    const db = await freshDb();
    await store(await createDeviceVault(db)).put('a', 'b');
    await resetVault(db);
    expect(await vaultKind(db)).toBe('none');
    expect(await db.count('secrets')).toBe(0);
    expect((await unlockVault(db)) as VaultError).toMatchObject({ reason: 'no-vault' });
    db.close();
  });
});
