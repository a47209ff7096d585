import { refuse } from './field-error.ts';
import { epochMs, price, ratio, usdt, type EpochMs, type Price, type Ratio, type Usdt } from './units.ts';

/**
 * The one set of readers for untrusted documents: venue frames, the calc account, the replay document,
 * settings, snapshots. A parser walks its document with these, inside `readFields` (field-error.ts);
 * the first bad field stops the walk with a `FieldError` naming the field's path, so no partly parsed
 * object and no NaN ever leaves a parser. Paths are built with `at` and `item`: `positions[1].qty`.
 *
 * Magnitude bounds are deliberately generous but finite, so that no sum or product of checked figures
 * can overflow to Infinity: prices up to 1e12 (quote per base unit), sizes up to 1e12 base units, money
 * up to 1e15 USDT, so a notional is at most 1e24 and a thousand of them still sum to a finite number.
 * Anything past them is a hostile or corrupt document, not a trader. docs/input-validation.md lists
 * what each parser refuses and why.
 */
export const MAX_PRICE = 1e12;
export const MAX_SIZE = 1e12;
export const MAX_MONEY = 1e15;

/** The path of `key` inside the object at `path` (`''` is the document's root). */
export const at = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

/** The path of entry `i` of the array at `path`. */
export const item = (path: string, i: number): string => `${path}[${i}]`;

/** JSON.parse that returns undefined instead of throwing (truncated or non-JSON text). */
export function parseJsonText(text: string): { readonly value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

export type FieldObject = Readonly<Record<string, unknown>>;

/** The kind of a bad value, for messages about a value of the wrong type. */
const describe = (raw: unknown): string =>
  raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw === 'string' ? JSON.stringify(raw.slice(0, 40)) : typeof raw;

/** A bad value as the user wrote it, shortened. */
export const shown = (raw: unknown): string => (raw === undefined ? 'nothing' : (JSON.stringify(raw) ?? String(raw)).slice(0, 40));

export function obj(raw: unknown, path: string): FieldObject {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) refuse(path, `expected an object, got ${describe(raw)}`);
  return raw as FieldObject;
}

export function arr(raw: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(raw)) refuse(path, `expected an array, got ${describe(raw)}`);
  return raw;
}

export function str(raw: unknown, path: string): string {
  if (typeof raw !== 'string') refuse(path, `expected a string, got ${describe(raw)}`);
  return raw;
}

/**
 * A non-empty identifier (symbol, coin, key); bounded so a hostile frame cannot grow our maps' keys.
 * Names every object inherits (`constructor`, `__proto__`, `toString`...) are refused: the engine keys
 * plain records by symbol, and such a name would read the prototype's member instead of no entry.
 */
export function name(raw: unknown, path: string): string {
  const s = str(raw, path);
  if (s.length === 0 || s.length > 64) refuse(path, `expected a name of 1..64 characters, got ${describe(s)}`);
  if (s in Object.prototype) refuse(path, `expected a name, got ${describe(s)}, which every object has`);
  return s;
}

/** An opaque token (Binance listenKey): non-empty, at most 256 characters. */
export function token(raw: unknown, path: string): string {
  const s = str(raw, path);
  if (s.length === 0 || s.length > 256) refuse(path, `expected a token of 1..256 characters, got ${s.length}`);
  return s;
}

export function oneOf<T extends string>(raw: unknown, path: string, allowed: readonly T[]): T {
  if (typeof raw === 'string' && (allowed as readonly string[]).includes(raw)) return raw as T;
  return refuse(path, `expected one of ${allowed.join('|')}, got ${describe(raw)}`);
}

/** What `decimal` accepts in a string, once trimmed. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * DECIMAL on the string as it is, by hand: the venues send every price and rate as a string, and this
 * runs for each. True only where DECIMAL holds (a string it accepts has nothing to trim); false sends
 * the string to DECIMAL after a trim, so the strings accepted and refused are exactly DECIMAL's.
 */
export function isPlainDecimal(s: string): boolean {
  const n = s.length;
  let i = 0;
  if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i += 1; // + -
  const intStart = i;
  while (i < n && isDigit(s.charCodeAt(i))) i += 1;
  const intDigits = i - intStart;
  if (i < n && s.charCodeAt(i) === 46) {
    // "."
    i += 1;
    const fracStart = i;
    while (i < n && isDigit(s.charCodeAt(i))) i += 1;
    if (intDigits === 0 && i === fracStart) return false;
  } else if (intDigits === 0) {
    return false;
  }
  if (i < n && (s.charCodeAt(i) === 101 || s.charCodeAt(i) === 69)) {
    // e E
    i += 1;
    if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i += 1;
    const expStart = i;
    while (i < n && isDigit(s.charCodeAt(i))) i += 1;
    if (i === expStart) return false;
  }
  return i === n;
}

/**
 * A JSON number or a decimal string (the wire sends both) as a finite number. Refuses NaN, Infinity,
 * empty strings, hex, and anything that is not a plain decimal.
 */
export function decimal(raw: unknown, path: string): number {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) refuse(path, `expected a finite number, got ${String(raw)}`);
    return raw;
  }
  if (typeof raw === 'string') {
    if (!isPlainDecimal(raw) && !DECIMAL.test(raw.trim())) refuse(path, `expected a decimal number, got ${describe(raw)}`);
    const n = Number(raw);
    if (!Number.isFinite(n)) refuse(path, `number out of range: ${raw.slice(0, 40)}`);
    return n;
  }
  return refuse(path, `expected a number, got ${describe(raw)}`);
}

