import { DEFAULT_LADDER } from '../../shared/engine/alerts/alert-ladder.ts';
import { VENUE_IDS, type VenueId } from '../../shared/engine/positions/account.ts';
import { parsePolicyOverrides } from '../../shared/engine/monitor/parse-policy-overrides.ts';
import { parseAccountInput } from '../../shared/exchanges/parse-account-input.ts';
import { isFieldError, readFields, refuse, underField, type FieldError } from '../../shared/units/field-error.ts';
import { arr, at, bool, checked, item, jsonNumber, oneOf, str, strictObj } from '../../shared/units/field-readers.ts';

/**
 * The PWA's settings: one plain record in the IndexedDB `settings` store (name `SETTINGS_NAME`),
 * written by the Settings screen and read by the page that drives the monitor worker. Secrets are
 * never in it: the API key, secret and OKX passphrase of an account live in the vault under
 * `secretName(accountId, field)`, the relay's token under `RELAY_TOKEN_SECRET`.
 *
 * `parseSettings` reads it back (untrusted: a corrupt store is refused by path). Older records are
 * brought to this shape by the database migration (settings-migration.ts), never here.
 */
export const SETTINGS_NAME = 'app-settings';
/** 2: `simulatorOrigin` added, and the worker's former `app` record folded in (settings-migration.ts). */
export const SETTINGS_VERSION = 2;
export const RELAY_TOKEN_SECRET = 'relay:token';

export type SecretField = 'apiKey' | 'apiSecret' | 'passphrase';
export const secretName = (accountId: string, field: SecretField): string => `account:${accountId}:${field}`;
/** The secret fields a venue's read-only key has (Hyperliquid: none, only a public address). */
export const SECRET_FIELDS: Readonly<Record<VenueId, readonly SecretField[]>> = {
  binance: ['apiKey', 'apiSecret'],
  bybit: ['apiKey', 'apiSecret'],
  okx: ['apiKey', 'apiSecret', 'passphrase'],
  hyperliquid: [],
};

/** A hand-typed position: the calc document's position (docs/replay-and-calc.md), numbers as numbers. */
export interface ManualPosition {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly qty: number;
  readonly entryPrice: number;
  readonly markPrice: number;
  readonly marginMode: 'cross' | 'isolated';
  readonly leverage?: number;
  readonly isolatedMargin?: number;
  /** One maintenance rate for the whole position (a one-tier table). */
  readonly tiers: readonly { readonly floor: number; readonly mmr: number }[];
}

export interface AccountSettings {
  /** `<venue>:<label slug>`, e.g. `binance:main`; unique. */
  readonly id: string;
  readonly label: string;
  readonly venue: VenueId;
  /** `keys`: read through the venue with a read-only key (or an address); `manual`: typed by hand. */
  readonly source: 'keys' | 'manual';
  /** Hyperliquid's account address (public); null otherwise. */
  readonly address: string | null;
  /** Rho levels of Watch, Margin call, Critical, Liquidation, rising (default 0.5, 0.8, 0.9, 1). */
  readonly ladder: readonly number[];
  /** Rho the suggestions aim for; null: the lowest tier. */
  readonly target: number | null;
  /** Manual accounts: the wallet and positions, as the calc document has them. Null for `keys`. */
  readonly manual: { readonly walletBalance: number; readonly positions: readonly ManualPosition[] } | null;
}

export interface QuietHoursSetting {
  /** "HH:MM", local time of the phone. */
  readonly start: string;
  readonly end: string;
}

export interface PwaSettings {
  readonly version: typeof SETTINGS_VERSION;
  /** Watch the simulator's demo accounts, no keys. */
  readonly demoMode: boolean;
  readonly quietHours: QuietHoursSetting | null;
  readonly accounts: readonly AccountSettings[];
  /** The paired relay (its token is in the vault), or null. */
  readonly relay: { readonly url: string; readonly deviceId: string } | null;
  /**
   * Where every venue endpoint points instead of the real venues (`http://127.0.0.1:8780`: the local
   * simulator), or null. The page's `?sim=` wins over it (docs/pwa.md, "What is watched").
   */
  readonly simulatorOrigin: string | null;
}

