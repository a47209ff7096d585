import { expect } from 'vitest';
import type { ParseResult, VenueEvent } from '../../shared/engine/positions/venue-events.ts';

/**
 * Hostile variants of a real frame, for parser tests: the frame truncated at many points, and every
 * leaf value in turn replaced by a wrong type, a NaN string, an infinite or huge number, or removed.
 * A parser must answer each with events or a typed error, never a throw, never a NaN.
 */
const POISON: readonly unknown[] = ['NaN', 'Infinity', '-Infinity', '1e400', '9e99', '-9e99', '', 'abc', null, true, {}, [], -1, 0];

type Path = readonly (string | number)[];

function leaves(value: unknown, path: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [path];
}

function withLeaf(value: unknown, path: Path, replacement: unknown, remove: boolean): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && remove) copy.splice(head as number, 1);
    else copy[head as number] = withLeaf(copy[head as number], rest, replacement, remove);
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  if (rest.length === 0 && remove) delete copy[head as string];
  else copy[head as string] = withLeaf(copy[head as string], rest, replacement, remove);
  return copy;
}

export function hostileVariants(json: unknown): string[] {
  const text = JSON.stringify(json);
  const out: string[] = [];
  const step = Math.max(1, Math.floor(text.length / 40));
  for (let cut = 0; cut < text.length; cut += step) out.push(text.slice(0, cut));
  for (const path of leaves(json)) {
    for (const poison of POISON) out.push(JSON.stringify(withLeaf(json, path, poison, false)));
    out.push(JSON.stringify(withLeaf(json, path, undefined, true)));
  }
  out.push('', 'null', '[]', '{}', '"text"', '42', '[null]', '{"e":42}', '{"topic":null}', '{"channel":{}}');
  return out;
}

/**
 * Every number anywhere in `value` (events) is finite, except a tier's `cap` (the last tier's is
 * Infinity by the engine's convention); every `price`-named field is > 0.
 */
export function expectCleanNumbers(value: unknown, path = 'events'): void {
  if (typeof value === 'number') {
    const isLastCap = path.endsWith('.cap') && value === Number.POSITIVE_INFINITY;
    expect(Number.isFinite(value) || isLastCap, `${path} = ${value}`).toBe(true);
    if (/price/i.test(path.split('.').at(-1) ?? '')) expect(value, path).toBeGreaterThan(0);
    return;
  }
  if (Array.isArray(value)) value.forEach((v, i) => expectCleanNumbers(v, `${path}[${i}]`));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) expectCleanNumbers(v, `${path}.${k}`);
  }
}

/** Runs `parse` on every hostile variant: no throw, clean numbers, a typed error whenever it refuses. */
export function expectSurvivesHostile(json: unknown, parse: (text: string) => ParseResult): { refused: number; total: number } {
  const variants = hostileVariants(json);
  let refused = 0;
  for (const text of variants) {
    let result: ParseResult | undefined;
    expect(() => {
      result = parse(text);
    }, text.slice(0, 200)).not.toThrow();
    if (result === undefined) continue;
    if (result.ok) expectCleanNumbers(result.events);
    else {
      refused += 1;
      expect(result.error.kind).toBe('frame-error');
      expect(['malformed', 'unknown']).toContain(result.error.reason);
    }
  }
  return { refused, total: variants.length };
}

/** The events of a result that must have parsed. */
export function eventsOf(result: ParseResult): readonly VenueEvent[] {
  if (!result.ok) throw new Error(`expected events, got ${result.error.reason} at ${result.error.field}: ${result.error.message}`);
  return result.events;
}

/** The one event of `kind` in `events` (fails the test if there is not exactly one). */
export function onlyEvent<K extends VenueEvent['kind']>(events: readonly VenueEvent[], kind: K): Extract<VenueEvent, { kind: K }> {
  const found = events.filter((e) => e.kind === kind);
  expect(found, `events of kind ${kind}`).toHaveLength(1);
  return found[0] as Extract<VenueEvent, { kind: K }>;
}
