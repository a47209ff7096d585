import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { SecretStore } from '../../shared/ports/secret-store.ts';
import { openStore } from './open-store.ts';
import { changeVaultProtection, createDeviceVault, isVaultError, unlockVault, vaultKind, type VaultError } from './secret-vault.ts';

/** Moving the saved keys between the device key and a passphrase: all of them move, or none. */
async function freshDb() {
  const o = await openStore({ name: `vault-move-${Math.random().toString(36).slice(2)}` });
  if (o.db === null) throw new Error('no db');
  return o.db;
}
const store = (v: SecretStore | VaultError): SecretStore => {
  if (isVaultError(v)) throw new Error(v.message);
  return v;
};
const SECRETS = { 'account:binance:main:apiSecret': 's3cret-b', 'account:okx:x:passphrase': 'okx-pass', 'push:phone-vapid': '{"d":"x"}' };

describe('changeVaultProtection', () => {
  it('moves every secret from the device key to a passphrase and back', async () => {
    const db = await freshDb();
    const device = store(await createDeviceVault(db));
    for (const [k, v] of Object.entries(SECRETS)) await device.put(k, v);

    const locked = store(await changeVaultProtection(db, device, 'a long passphrase'));
    expect(await vaultKind(db)).toBe('passphrase');
    for (const [k, v] of Object.entries(SECRETS)) expect(await locked.get(k)).toBe(v);
    // Now it needs the passphrase; the wrong one opens nothing.
    expect(isVaultError(await unlockVault(db)) && ((await unlockVault(db)) as VaultError).reason).toBe('needs-passphrase');
    expect(((await unlockVault(db, 'wrong passphrase')) as VaultError).reason).toBe('wrong-passphrase');
    const reopened = store(await unlockVault(db, 'a long passphrase'));
    for (const [k, v] of Object.entries(SECRETS)) expect(await reopened.get(k)).toBe(v);

    const back = store(await changeVaultProtection(db, reopened, null));
    expect(await vaultKind(db)).toBe('device');
    const opened = store(await unlockVault(db));
    for (const [k, v] of Object.entries(SECRETS)) expect(await opened.get(k)).toBe(v);
    expect(await back.get('push:phone-vapid')).toBe(SECRETS['push:phone-vapid']);
  });

  it('a weak passphrase or a damaged secret changes nothing: the old vault still opens every good secret', async () => {
    const db = await freshDb();
    const device = store(await createDeviceVault(db));
    for (const [k, v] of Object.entries(SECRETS)) await device.put(k, v);
    expect(((await changeVaultProtection(db, device, 'short')) as VaultError).reason).toBe('weak-passphrase');
    // A secret whose bytes were changed behind the vault's back: the move is refused, naming it.
    const damaged = await db.get('secrets', 'account:okx:x:passphrase');
    await db.put('secrets', { ...damaged!, ciphertext: new Uint8Array(damaged!.ciphertext.length) });
    const refused = (await changeVaultProtection(db, device, 'a long passphrase')) as VaultError;
    expect(refused.reason).toBe('damaged');
    expect(refused.message).toContain('account:okx:x:passphrase');
    expect(refused.message).not.toContain('okx-pass');
    expect(await vaultKind(db)).toBe('device');
    const opened = store(await unlockVault(db));
    expect(await opened.get('account:binance:main:apiSecret')).toBe(SECRETS['account:binance:main:apiSecret']);
  });
});
