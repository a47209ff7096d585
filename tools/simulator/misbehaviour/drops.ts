import { deriveSeed, seededRandom } from '../../market-paths/seeded-random.ts';

/**
 * `disconnects`: how long the n-th connection of a run lives before the server drops it (real ms,
 * exponential with the given mean, at least 200 ms so a handshake can finish). A function of the
 * seed and the connection's ordinal only, so a run with the same seed drops the same connections
 * after the same lifetimes whatever the timing of the ticks.
 */
export function connectionLifetimeMs(seed: number, ordinal: number, meanMs: number): number {
  const rng = seededRandom(deriveSeed(seed, `drop-${ordinal}`));
  return Math.max(200, Math.round(-Math.log(1 - rng.next()) * meanMs));
}

/** How the server drops it: an abrupt TCP reset (1006 at the client) or a close frame, alternating by draw. */
export function dropStyle(seed: number, ordinal: number): 'terminate' | 'close' {
  return seededRandom(deriveSeed(seed, `drop-style-${ordinal}`)).next() < 0.5 ? 'terminate' : 'close';
}
