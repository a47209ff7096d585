/**
 * Figures computed on first read and kept: the monitor builds every figure a screen may show on each
 * tick, but the alert policy reads only a few of them (the next tier up, at one horizon). The work is
 * deferred with getters on a prototype, not per-object accessors: an accessor defined on each object
 * costs a closure and turns the object into a slow dictionary, on every tick. Readers that go through
 * property access (and JSON.stringify, through toJSON) see the values; a spread or Object.keys does
 * not, so these objects are not to be copied. `compute` must be pure, so when it runs cannot change
 * what it returns.
 */

/** A record with fixed keys whose value at key i is `compute(i)`, computed on its first read. */
export type LazyRecordOf<T> = Readonly<Record<string, T>>;

type RecordClass = new (compute: (index: number) => unknown) => object;

// One class per key list (an alert ladder's levels): the getters live on its prototype.
const recordClasses = new Map<string, RecordClass>();

// The last key list asked for and its class: a monitor asks with the same ladder on every tick.
let lastKeys: readonly string[] = [];
let lastClass: RecordClass | null = null;

const sameKeys = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((key, i) => key === b[i]);

function recordClassFor(keys: readonly string[]): RecordClass {
  if (lastClass !== null && sameKeys(keys, lastKeys)) return lastClass;
  const id = keys.join('\u0000');
  const known = recordClasses.get(id) ?? newRecordClass(keys);
  recordClasses.set(id, known);
  lastKeys = [...keys];
  lastClass = known;
  return known;
}

function newRecordClass(keys: readonly string[]): RecordClass {
  const ownKeys = [...keys];
  class LazyRecord {
    readonly #compute: (index: number) => unknown;
    readonly #values: unknown[] = [];
    readonly #done: boolean[] = [];

    constructor(compute: (index: number) => unknown) {
      this.#compute = compute;
    }

    static {
      ownKeys.forEach((key, i) =>
        Object.defineProperty(LazyRecord.prototype, key, { enumerable: true, configurable: false, get: function (this: LazyRecord) { return this.#at(i); } }),
      );
    }

    #at(i: number): unknown {
      if (this.#done[i] !== true) {
        this.#values[i] = this.#compute(i);
        this.#done[i] = true;
      }
      return this.#values[i];
    }

    toJSON(): Record<string, unknown> {
      return Object.fromEntries(ownKeys.map((key, i) => [key, this.#at(i)]));
    }
  }
  return LazyRecord;
}

/** `keys` mapped to `compute(index)`, each value computed on its first read (see the file comment). */
export function lazyRecord<T>(keys: readonly string[], compute: (index: number) => T): LazyRecordOf<T> {
  const Record = recordClassFor(keys);
  return new Record(compute) as LazyRecordOf<T>;
}

/** A zero-argument function that runs `compute` once, on the first call, and returns that result after. */
export function once<T>(compute: () => T): () => T {
  let done = false;
  let value: T | undefined;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value as T;
  };
}
