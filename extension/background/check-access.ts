import type { Hmac } from '../../shared/ports/hmac.ts';
import { restUrl, type HttpClient } from '../../shared/ports/http.ts';
import type { VenueAccess, VenueAdapter, VenueEndpoints } from '../../shared/ports/venue-adapter.ts';
import { epochMs } from '../../shared/units/units.ts';

export type AccessCheck = { readonly ok: true } | { readonly ok: false; readonly refusal: string };

/**
 * Asks the venue once, with the keys given, for the account's balance (the adapter's own signed call):
 * a key the venue refuses is refused here with the venue's own code and words, before anything is stored.
 */
export async function checkAccess(adapter: VenueAdapter, endpoints: VenueEndpoints, access: VenueAccess, http: HttpClient, hmac: Hmac, now: number): Promise<AccessCheck> {
  let calls;
  try {
    calls = await adapter.snapshotCalls(access, epochMs(now), hmac);
  } catch (e) {
    return { ok: false, refusal: e instanceof Error ? e.message : String(e) };
  }
  const call = calls.find((c) => c.purpose === 'balance') ?? calls[0];
  if (call === undefined) return { ok: true };
  let response;
  try {
    response = await http.send(restUrl(endpoints.rest, call.request), call.request);
  } catch (e) {
    return { ok: false, refusal: `no answer from ${adapter.venue} (${e instanceof Error ? e.message : String(e)})` };
  }
  const parsed = adapter.parseRest(call, response.status, response.body, { now: epochMs(now), contractSize: () => undefined });
  const refused = parsed.ok ? parsed.events.find((e) => e.kind === 'venue-error') : undefined;
  if (refused !== undefined && refused.kind === 'venue-error') return { ok: false, refusal: `${adapter.venue} refused the key: ${refused.code} ${refused.message}` };
  if (!parsed.ok) return { ok: false, refusal: `${adapter.venue} answered HTTP ${response.status}: ${parsed.error.message}` };
  return { ok: true };
}
