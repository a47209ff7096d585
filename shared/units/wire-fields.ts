import { FieldRefusal } from './field-refusal.ts';
import {
  epochMs,
  isUnitError,
  parseFiniteNumber,
  price,
  ratio,
  usdt,
  type EpochMs,
  type Price,
  type Ratio,
  type Usdt,
} from './units.ts';

/**
 * Reading untrusted wire frames (exchange JSON) into checked values. A venue parser walks a frame with
 * these readers; the first bad field stops it with a `WireError` naming the field's path, so no
 * partly parsed object and no NaN ever leaves a parser.
 *
 * Magnitude bounds are deliberately generous but finite, so that a "1e300" price cannot overflow to
 * Infinity once multiplied by a quantity: prices up to 1e12 (quote per base unit), sizes up to 1e12
 * base units, money up to 1e15 USDT. Anything past them is a hostile or corrupt frame, not a trader.
 */
export const MAX_PRICE = 1e12;
export const MAX_SIZE = 1e12;
export const MAX_MONEY = 1e15;

export interface WireError {
  readonly kind: 'wire-error';
  /** Path of the bad field, e.g. `a.P[1].pa`. */
  readonly field: string;
  readonly message: string;
}

export const isWireError = (v: unknown): v is WireError =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'wire-error';

export function refuse(field: string, message: string): never {
  throw new FieldRefusal(field, message);
}

/**
 * Runs a reader walk and returns its value or the first refusal. Any other exception (a bug in the
 * walk) is also caught and reported, because a parser must never throw at the feed.
 */
export function readWire<T>(walk: () => T): T | WireError {
  try {
    return walk();
  } catch (e) {
    if (e instanceof FieldRefusal) return { kind: 'wire-error', field: e.field, message: e.message };
    return { kind: 'wire-error', field: '?', message: `parser fault: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** JSON.parse that returns undefined instead of throwing (truncated or non-JSON text). */
export function parseJsonText(text: string): { readonly value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

export type WireObject = Readonly<Record<string, unknown>>;

const describe = (raw: unknown): string =>
  raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw === 'string' ? JSON.stringify(raw.slice(0, 40)) : typeof raw;

export function obj(raw: unknown, path: string): WireObject {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) refuse(path, `expected an object, got ${describe(raw)}`);
  return raw as WireObject;
}

export function arr(raw: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(raw)) refuse(path, `expected an array, got ${describe(raw)}`);
  return raw;
}

export function str(raw: unknown, path: string): string {
  if (typeof raw !== 'string') refuse(path, `expected a string, got ${describe(raw)}`);
  return raw;
}

/** A non-empty identifier (symbol, coin, key); bounded so a hostile frame cannot grow our maps' keys. */
export function name(raw: unknown, path: string): string {
  const s = str(raw, path);
  if (s.length === 0 || s.length > 64) refuse(path, `expected a name of 1..64 characters, got ${describe(s)}`);
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

/** A finite number (JSON number or decimal string) with |n| <= bound. */
export function num(raw: unknown, path: string, bound: number): number {
  const n = parseFiniteNumber(raw);
  if (isUnitError(n)) return refuse(path, n.message);
  if (Math.abs(n) > bound) refuse(path, `magnitude ${n} is past the bound ${bound}`);
  return n;
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
export function optional<T>(o: WireObject, key: string, path: string, read: (raw: unknown, path: string) => T): T | undefined {
  const raw = o[key];
  return isBlank(raw) ? undefined : read(raw, `${path}.${key}`);
}

/** Reads `o[key]` with `read`, which refuses a missing or mistyped value. */
export function field<T>(o: WireObject, key: string, path: string, read: (raw: unknown, path: string) => T): T {
  return read(o[key], `${path}.${key}`);
}
