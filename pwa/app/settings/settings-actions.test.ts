import { describe, expect, it } from 'vitest';
import type { KeyCheck } from '../../../shared/exchanges/key-check.ts';
import type { SecretStore } from '../../../shared/ports/secret-store.ts';
import { addAccount, removeAccount, type SettingsPorts } from './settings-actions.ts';
import { EMPTY_ACCOUNT_FORM } from './settings-model.ts';
import { DEFAULT_SETTINGS, type PwaSettings } from '../../platform/settings-record.ts';

function ports(check: KeyCheck, failSave = false) {
  const secrets = new Map<string, string>();
  const saved: PwaSettings[] = [];
  const vault: SecretStore = { get: async (n) => secrets.get(n), put: async (n, v) => void secrets.set(n, v), delete: async (n) => void secrets.delete(n), names: async () => [...secrets.keys()] };
  const p: SettingsPorts = {
    store: {
      load: async () => undefined,
      save: async (s) => {
        if (failSave) throw new Error('QuotaExceededError');
        saved.push(s);
      },
    },
    vault: async () => vault,
    checkKey: async () => check,
  };
  return { p, secrets, saved };
}
const form = { ...EMPTY_ACCOUNT_FORM, label: 'Main', venue: 'bybit', apiKey: 'k', apiSecret: 's' };

describe('addAccount', () => {
  it('keeps a read-only key: secrets in the vault, the record without them', async () => {
    const { p, secrets, saved } = ports({ ok: true, message: 'Bybit accepted the key, and it is read-only.' });
    const r = await addAccount(form, DEFAULT_SETTINGS, p);
    expect(r).toMatchObject({ ok: true, message: 'Main saved. Bybit accepted the key, and it is read-only.' });
    expect([...secrets.keys()]).toEqual(['account:bybit:main:apiKey', 'account:bybit:main:apiSecret']);
    expect(JSON.stringify(saved)).not.toMatch(/"k"|"s"/);
  });
  it('keeps nothing when the venue refuses the key or the key can trade', async () => {
    for (const reason of ['refused', 'can-trade', 'unreachable'] as const) {
      const { p, secrets, saved } = ports({ ok: false, reason, message: `no (${reason})` });
      expect(await addAccount(form, DEFAULT_SETTINGS, p)).toEqual({ ok: false, field: null, message: `no (${reason})` });
      expect(secrets.size + saved.length).toBe(0);
    }
  });
  it('takes the secrets back out when the record cannot be saved', async () => {
    const { p, secrets } = ports({ ok: true, message: 'ok' }, true);
    expect(await addAccount(form, DEFAULT_SETTINGS, p)).toMatchObject({ ok: false, message: 'Nothing was saved: QuotaExceededError.' });
    expect(secrets.size).toBe(0);
  });
  it('names the bad field before any check', async () => {
    const { p, saved } = ports({ ok: true, message: 'ok' });
    expect(await addAccount({ ...form, ladder: 'x' }, DEFAULT_SETTINGS, p)).toMatchObject({ ok: false, field: 'ladder' });
    expect(saved).toEqual([]);
  });
  it('removes an account and its secrets', async () => {
    const { p, secrets } = ports({ ok: true, message: 'ok' });
    const added = await addAccount(form, DEFAULT_SETTINGS, p);
    if (!added.ok) throw new Error(added.message);
    const removed = await removeAccount('bybit:main', added.settings, p);
    expect(removed).toMatchObject({ ok: true });
    expect(secrets.size).toBe(0);
  });
});
