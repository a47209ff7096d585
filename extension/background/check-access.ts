import type { VenueId } from '../../shared/engine/positions/account.ts';
import { checkKey, LIVE_BINANCE_SPOT_REST, type KeyCheckEndpoints, type KeyCheckPorts } from '../../shared/exchanges/key-check.ts';
import { venueAdapters } from '../../shared/exchanges/venues.ts';
import type { VenueAccess, VenueEndpoints } from '../../shared/ports/venue-adapter.ts';

export type AccessCheck = { readonly ok: true } | { readonly ok: false; readonly refusal: string };

/**
 * Where the key check goes: the venue's own REST (Binance's permission record is on its spot host), or
 * the simulator, which answers every route under its venue path.
 */
export function keyCheckEndpoints(venue: VenueId, endpoints: VenueEndpoints): KeyCheckEndpoints {
  const live = endpoints.rest === venueAdapters[venue].liveEndpoints.rest;
  return { rest: endpoints.rest, spotRest: live ? LIVE_BINANCE_SPOT_REST : endpoints.rest };
}

/**
 * Asks the venue about a key before anything is stored (shared/exchanges/key-check.ts, the PWA's check):
 * a key the venue refuses is refused in the venue's own words, and a key whose permission record says it
 * can trade or withdraw is refused too: Margin Sentry keeps read-only keys only.
 */
export async function checkAccess(venue: VenueId, endpoints: VenueEndpoints, access: VenueAccess, ports: KeyCheckPorts): Promise<AccessCheck> {
  const check = await checkKey(venue, access, keyCheckEndpoints(venue, endpoints), ports);
  return check.ok ? { ok: true } : { ok: false, refusal: check.message };
}
