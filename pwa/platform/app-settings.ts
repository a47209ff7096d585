import { policyOverridesAt } from '../../shared/engine/monitor/parse-policy-overrides.ts';
import { VENUE_IDS, type VenueId } from '../../shared/engine/positions/account.ts';
import { readFields, refuse, type FieldError } from '../../shared/units/field-error.ts';
import { arr, at, bool, item, name, oneOf, str, strictObj } from '../../shared/units/field-readers.ts';
import type { PlainData } from './plain-data.ts';

/**
 * The app's settings as kept in the IndexedDB `settings` store under the name `app` (one record): what
 * the monitor worker reads (accounts, their ladders and targets, demo mode) and the Settings screen
 * writes. Plain data; secrets are never here, only the name of the vault entry that holds them.
 *
 *   { version: 1,
 *     demo: { enabled, simulatorOrigin },          simulatorOrigin null: the page's own origin decides
 *     accounts: [{ id, venue, label, source, secretName, address, policy }] }
 *
 * `policy` is the monitor's settings JSON exactly as `parsePolicyOverrides` reads it (ladder, target,
 * quietHours, ...), stored as the user wrote it and checked here, so a bad ladder is refused by path
 * (`accounts[0].policy.ladder[1].level`) before any monitor sees it.
 */
export const APP_SETTINGS_NAME = 'app';
export const APP_SETTINGS_VERSION = 1;

/** `live`: keys in the vault; `demo`: the simulator's demo account of that venue; `manual`: typed positions (what-if). */
export type AccountSource = 'live' | 'demo' | 'manual';

export interface AccountSetting {
  /** The monitor's account id (`binance:main`): the prefix of every alert id, so keep it stable. */
  readonly id: string;
  readonly venue: VenueId;
  readonly label: string;
  readonly source: AccountSource;
  /** Name of the vault entry holding the key, secret (and OKX passphrase). null: no keys (demo, manual, Hyperliquid). */
  readonly secretName: string | null;
  /** Hyperliquid's account address (public). null elsewhere. */
  readonly address: string | null;
  /** Monitor settings JSON (parse-policy-overrides.ts); `{}` is the defaults. */
  readonly policy: { readonly [key: string]: PlainData };
}

export interface AppSettings {
  readonly version: typeof APP_SETTINGS_VERSION;
  readonly demo: {
    readonly enabled: boolean;
    /** `http://127.0.0.1:8780`. null: the `sim` query parameter, else the page's own origin. */
    readonly simulatorOrigin: string | null;
  };
  readonly accounts: readonly AccountSetting[];
}

/** The four demo accounts of the local simulator, one per venue, default policy. */
export const DEMO_ACCOUNTS: readonly AccountSetting[] = VENUE_IDS.map((venue) => ({
  id: `${venue}:demo`,
  venue,
  label: `${venue[0]?.toUpperCase() ?? ''}${venue.slice(1)} demo`,
  source: 'demo',
  secretName: null,
  address: null,
  policy: {},
}));

/** What a fresh install runs: demo mode on the simulator's four accounts. */
export const DEFAULT_APP_SETTINGS: AppSettings = {
  version: APP_SETTINGS_VERSION,
  demo: { enabled: true, simulatorOrigin: null },
  accounts: DEMO_ACCOUNTS,
};

const ACCOUNT_FIELDS = ['id', 'venue', 'label', 'source', 'secretName', 'address', 'policy'] as const;

function originAt(raw: unknown, path: string): string | null {
  if (raw === null) return null;
  const s = str(raw, path);
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return refuse(path, `expected an http(s) origin such as "http://127.0.0.1:8780", got ${JSON.stringify(s.slice(0, 40))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') refuse(path, `expected an http(s) origin, got ${url.protocol}`);
  return url.origin;
}

const nullOr = <T>(raw: unknown, read: () => T): T | null => (raw === null ? null : read());

function accountAt(raw: unknown, path: string): AccountSetting {
  const o = strictObj(raw, path, ACCOUNT_FIELDS);
  const id = name(o['id'], at(path, 'id'));
  if (!/^[a-z]+:[A-Za-z0-9_.-]+$/.test(id)) refuse(at(path, 'id'), `expected "<venue>:<name>", got ${JSON.stringify(id)}`);
  const venue = oneOf(o['venue'], at(path, 'venue'), VENUE_IDS);
  if (!id.startsWith(`${venue}:`)) refuse(at(path, 'id'), `must start with "${venue}:"`);
  const policyRaw = o['policy'];
  // Checked through the monitor's own reader; stored as written (plain JSON).
  policyOverridesAt(policyRaw, at(path, 'policy'));
  return {
    id,
    venue,
    label: name(o['label'], at(path, 'label')),
    source: oneOf(o['source'], at(path, 'source'), ['live', 'demo', 'manual'] as const),
    secretName: nullOr(o['secretName'], () => name(o['secretName'], at(path, 'secretName'))),
    address: nullOr(o['address'], () => name(o['address'], at(path, 'address'))),
    policy: policyRaw as AccountSetting['policy'],
  };
}

export function appSettingsAt(raw: unknown, path: string): AppSettings {
  const o = strictObj(raw, path, ['version', 'demo', 'accounts']);
  if (o['version'] !== APP_SETTINGS_VERSION) refuse(at(path, 'version'), `expected ${APP_SETTINGS_VERSION}, got ${JSON.stringify(o['version'])}`);
  const d = strictObj(o['demo'], at(path, 'demo'), ['enabled', 'simulatorOrigin']);
  const accounts = arr(o['accounts'], at(path, 'accounts')).map((a, i) => accountAt(a, item(at(path, 'accounts'), i)));
  const seen = new Set<string>();
  accounts.forEach((a, i) => {
    if (seen.has(a.id)) refuse(at(item(at(path, 'accounts'), i), 'id'), `${a.id} is used twice`);
    seen.add(a.id);
  });
  return {
    version: APP_SETTINGS_VERSION,
    demo: { enabled: bool(d['enabled'], at(at(path, 'demo'), 'enabled')), simulatorOrigin: originAt(d['simulatorOrigin'], at(at(path, 'demo'), 'simulatorOrigin')) },
    accounts,
  };
}

/** The stored `app` setting, or the first bad field (`accounts[1].venue: expected one of ...`). */
export const parseAppSettings = (raw: unknown): AppSettings | FieldError => readFields(() => appSettingsAt(raw, ''));
