import { DEFAULT_LADDER } from '../../shared/engine/alerts/alert-ladder.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import type { PlainData } from './plain-data.ts';
import { DEFAULT_SETTINGS, parseSettings, SETTINGS_NAME, SETTINGS_VERSION, type AccountSettings, type PwaSettings } from './settings-record.ts';

/**
 * Brings the settings of an older database to the one record of settings-record.ts (version 2).
 * Before it there were two: the Settings screen's `app-settings` (version 1, no `simulatorOrigin`) and
 * the monitor worker's `app` (its own shape: `{version: 1, demo: {enabled, simulatorOrigin},
 * accounts: [{id, venue, label, source: live|demo|manual, secretName, address, policy}]}`).
 *
 * What is carried over: the `app-settings` record as it was plus `simulatorOrigin`; from `app`, demo
 * mode (when there was no `app-settings`), the simulator origin, and each `live` account the other
 * record does not already have (ladder and target read from its policy; its keys must be entered
 * again, the vault names them differently). `demo` accounts are what demo mode watches anyway. An
 * `app` record with anything that cannot be carried (a `manual` account had no positions in that
 * shape, a policy the new record cannot express) is left where it is, so nothing is lost.
 *
 * Pure: the database migration (db-schema.ts) and the rebuild of a damaged database (open-store.ts)
 * both run it over the `settings` store's records.
 */
export const LEGACY_APP_SETTINGS_NAME = 'app';

/** A record of the `settings` store (db-schema.ts `SettingRecord`, restated: the schema imports this file). */
export interface SettingRecord {
  readonly name: string;
  readonly value: PlainData;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The ladder levels of a legacy policy, when it names exactly the default ladder's tiers by level. */
function legacyLadder(policy: Obj): number[] | null {
  if (policy['ladder'] === undefined) return DEFAULT_LADDER.map((t) => t.level);
  const ladder = policy['ladder'];
  if (!Array.isArray(ladder) || ladder.length !== DEFAULT_LADDER.length) return null;
  const levels = ladder.map((t: unknown) => (isObj(t) && typeof t['level'] === 'number' ? t['level'] : NaN));
  return levels.every((l) => Number.isFinite(l)) ? levels : null;
}

/** A legacy `live` account in the new shape, or null when it cannot be expressed there. */
function legacyAccount(raw: unknown): AccountSettings | null {
  if (!isObj(raw) || !isObj(raw['policy'])) return null;
  const { id, venue, label, address } = raw;
  if (typeof id !== 'string' || typeof venue !== 'string' || typeof label !== 'string') return null;
  const extra = Object.keys(raw['policy']).filter((k) => k !== 'ladder' && k !== 'target');
  const ladder = legacyLadder(raw['policy']);
  const target = raw['policy']['target'] ?? null;
  if (extra.length > 0 || ladder === null || (target !== null && typeof target !== 'number')) return null;
  const account = {
    id,
    label,
    venue,
    source: 'keys',
    address: typeof address === 'string' ? address.toLowerCase() : null,
    ladder,
    target,
    manual: null,
  } as AccountSettings;
  // The record's own parser is the judge of what the account became.
  return isFieldError(parseSettings({ ...DEFAULT_SETTINGS, accounts: [account] })) ? null : account;
}

/** The settings records after the migration; records of other names pass through unchanged. */
export function migrateSettingRecords(records: readonly SettingRecord[]): SettingRecord[] {
  const current = records.find((r) => r.name === SETTINGS_NAME)?.value;
  const legacy = records.find((r) => r.name === LEGACY_APP_SETTINGS_NAME)?.value;
  const others = records.filter((r) => r.name !== SETTINGS_NAME && r.name !== LEGACY_APP_SETTINGS_NAME);

  let next: Obj | undefined = isObj(current) ? { ...current } : undefined;
  // A version 1 record gains the field version 2 added; anything else is left for parseSettings to judge.
  if (next !== undefined && next['version'] === 1 && !('simulatorOrigin' in next)) next = { ...next, version: SETTINGS_VERSION, simulatorOrigin: null };
  let legacyCarried = legacy === undefined;
  const legacyObj = isObj(legacy) && legacy['version'] === 1 && isObj(legacy['demo']) && Array.isArray(legacy['accounts']) ? legacy : null;
  if (legacyObj !== null && (next === undefined || next['version'] === SETTINGS_VERSION)) {
    const demo = legacyObj['demo'] as Obj;
    const base: Obj = next ?? { ...DEFAULT_SETTINGS, demoMode: demo['enabled'] === true };
    const origin = typeof demo['simulatorOrigin'] === 'string' ? demo['simulatorOrigin'] : null;
    const accounts = Array.isArray(base['accounts']) ? [...(base['accounts'] as unknown[])] : [];
    const ids = new Set(accounts.map((a) => (isObj(a) ? a['id'] : undefined)));
    let lost = false;
    for (const raw of legacyObj['accounts'] as unknown[]) {
      const source = isObj(raw) ? raw['source'] : undefined;
      if (source === 'demo') continue;
      const account = source === 'live' ? legacyAccount(raw) : null;
      if (account === null) lost = true;
      else if (!ids.has(account.id)) {
        accounts.push(account);
        ids.add(account.id);
      }
    }
    next = { ...base, accounts, simulatorOrigin: base['simulatorOrigin'] ?? origin } satisfies Partial<Record<keyof PwaSettings, unknown>>;
    legacyCarried = !lost;
  }
  const out = [...others];
  if (next !== undefined) out.push({ name: SETTINGS_NAME, value: next as PlainData });
  if (!legacyCarried) out.push({ name: LEGACY_APP_SETTINGS_NAME, value: legacy as PlainData });
  return out;
}
