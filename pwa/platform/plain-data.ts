/**
 * Everything that goes into IndexedDB is plain data: null, booleans, finite numbers, strings, arrays and
 * plain objects, nothing else (no class instances, no getters, no undefined, no NaN or Infinity). A
 * getter or a prototype silently vanishes in structured clone, and a NaN saved today is a NaN on screen
 * tomorrow, so both are refused at the door with the path of the bad field.
 */
export type PlainData = null | boolean | number | string | readonly PlainData[] | { readonly [key: string]: PlainData };

const MAX_DEPTH = 32;

/** Null when `value` is plain data, otherwise a sentence naming the first bad field (e.g. `$.positions[2].rho is NaN`). */
export function plainDataProblem(value: unknown, path = '$', depth = 0): string | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : `${path} is ${value}, not a finite number`;
  if (typeof value !== 'object') return `${path} is ${typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`}, not plain data`;
  if (depth >= MAX_DEPTH) return `${path} is nested deeper than ${MAX_DEPTH} levels`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = plainDataProblem(value[i], `${path}[${i}]`, depth + 1);
      if (problem !== null) return problem;
    }
    return null;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return `${path} is ${typeof name === 'string' ? `a ${name}` : 'an object with a prototype'}, not a plain object`;
  }
  for (const key of Object.keys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor?.get !== undefined) return `${path}.${key} is a getter, not a value`;
    const problem = plainDataProblem((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
    if (problem !== null) return problem;
  }
  return null;
}
