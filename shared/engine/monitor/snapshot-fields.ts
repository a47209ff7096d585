import { refuse } from '../../units/field-error.ts';
import { arr, at, obj, shown, str, type FieldObject } from '../../units/field-readers.ts';

/**
 * Readers for a saved monitor (monitor-snapshot.ts): the engine wrote it, so the format is exact.
 * Numbers are JSON numbers only (no decimal strings as the venues send), every object has exactly its
 * fields (an unknown one means another format, not a typo to skip), and the first bad field stops
 * the walk with a refusal naming its path (read through `readFields`, shared/units/field-error.ts).
 */

/** An object with exactly the fields `known` (each required; a field that may be null is still present). */
export function exactObject(raw: unknown, path: string, known: readonly string[]): FieldObject {
  const o = obj(raw, path);
  for (const key of Object.keys(o)) if (!known.includes(key)) refuse(at(path, key), `unknown field (known: ${known.join(', ')})`);
  for (const key of known) if (!Object.hasOwn(o, key)) refuse(at(path, key), 'missing');
  return o;
}

/** A map from names to values, each read with `read`; an own `__proto__` key stays a key. */
export function namedRecord<T>(raw: unknown, path: string, read: (raw: unknown, path: string) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(obj(raw, path)).map(([key, v]) => [nonEmpty(key, `${path} key`), read(v, `${path}.${key}`)]));
}

export const listOf = <T>(raw: unknown, path: string, read: (raw: unknown, path: string) => T): T[] =>
  arr(raw, path).map((v, i) => read(v, `${path}[${i}]`));

export function nonEmpty(raw: unknown, path: string): string {
  const s = str(raw, path);
  if (s.length === 0 || s.length > 1000) refuse(path, `expected a string of 1..1000 characters, got ${shown(s)}`);
  return s;
}

export function finite(raw: unknown, path: string, ok: (n: number) => boolean = () => true, rule = 'a finite number'): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) refuse(path, `expected a finite number, got ${shown(raw)}`);
  if (!ok(raw)) refuse(path, `expected ${rule}, got ${raw}`);
  return raw;
}

export const orNull = <T>(read: (raw: unknown, path: string) => T) => (raw: unknown, path: string): T | null => (raw === null ? null : read(raw, path));

export const positive = (raw: unknown, path: string): number => finite(raw, path, (n) => n > 0, 'a number > 0');
export const nonNegative = (raw: unknown, path: string): number => finite(raw, path, (n) => n >= 0, 'a number >= 0');
export const count = (raw: unknown, path: string): number => finite(raw, path, (n) => Number.isInteger(n) && n >= 0, 'a whole number >= 0');
/** A time in ms since the epoch (exchange time). */
export const epoch = (raw: unknown, path: string): number => finite(raw, path, (n) => n >= 0 && n <= 1e15, 'a time in ms');

export function bool(raw: unknown, path: string): boolean {
  if (typeof raw !== 'boolean') refuse(path, `expected true or false, got ${shown(raw)}`);
  return raw;
}
