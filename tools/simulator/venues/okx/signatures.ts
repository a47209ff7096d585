import { DEMO_CREDENTIALS, knownKey } from '../../accounts/demo-credentials.ts';
import { hmacSha256Base64, signaturesEqual } from '../../server/hmac.ts';
import { header, type RestRequest } from '../../server/rest-exchange.ts';

/**
 * OKX v5 signatures (docs/margin-math.md §4.3; OKX "REST Authentication" and "WebSocket Login").
 * Both are Base64(HMAC_SHA256(secret, prehash)); timestamps are checked against the wall clock.
 * The REST prehash uses the venue's own request path (`/api/v5/...` with its query), never the
 * simulator's `/okx` prefix, so a client signs exactly as it would for www.okx.com.
 */
export interface OkxRefusal {
  readonly code: string;
  readonly msg: string;
}

/** WS login: prehash = timestamp (unix seconds) + "GET" + "/users/self/verify". */
export function loginProblem(arg: Record<string, unknown> | undefined, wallNowMs: number): OkxRefusal | undefined {
  const c = DEMO_CREDENTIALS.okx;
  if (arg === undefined) return { code: '60009', msg: 'Login failed.' };
  if (arg['apiKey'] !== c.apiKey) return { code: '60005', msg: 'Invalid OK-ACCESS-KEY' };
  if (arg['passphrase'] !== c.passphrase) return { code: '60024', msg: 'Wrong passphrase' };
  const ts = String(arg['timestamp'] ?? '');
  if (!/^\d+(\.\d+)?$/.test(ts) || Math.abs(Number(ts) * 1000 - wallNowMs) > 30_000) return { code: '60006', msg: 'Timestamp request expired' };
  const sign = typeof arg['sign'] === 'string' ? arg['sign'] : '';
  return signaturesEqual(hmacSha256Base64(c.secret, `${ts}GET/users/self/verify`), sign) ? undefined : { code: '60009', msg: 'Login failed.' };
}

/** REST: OK-ACCESS-KEY/-SIGN/-TIMESTAMP (ISO-8601 ms)/-PASSPHRASE; prehash = timestamp + method + requestPath + body. */
export function restSignatureProblem(req: RestRequest, wallNowMs: number): OkxRefusal | undefined {
  const key = header(req, 'ok-access-key');
  const sign = header(req, 'ok-access-sign');
  const timestamp = header(req, 'ok-access-timestamp');
  const passphrase = header(req, 'ok-access-passphrase');
  if (key === undefined || key === '') return { code: '50103', msg: 'Request header OK-ACCESS-KEY cannot be empty.' };
  if (sign === undefined || sign === '') return { code: '50105', msg: 'Request header OK-ACCESS-SIGN cannot be empty.' };
  if (timestamp === undefined || timestamp === '') return { code: '50107', msg: 'Request header OK-ACCESS-TIMESTAMP cannot be empty.' };
  if (passphrase === undefined || passphrase === '') return { code: '50104', msg: 'Request header OK-ACCESS-PASSPHRASE cannot be empty.' };
  const c = knownKey('okx', key);
  if (c === undefined) return { code: '50111', msg: 'Invalid OK-ACCESS-KEY.' };
  const at = Date.parse(timestamp);
  if (!Number.isFinite(at) || !/T.*Z$/.test(timestamp)) return { code: '50112', msg: 'Invalid OK-ACCESS-TIMESTAMP.' };
  if (Math.abs(at - wallNowMs) > 30_000) return { code: '50102', msg: 'Timestamp request expired.' };
  if (passphrase !== c.passphrase) return { code: '50105', msg: 'OK-ACCESS-PASSPHRASE incorrect.' };
  const requestPath = req.path + (req.rawQuery === '' ? '' : `?${req.rawQuery}`);
  const expected = hmacSha256Base64(c.secret, timestamp + req.method + requestPath + req.body);
  return signaturesEqual(expected, sign) ? undefined : { code: '50113', msg: 'Invalid Sign.' };
}
