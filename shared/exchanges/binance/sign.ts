import { hmacHex, type Hmac } from '../../ports/hmac.ts';

/**
 * Binance SIGNED (USER_DATA) requests: `signature` = hex HMAC-SHA256 of the total parameter string
 * (query string, then body) under the API secret, appended as the last parameter; the key goes in the
 * `X-MBX-APIKEY` header. https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info
 * (section "SIGNED Endpoint Security"). Checked against Binance's own worked example in sign.test.ts.
 */
export const API_KEY_HEADER = 'X-MBX-APIKEY';

/** How long a signed request stays valid after its `timestamp` (Binance default 5000 ms). */
export const RECV_WINDOW_MS = 5000;

export function queryString(params: readonly (readonly [string, string])[]): string {
  return params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

/** `query` with `&signature=<hex>` appended. */
export async function signedQuery(query: string, secret: string, hmac: Hmac): Promise<string> {
  const signature = await hmacHex(hmac, secret, query);
  return query === '' ? `signature=${signature}` : `${query}&signature=${signature}`;
}
