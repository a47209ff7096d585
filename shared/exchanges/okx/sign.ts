import { hmacBase64, type Hmac } from '../../ports/hmac.ts';

/**
 * OKX v5 signing, https://www.okx.com/docs-v5/en/#overview-rest-authentication and
 * #overview-websocket-login. REST: OK-ACCESS-SIGN = Base64(HMAC-SHA256(secret, timestamp + method +
 * requestPath + body)) with the ISO-8601 millisecond timestamp, the request path including `?query`.
 * Websocket login: sign = Base64(HMAC-SHA256(secret, timestamp + "GET" + "/users/self/verify")) with
 * the timestamp in Unix seconds.
 */
export const isoTimestamp = (now: number): string => new Date(now).toISOString();

export async function signedHeaders(
  apiKey: string,
  secret: string,
  passphrase: string,
  now: number,
  method: string,
  requestPath: string,
  body: string,
  hmac: Hmac,
): Promise<Record<string, string>> {
  const timestamp = isoTimestamp(now);
  return {
    'OK-ACCESS-KEY': apiKey,
    'OK-ACCESS-SIGN': await hmacBase64(hmac, secret, timestamp + method + requestPath + body),
    'OK-ACCESS-TIMESTAMP': timestamp,
    'OK-ACCESS-PASSPHRASE': passphrase,
  };
}

export async function loginFrame(apiKey: string, secret: string, passphrase: string, now: number, hmac: Hmac): Promise<string> {
  const timestamp = String(Math.floor(now / 1000));
  const sign = await hmacBase64(hmac, secret, `${timestamp}GET/users/self/verify`);
  return JSON.stringify({ op: 'login', args: [{ apiKey, passphrase, timestamp, sign }] });
}