/**
 * What `decimal` returns for `raw` when it is a finite number or a decimal string that needs no trim;
 * undefined for anything else (which `decimal` may still accept after a trim, or refuse). For a fast
 * path that falls back to the readers, so that a refusal is still theirs.
 */
export function plainNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== 'string' || !isPlainDecimal(raw)) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

/** `priceOf` without a path: the price, or undefined where `priceOf` would refuse or must trim. */
export function plainPrice(raw: unknown): Price | undefined {
  const n = plainNumber(raw);
  return n !== undefined && Math.abs(n) <= MAX_PRICE && n > 0 ? price(n) : undefined;
}

/** `epochOf` without a path: the time, or undefined where `epochOf` would refuse or must trim. */
export function plainEpoch(raw: unknown): EpochMs | undefined {
  const n = plainNumber(raw);
  return n !== undefined && Math.abs(n) <= 1e15 && Number.isInteger(n) && n >= 0 ? epochMs(n) : undefined;
}

/** `name` without a path: the name, or undefined where `name` would refuse. */
export const plainName = (raw: unknown): string | undefined => (typeof raw === 'string' && raw.length > 0 && raw.length <= 64 && !(raw in Object.prototype) ? raw : undefined);

/** A finite JSON number, not a string: settings are typed values, and "0.1" there is a mistake to show. */
export function jsonNumber(raw: unknown, path: string): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) refuse(path, `expected a number, got ${shown(raw)}`);
  return raw;
}

/** `value` if `ok(value)`, else a refusal saying what was expected (`rule`, e.g. "a level in (0, 1)"). */
export function checked<T>(value: T, path: string, ok: (v: T) => boolean, rule: string): T {
  if (!ok(value)) refuse(path, `expected ${rule}, got ${shown(value)}`);
  return value;
}

/** A finite number (JSON number or decimal string) with |n| <= bound. */
export function num(raw: unknown, path: string, bound: number): number {
  const n = decimal(raw, path);
  if (Math.abs(n) > bound) refuse(path, `magnitude ${n} is past the bound ${bound}`);
  return n;
}

export function bool(raw: unknown, path: string): boolean {
  if (typeof raw !== 'boolean') refuse(path, `expected true or false, got ${shown(raw)}`);
  return raw;
}

/** An object with no keys outside `known`: a misspelt field must be refused, not silently ignored. */
export function strictObj(raw: unknown, path: string, known: readonly string[]): FieldObject {
  const o = obj(raw, path);
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) refuse(at(path, key), `unknown field (known: ${known.join(', ')})`);
  }
  return o;
}

/** An array with at least one entry; `what` names the entries in the refusal ("tiers", "levels"). */
export function nonEmptyArr(raw: unknown, path: string, what: string): readonly unknown[] {
  if (!Array.isArray(raw) || raw.length === 0) refuse(path, `expected a non-empty array of ${what}, got ${shown(raw)}`);
  return raw;
}

export const priceOf = (raw: unknown, path: string): Price => {
  const n = num(raw, path, MAX_PRICE);
  if (!(n > 0)) refuse(path, `expected a price > 0, got ${n}`);
  return price(n);
};

/** A signed size (Binance `pa`, Hyperliquid `szi`, OKX net `pos`). */
export const signedSizeOf = (raw: unknown, path: string): number => num(raw, path, MAX_SIZE);

export const sizeOf = (raw: unknown, path: string): number => {
  const n = num(raw, path, MAX_SIZE);
  if (n < 0) refuse(path, `expected a size >= 0, got ${n}`);
  return n;
};

export const moneyOf = (raw: unknown, path: string): Usdt => usdt(num(raw, path, MAX_MONEY));

/** A fraction in [0, 1): maintenance or fee rate. */
export const rateOf = (raw: unknown, path: string): Ratio => {
  const n = num(raw, path, 1);
  if (!(n >= 0 && n < 1)) refuse(path, `expected a rate in [0, 1), got ${n}`);
  return ratio(n);
};

/** A signed fraction bounded by 1 in magnitude (funding rates). */
export const signedRateOf = (raw: unknown, path: string): Ratio => ratio(num(raw, path, 1));

export const epochOf = (raw: unknown, path: string): EpochMs => {
  const n = num(raw, path, 1e15);
  if (!(Number.isInteger(n) && n >= 0)) refuse(path, `expected a time in ms, got ${n}`);
  return epochMs(n);
};

export const leverageOf = (raw: unknown, path: string): number => {
  const n = num(raw, path, 1000);
  if (!(n > 0)) refuse(path, `expected a leverage in (0, 1000], got ${n}`);
  return n;
};

/** True when a wire field is absent in practice: missing, null, or the empty string venues send. */
export const isBlank = (raw: unknown): boolean => raw === undefined || raw === null || raw === '';

/** Reads `o[key]` with `read` unless it is blank, then undefined. */
export function optional<T>(o: FieldObject, key: string, path: string, read: (raw: unknown, path: string) => T): T | undefined {
  const raw = o[key];
  return isBlank(raw) ? undefined : read(raw, at(path, key));
}

/** Reads `o[key]` with `read`, which refuses a missing or mistyped value. */
export function field<T>(o: FieldObject, key: string, path: string, read: (raw: unknown, path: string) => T): T {
  return read(o[key], at(path, key));
}