export const DEFAULT_SETTINGS: PwaSettings = { version: SETTINGS_VERSION, demoMode: true, quietHours: null, accounts: [], relay: null, simulatorOrigin: null };


// ---- the policy the worker and the relay receive for an account ------------------------------------

/**
 * The ladder as policy JSON: each level keeps its default tier's behaviour (push, quiet-hours bypass,
 * grace, reminders, forecast), so moving Critical to 0.85 still lets it through quiet hours.
 */
const ladderPolicy = (levels: readonly number[]): Record<string, unknown>[] =>
  levels.map((level, i) => {
    const tier = DEFAULT_LADDER[i] ?? DEFAULT_LADDER[DEFAULT_LADDER.length - 1]!;
    return { ...tier, level, ...(tier.predict === null ? { predict: null } : { predict: { ...tier.predict } }) };
  });

/** The account's ladder and target as the policy JSON the engine's policy parser reads. */
export function policyOf(account: Pick<AccountSettings, 'ladder' | 'target'>, quietHours: QuietHoursSetting | null): Record<string, unknown> {
  return {
    ladder: ladderPolicy(account.ladder),
    target: account.target,
    quietHours: quietHours === null ? null : { start: quietHours.start, end: quietHours.end, utcOffsetMinutes: -new Date().getTimezoneOffset() },
  };
}

/** "HH:MM" (one digit hours allowed), as "HH:MM"; the refusal names `field`. */
export const timeOfDay = (text: string, field: string): string => {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (m === null || Number(m[1]) > 23 || Number(m[2]) > 59) refuse(field, `expected a time of day "HH:MM", got "${text.trim().slice(0, 20)}"`);
  return `${m[1]!.padStart(2, '0')}:${m[2]}`;
};

/** The relay's base URL: https, or http on loopback (a relay on this machine). */
export const parseRelayUrl = (text: string): string | FieldError =>
  readFields(() => {
    const t = text.trim().replace(/\/+$/, '');
    let url: URL;
    try {
      url = new URL(t);
    } catch {
      return refuse('relayUrl', `expected a URL such as https://relay.example.com, got "${t.slice(0, 60)}"`);
    }
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) refuse('relayUrl', 'expected https:// (plain http only for a relay on this machine)');
    if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') refuse('relayUrl', 'expected a plain base URL, without query, fragment or credentials');
    return t;
  });

// ---- the stored record -------------------------------------------------------------------------------

const ACCOUNT_KEYS = ['id', 'label', 'venue', 'source', 'address', 'ladder', 'target', 'manual'];

