import { hmacHex, type Hmac } from '../../ports/hmac.ts';

/**
 * Bybit v5 signing. https://bybit-exchange.github.io/docs/v5/guide (section "Authentication"), and
 * https://bybit-exchange.github.io/docs/v5/ws/connect (section "Authentication").
 * REST: X-BAPI-SIGN = hex HMAC-SHA256(secret, timestamp + apiKey + recvWindow + queryString) for GET
 * (the JSON body instead of the query string for POST; we only GET).
 * Websocket: signature = hex HMAC-SHA256(secret, "GET/realtime" + expires), expires in ms.
 */
export const RECV_WINDOW_MS = 5000;

export async function signedHeaders(
  apiKey: string,
  secret: string,
  now: number,
  queryString: string,
  hmac: Hmac,
): Promise<Record<string, string>> {
  const timestamp = String(now);
  const recvWindow = String(RECV_WINDOW_MS);
  return {
    'X-BAPI-API-KEY': apiKey,
    'X-BAPI-TIMESTAMP': timestamp,
    'X-BAPI-RECV-WINDOW': recvWindow,
    'X-BAPI-SIGN': await hmacHex(hmac, secret, timestamp + apiKey + recvWindow + queryString),
  };
}

/** `{"op":"auth","args":[apiKey, expires, signature]}`; the request is valid until `expires`. */
export async function authFrame(apiKey: string, secret: string, expires: number, hmac: Hmac): Promise<string> {
  const signature = await hmacHex(hmac, secret, `GET/realtime${expires}`);
  return JSON.stringify({ req_id: 'auth', op: 'auth', args: [apiKey, expires, signature] });
}
