import { knownKey } from '../../accounts/demo-credentials.ts';
import { hmacSha256Hex, signaturesEqual } from '../../server/hmac.ts';
import { header, type RestReply, type RestRequest } from '../../server/rest-exchange.ts';

/**
 * Binance request security (USDⓈ-M "Endpoint security type"): USER_STREAM needs the `X-MBX-APIKEY`
 * header; USER_DATA also needs `timestamp` within `recvWindow` (default 5000 ms, max 60000) of the
 * server's wall clock and `signature` = hex HMAC-SHA256(secret, totalParams), where totalParams is the
 * query string (without `signature`) concatenated with the request body. The timestamp is checked
 * against the real wall clock, not sim time: clients sign with their own clock.
 */
const errorReply = (status: number, code: number, msg: string): RestReply => ({ status, body: { code, msg } });

export function checkApiKey(req: RestRequest): RestReply | undefined {
  const key = header(req, 'x-mbx-apikey');
  if (key === undefined || key === '') return errorReply(401, -2014, 'API-key format invalid.');
  if (knownKey('binance', key) === undefined) return errorReply(401, -2015, 'Invalid API-key, IP, or permissions for action.');
  return undefined;
}

export function checkSigned(req: RestRequest, wallNow: number): RestReply | undefined {
  const keyProblem = checkApiKey(req);
  if (keyProblem !== undefined) return keyProblem;
  const params = new URLSearchParams(`${req.rawQuery}&${req.body}`);
  const timestamp = Number(params.get('timestamp'));
  if (!params.has('timestamp') || !Number.isInteger(timestamp)) {
    return errorReply(400, -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
  }
  const signature = params.get('signature');
  if (signature === null || signature === '') {
    return errorReply(400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
  }
  const recvWindow = params.has('recvWindow') ? Number(params.get('recvWindow')) : 5000;
  if (!(recvWindow > 0 && recvWindow <= 60_000)) return errorReply(400, -1131, 'recvWindow must be less than 60000');
  if (timestamp >= wallNow + 1000 || wallNow - timestamp > recvWindow) {
    return errorReply(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
  }
  const unsignedQuery = req.rawQuery
    .split('&')
    .filter((part) => !part.startsWith('signature='))
    .join('&');
  const secret = knownKey('binance', header(req, 'x-mbx-apikey') ?? '')?.secret ?? '';
  const expected = hmacSha256Hex(secret, unsignedQuery + req.body.replace(/&?signature=[^&]*/, ''));
  if (!signaturesEqual(expected, signature)) return errorReply(400, -1022, 'Signature for this request is not valid.');
  return undefined;
}
