import type { VenueId } from '../../../shared/engine/positions/account.ts';
import type { KeyCheck } from '../../../shared/exchanges/key-check.ts';
import type { SecretStore } from '../../../shared/ports/secret-store.ts';
import type { VenueAccess } from '../../../shared/ports/venue-adapter.ts';
import { isFieldError } from '../../../shared/units/field-error.ts';
import { parseAccountForm, type AccountForm } from './settings-model.ts';
import { secretName, SECRET_FIELDS, type PwaSettings, type SecretField } from '../../platform/settings-record.ts';

/**
 * What the Settings screen needs from the app, injected so the screen is one line to wire and the
 * browser test can hand it the simulator: the settings record's load and save, the vault (or why
 * there is none yet), and the key check bound to the venue endpoints and fetch.
 */
export interface SettingsStore {
  load(): Promise<unknown>;
  save(settings: PwaSettings): Promise<void>;
}

export interface SettingsPorts {
  readonly store: SettingsStore;
  /** The unlocked vault, or the sentence saying why keys cannot be kept now (locked, no storage). */
  vault(): Promise<SecretStore | string>;
  checkKey(venue: VenueId, access: VenueAccess): Promise<KeyCheck>;
}

export type SaveOutcome = { readonly ok: true; readonly settings: PwaSettings; readonly message: string } | { readonly ok: false; readonly field: string | null; readonly message: string };

/**
 * Adds an account: the form parsed (first bad field named), the key checked against its venue (a
 * wrong key, a trading key or an unreachable venue keeps nothing), the secrets put in the vault, then
 * the record saved; a failing save takes the secrets back out, so nothing is saved half.
 */
export async function addAccount(form: AccountForm, current: PwaSettings, ports: SettingsPorts): Promise<SaveOutcome> {
  const parsed = parseAccountForm(form, new Set(current.accounts.map((a) => a.id)));
  if (isFieldError(parsed)) return { ok: false, field: parsed.field, message: parsed.message };
  const { account, secrets } = parsed;
  let note = account.source === 'manual' ? 'Saved as a plan: positions typed by hand.' : '';
  if (account.source === 'keys') {
    const check = await ports.checkKey(account.venue, { ...secrets, ...(account.address === null ? {} : { address: account.address }) });
    if (!check.ok) {
      const field = check.reason === 'missing' ? (check.message.split(':')[0] ?? null) : null;
      return { ok: false, field, message: check.reason === 'missing' ? check.message.slice(check.message.indexOf(':') + 2) : check.message };
    }
    note = check.message;
  }
  const names = SECRET_FIELDS[account.venue].filter((f) => secrets[f] !== undefined);
  let vault: SecretStore | null = null;
  if (account.source === 'keys' && names.length > 0) {
    const v = await ports.vault();
    if (typeof v === 'string') return { ok: false, field: null, message: v };
    vault = v;
  }
  const next: PwaSettings = { ...current, accounts: [...current.accounts, account] };
  const put: SecretField[] = [];
  try {
    for (const f of names) {
      await vault!.put(secretName(account.id, f), secrets[f]!);
      put.push(f);
    }
    await ports.store.save(next);
  } catch (e) {
    for (const f of put) await vault!.delete(secretName(account.id, f)).catch(() => undefined);
    return { ok: false, field: null, message: `Nothing was saved: ${e instanceof Error ? e.message : 'the device store refused the write'}.` };
  }
  return { ok: true, settings: next, message: `${account.label} saved. ${note}`.trim() };
}

/** Removes an account and its secrets. */
export async function removeAccount(accountId: string, current: PwaSettings, ports: SettingsPorts): Promise<SaveOutcome> {
  const account = current.accounts.find((a) => a.id === accountId);
  if (account === undefined) return { ok: false, field: null, message: `No account ${accountId}.` };
  const next: PwaSettings = { ...current, accounts: current.accounts.filter((a) => a.id !== accountId) };
  try {
    await ports.store.save(next);
  } catch (e) {
    return { ok: false, field: null, message: `Nothing was changed: ${e instanceof Error ? e.message : 'the device store refused the write'}.` };
  }
  const v = SECRET_FIELDS[account.venue].length > 0 && account.source === 'keys' ? await ports.vault() : null;
  if (v !== null && typeof v !== 'string') for (const f of SECRET_FIELDS[account.venue]) await v.delete(secretName(account.id, f));
  return { ok: true, settings: next, message: `${account.label} removed.` };
}
