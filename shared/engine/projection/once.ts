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
