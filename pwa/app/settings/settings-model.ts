import { DEFAULT_LADDER } from '../../../shared/engine/alerts/alert-ladder.ts';
import { VENUE_IDS } from '../../../shared/engine/positions/account.ts';
import { parseAccountInput } from '../../../shared/exchanges/parse-account-input.ts';
import { isFieldError, readFields, refuse, type FieldError } from '../../../shared/units/field-error.ts';
import { checked, oneOf } from '../../../shared/units/field-readers.ts';
import { SECRET_FIELDS, timeOfDay, type AccountSettings, type ManualPosition, type PwaSettings, type SecretField } from '../../platform/settings-record.ts';

/**
 * The forms that edit the settings record (pwa/platform/settings-record.ts) and their parsers. A form
 * parser takes what the user typed (strings) and returns the record's part, or a FieldError whose
 * `field` is the form field's own name (`ladder`, `positions[1].qty`), so the screen shows it beside
 * that field; nothing is saved unless the whole form parses.
 */
export const DEFAULT_LADDER_LEVELS: readonly number[] = DEFAULT_LADDER.map((t) => t.level);

// ---- form parsers ------------------------------------------------------------------------------------

export interface ManualPositionForm {
  readonly symbol: string;
  readonly side: string;
  readonly qty: string;
  readonly entryPrice: string;
  readonly markPrice: string;
  readonly marginMode: string;
  readonly leverage: string;
  readonly isolatedMargin: string;
  readonly mmr: string;
}

export interface AccountForm {
  readonly label: string;
  readonly venue: string;
  readonly source: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly passphrase: string;
  readonly address: string;
  /** "0.5, 0.8, 0.9, 1" */
  readonly ladder: string;
  /** blank: none */
  readonly target: string;
  readonly walletBalance: string;
  readonly positions: readonly ManualPositionForm[];
}

export const EMPTY_POSITION: ManualPositionForm = {
  symbol: '',
  side: 'long',
  qty: '',
  entryPrice: '',
  markPrice: '',
  marginMode: 'cross',
  leverage: '',
  isolatedMargin: '',
  mmr: '0.005',
};

export const EMPTY_ACCOUNT_FORM: AccountForm = {
  label: '',
  venue: 'binance',
  source: 'keys',
  apiKey: '',
  apiSecret: '',
  passphrase: '',
  address: '',
  ladder: DEFAULT_LADDER_LEVELS.join(', '),
  target: '',
  walletBalance: '',
  positions: [],
};

/** What a parsed account form gives: the record to keep and the secrets to put in the vault. */
export interface ParsedAccount {
  readonly account: AccountSettings;
  readonly secrets: Partial<Record<SecretField, string>>;
}

const slug = (label: string): string =>
  label
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** A plain decimal typed in a form (no hex, no "1e400", no blanks): the same rule as the venue parsers. */
function typedNumber(text: string, field: string): number {
  const t = text.trim();
  if (t === '') refuse(field, 'required');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) refuse(field, `expected a number, got "${t.slice(0, 40)}"`);
  const n = Number(t);
  if (!Number.isFinite(n)) refuse(field, `number out of range: ${t.slice(0, 40)}`);
  return n;
}

/** "0.5, 0.8, 0.9, 1": as many rising levels in (0, 1] as the default ladder has tiers. */
function ladderText(text: string, field: string): number[] {
  const parts = text.split(/[,\s]+/).filter((p) => p !== '');
  const names = DEFAULT_LADDER.map((t) => t.name).join(', ');
  if (parts.length !== DEFAULT_LADDER.length) refuse(field, `expected ${DEFAULT_LADDER.length} levels (${names}), got ${parts.length}`);
  const levels = parts.map((p) => typedNumber(p, field));
  levels.forEach((l, i) => {
    if (!(l > 0 && l <= 1)) refuse(field, `${DEFAULT_LADDER[i]?.name ?? 'a level'}: expected a rho in (0, 1], got ${l}`);
    const prev = levels[i - 1];
    if (prev !== undefined && !(l > prev)) refuse(field, `levels must rise: ${l} comes after ${prev}`);
  });
  return levels;
}

function targetText(text: string, field: string, ladder: readonly number[]): number | null {
  if (text.trim() === '') return null;
  const n = typedNumber(text, field);
  const first = ladder[0] ?? 1;
  return checked(n, field, (v) => v > 0 && v < first, `a target rho in (0, ${first}) (below the first tier)`);
}