function storedAccountAt(raw: unknown, path: string): AccountSettings {
  const o = strictObj(raw, path, ACCOUNT_KEYS);
  const f = (k: string): string => at(path, k);
  const id = checked(str(o['id'], f('id')), f('id'), (s) => s.length > 0 && s.length <= 100, 'an id of 1..100 characters');
  const label = checked(str(o['label'], f('label')), f('label'), (s) => s.trim().length > 0 && s.length <= 40, 'a name of 1..40 characters');
  const venue = oneOf(o['venue'], f('venue'), VENUE_IDS);
  const source = oneOf(o['source'], f('source'), ['keys', 'manual'] as const);
  const address = o['address'] === null ? null : checked(str(o['address'], f('address')), f('address'), (s) => /^0x[0-9a-f]{40}$/.test(s), 'an address 0x + 40 hex digits');
  const ladder = arr(o['ladder'], f('ladder')).map((l, i) => jsonNumber(l, item(f('ladder'), i)));
  if (ladder.length !== DEFAULT_LADDER.length) refuse(f('ladder'), `expected ${DEFAULT_LADDER.length} levels`);
  // Names go by position, so the levels must already rise (the policy parser would sort them).
  ladder.forEach((l, i) => {
    if (i > 0 && !(l > ladder[i - 1]!)) refuse(item(f('ladder'), i), `levels must rise: ${l} comes after ${ladder[i - 1]}`);
  });
  const target = o['target'] === null ? null : jsonNumber(o['target'], f('target'));
  // The engine's policy parser is the judge of the ladder and target.
  const policy = parsePolicyOverrides({ ladder: ladderPolicy(ladder), target }, path);
  if (isFieldError(policy)) refuse(policy.field, policy.message);
  let manual: AccountSettings['manual'] = null;
  if (source === 'manual') {
    const m = strictObj(o['manual'], f('manual'), ['walletBalance', 'positions']);
    const input = parseAccountInput({ exchange: venue, walletBalance: m['walletBalance'], positions: m['positions'] });
    if (isFieldError(input)) {
      const e = underField(f('manual'), input);
      refuse(e.field, e.message);
    }
    manual = { walletBalance: m['walletBalance'] as number, positions: m['positions'] as ManualPosition[] };
  } else if (o['manual'] !== null) {
    refuse(f('manual'), 'expected null for an account read through its venue');
  }
  if (venue === 'hyperliquid' && source === 'keys' && address === null) refuse(f('address'), 'required for a Hyperliquid account');
  return { id, label, venue, source, address, ladder, target, manual };
}

/** An http(s) origin (`http://127.0.0.1:8780/x` is kept as its origin), or the refusal naming `field`. */
export function originAt(raw: unknown, field: string): string {
  const s = str(raw, field);
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return refuse(field, `expected an http(s) origin such as "http://127.0.0.1:8780", got "${s.slice(0, 40)}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') refuse(field, `expected an http(s) origin, got ${url.protocol}`);
  return url.origin;
}

function settingsAt(raw: unknown): PwaSettings {
  const o = strictObj(raw, '', ['version', 'demoMode', 'quietHours', 'accounts', 'relay', 'simulatorOrigin']);
  if (o['version'] !== SETTINGS_VERSION) refuse('version', `expected ${SETTINGS_VERSION}, got ${String(o['version']).slice(0, 20)}`);
  const demoMode = bool(o['demoMode'], 'demoMode');
  let quietHours: QuietHoursSetting | null = null;
  if (o['quietHours'] !== null) {
    const q = strictObj(o['quietHours'], 'quietHours', ['start', 'end']);
    quietHours = { start: timeOfDay(str(q['start'], 'quietHours.start'), 'quietHours.start'), end: timeOfDay(str(q['end'], 'quietHours.end'), 'quietHours.end') };
  }
  const accounts = arr(o['accounts'], 'accounts').map((a, i) => storedAccountAt(a, item('accounts', i)));
  const ids = new Set<string>();
  accounts.forEach((a, i) => {
    if (ids.has(a.id)) refuse(item('accounts', i) + '.id', `duplicate account id ${a.id}`);
    ids.add(a.id);
  });
  let relay: PwaSettings['relay'] = null;
  if (o['relay'] !== null) {
    const r = strictObj(o['relay'], 'relay', ['url', 'deviceId']);
    const url = parseRelayUrl(str(r['url'], 'relay.url'));
    if (isFieldError(url)) refuse('relay.url', url.message);
    const deviceId = checked(str(r['deviceId'], 'relay.deviceId'), 'relay.deviceId', (s) => /^[A-Za-z0-9_-]{1,100}$/.test(s), 'a device id');
    relay = { url, deviceId };
  }
  const simulatorOrigin = o['simulatorOrigin'] === null ? null : originAt(o['simulatorOrigin'], 'simulatorOrigin');
  return { version: SETTINGS_VERSION, demoMode, quietHours, accounts, relay, simulatorOrigin };
}

/** The stored settings record, or the first bad field (the screen then offers to start from defaults). */
export const parseSettings = (raw: unknown): PwaSettings | FieldError => (raw === undefined ? DEFAULT_SETTINGS : readFields(() => settingsAt(raw)));

