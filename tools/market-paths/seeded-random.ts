/**
 * A small seeded pseudo-random source, so that every market path, dropped connection and garbage
 * frame can be replayed exactly from one number. Nothing in the repo that must be reproducible may
 * call Math.random.
 *
 * Generator: mulberry32 (Tommy Ettinger, public domain): a 32-bit state advanced by a Weyl step
 * (+0x6D2B79F5) and scrambled by two xor-shift-multiply rounds. Period 2^32, passes gjrand/PractRand
 * to the sizes we use (a path of 10^6 steps draws ~2·10^6 values), and costs a few integer ops.
 * Normals come from the Box–Muller transform; the second value of each pair is kept for the next call.
 */

/** A deterministic stream of random numbers. */
export interface SeededRandom {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
}

/** Creates a stream from a seed; any finite number works (it is folded to 32 bits). */
export function seededRandom(seed: number): SeededRandom {
  let state = foldSeed(seed);
  let spareNormal: number | undefined;

  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };

  const normal = (): number => {
    if (spareNormal !== undefined) {
      const n = spareNormal;
      spareNormal = undefined;
      return n;
    }
    // 1 - next() is in (0, 1], so the log is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - next()));
    const angle = 2 * Math.PI * next();
    spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };

  return { next, normal };
}

/**
 * A seed for an independent sub-stream, e.g. `deriveSeed(seed, 'ETH')` or `deriveSeed(seed, 'drops')`,
 * so that adding a consumer of randomness does not shift every other consumer's numbers.
 * FNV-1a over the label, mixed with the parent seed.
 */
export function deriveSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ foldSeed(seed)) >>> 0;
  for (let i = 0; i < label.length; i += 1) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function foldSeed(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be finite, got ${seed}`);
  // Keep the fractional part and the high bits from collapsing onto the same state.
  const whole = Math.trunc(seed);
  const frac = Math.round((seed - whole) * 4294967296);
  return (Math.imul(whole | 0, 0x9e3779b1) ^ Math.trunc(whole / 4294967296) ^ frac) | 0;
}
