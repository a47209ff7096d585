import { knownKey } from '../../accounts/demo-credentials.ts';
import { hmacSha256Hex, signaturesEqual } from '../../server/hmac.ts';
import { header, type RestRequest } from '../../server/rest-exchange.ts';

/**
 * Bybit v5 private REST: headers X-BAPI-API-KEY, X-BAPI-TIMESTAMP (ms), X-BAPI-RECV-WINDOW (default
 * 5000) and X-BAPI-SIGN = hex HMAC_SHA256(secret, timestamp + apiKey + recvWindow + queryString) for
 * GET (the raw query, as sent). The timestamp must satisfy
 * serverTime - recvWindow <= timestamp < serverTime + 1000 (wall clock).
 * Returns the retCode and retMsg of a refusal, or undefined.
 */
export function bybitSignatureProblem(req: RestRequest, wallNow: number): { retCode: number; retMsg: string } | undefined {
  const apiKey = header(req, 'x-bapi-api-key');
  const timestamp = header(req, 'x-bapi-timestamp');
  const sign = header(req, 'x-bapi-sign');
  const recvWindow = header(req, 'x-bapi-recv-window') ?? '5000';
  if (apiKey === undefined || timestamp === undefined || sign === undefined) {
    return { retCode: 10003, retMsg: 'API key is invalid.' };
  }
  const known = knownKey('bybit', apiKey);
  if (known === undefined) return { retCode: 10003, retMsg: 'API key is invalid.' };
  const ts = Number(timestamp);
  const window = Number(recvWindow);
  if (!Number.isFinite(ts) || !Number.isFinite(window) || ts >= wallNow + 1000 || ts < wallNow - window) {
    return {
      retCode: 10002,
      retMsg: `invalid request, please check your server timestamp or recv_window param. req_timestamp[${timestamp}],server_timestamp[${wallNow}],recv_window[${recvWindow}]`,
    };
  }
  const payload = timestamp + apiKey + recvWindow + (req.method === 'GET' ? req.rawQuery : req.body);
  const expected = hmacSha256Hex(known.secret, payload);
  return signaturesEqual(expected, sign) ? undefined : { retCode: 10004, retMsg: `error sign! origin_string[${payload}]` };
}
