import type { VenueAccess } from '../ports/venue-adapter.ts';

/**
 * The credential fields a call needs, or a thrown Error naming the missing one. Thrown (not returned)
 * because it is a configuration mistake found before any I/O: the feed turns the rejected promise
 * into a `feed-error` status, and nothing is sent without the credential.
 */
export function requiredAccess<K extends keyof VenueAccess>(access: VenueAccess, keys: readonly K[], venue: string): Required<Pick<VenueAccess, K>> {
  const out: Partial<Record<K, string>> = {};
  for (const k of keys) {
    const v = access[k];
    if (typeof v !== 'string' || v === '') throw new Error(`${venue}: the private feed needs ${k}`);
    out[k] = v;
  }
  return out as Required<Pick<VenueAccess, K>>;
}