/** The calc document of a manual account; strings stay strings so the account parser names the field. */
function manualDocument(venue: string, form: AccountForm, typed: boolean): Record<string, unknown> {
  const value = (text: string): string | number => (typed ? Number(text.trim()) : text.trim());
  return {
    exchange: venue,
    walletBalance: value(form.walletBalance),
    positions: form.positions.map((p) => ({
      symbol: p.symbol.trim(),
      side: p.side,
      qty: value(p.qty),
      entryPrice: value(p.entryPrice),
      markPrice: value(p.markPrice),
      marginMode: p.marginMode,
      ...(p.leverage.trim() === '' ? {} : { leverage: value(p.leverage) }),
      ...(p.isolatedMargin.trim() === '' ? {} : { isolatedMargin: value(p.isolatedMargin) }),
      tiers: [{ floor: 0, mmr: value(p.mmr) }],
    })),
  };
}

/** Form field names for a calc-parser path: `positions[0].tiers[0].mmr` is the form's `positions[0].mmr`. */
const formFieldOf = (path: string): string => path.replace(/\.tiers(\[\d+\])?(\.mmr)?$/, '.mmr').replace(/\.tierBasis$/, '.mmr');

function accountFormAt(form: AccountForm, takenIds: ReadonlySet<string>): ParsedAccount {
  const label = form.label.trim();
  if (label === '' || label.length > 40) refuse('label', 'expected a name of 1..40 characters');
  const venue = oneOf(form.venue, 'venue', VENUE_IDS);
  const source = oneOf(form.source, 'source', ['keys', 'manual'] as const);
  const id = `${venue}:${slug(label) || 'account'}${source === 'manual' ? '-plan' : ''}`;
  if (takenIds.has(id)) refuse('label', `an account named "${label}" on ${venue} already exists`);
  const ladder = ladderText(form.ladder, 'ladder');
  const target = targetText(form.target, 'target', ladder);
  const base = { id, label, venue, source, ladder, target };

  if (source === 'manual') {
    if (form.positions.length === 0) refuse('positions', 'add at least one position to plan with');
    const checkedInput = parseAccountInput(manualDocument(venue, form, false));
    if (isFieldError(checkedInput)) refuse(formFieldOf(checkedInput.field), checkedInput.message);
    const doc = manualDocument(venue, form, true) as { walletBalance: number; positions: ManualPosition[] };
    return { account: { ...base, address: null, manual: { walletBalance: doc.walletBalance, positions: doc.positions } }, secrets: {} };
  }
  if (venue === 'hyperliquid') {
    const address = form.address.trim();
    if (!/^0x[0-9a-fA-F]{40}$/.test(address)) refuse('address', 'expected 0x followed by 40 hex digits (your account address, not a key)');
    return { account: { ...base, address: address.toLowerCase(), manual: null }, secrets: {} };
  }
  const secrets: Partial<Record<SecretField, string>> = {};
  for (const f of SECRET_FIELDS[venue]) {
    const v = form[f].trim();
    if (v === '') refuse(f, 'required');
    if (v.length > 256 || /\s/.test(v)) refuse(f, 'expected one word of at most 256 characters (copy it again from the venue)');
    secrets[f] = v;
  }
  return { account: { ...base, address: null, manual: null }, secrets };
}

/** An account form to the record and its secrets, or the first bad form field. */
export const parseAccountForm = (form: AccountForm, takenIds: ReadonlySet<string> = new Set()): ParsedAccount | FieldError =>
  readFields(() => accountFormAt(form, takenIds));

export interface GeneralForm {
  readonly demoMode: boolean;
  readonly quietEnabled: boolean;
  readonly quietStart: string;
  readonly quietEnd: string;
}

/** Demo mode and quiet hours; returns the fields of the record they set, or the first bad field. */
export const parseGeneralForm = (form: GeneralForm): Pick<PwaSettings, 'demoMode' | 'quietHours'> | FieldError =>
  readFields(() => {
    if (!form.quietEnabled) return { demoMode: form.demoMode, quietHours: null };
    const start = timeOfDay(form.quietStart, 'quietStart');
    const end = timeOfDay(form.quietEnd, 'quietEnd');
    if (start === end) refuse('quietEnd', 'the quiet hours must not start and end at the same time');
    return { demoMode: form.demoMode, quietHours: { start, end } };
  });

