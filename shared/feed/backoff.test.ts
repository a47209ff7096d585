import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
import { seededRandom } from '../../tools/market-paths/seeded-random.ts';

describe('reconnect backoff', () => {
  it('doubles up to the cap, keeps half of each ceiling, jitters the rest', () => {
    const random = seededRandom(3).next;
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const ceiling = Math.min(30_000, 500 * 2 ** attempt);
      for (let i = 0; i < 50; i += 1) {
        const d = backoffDelay(attempt, DEFAULT_BACKOFF, random);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
    expect(backoffDelay(10_000, DEFAULT_BACKOFF, () => 0.999)).toBeLessThanOrEqual(30_000);
  });

  it('the same seed gives the same delays; another seed does not', () => {
    const run = (seed: number) => {
      const r = seededRandom(seed).next;
      return Array.from({ length: 5 }, (_, i) => backoffDelay(i, DEFAULT_BACKOFF, r));
    };
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
  });
});
