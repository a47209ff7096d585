/**
 * A field computed on its first read and kept: the monitor builds every figure a screen may show on
 * each tick, but the alert policy reads only a few of them (the next tier up, at one horizon). The
 * field is an ordinary enumerable property to every reader (spread, JSON, toEqual all see the value);
 * only the work is deferred. `compute` must be pure, so when it runs cannot change what it returns.
 */
export function defineLazyField<T extends object>(target: T, key: string, compute: () => unknown): void {
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = compute();
      // From now on a plain data field: later reads cost nothing and the closure can be collected.
      Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: false });
      return value;
    },
  });
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
