import type { Hmac } from '../../ports/hmac.ts';
import type { RestRequest } from '../../ports/http.ts';
import { API_KEY_HEADER, queryString, RECV_WINDOW_MS, signedQuery } from './sign.ts';

/**
 * Binance USDⓈ-M outbound side: stream names, URLs, the JSON SUBSCRIBE frame and the REST calls, as
 * data. Endpoints per docs/margin-math.md §2.4-2.5 (the 2026 base-URL split: marks on `/market`, user data
 * on `/private`). Read-only: nothing here places, amends or cancels an order.
 */

/** 1-second mark price stream of one symbol. */
export const markStream = (symbol: string): string => `${symbol.toLowerCase()}@markPrice@1s`;

/** Stream-mode market URL: frames arrive wrapped as `{stream, data}`. */
export const marketUrl = (wsBase: string, symbols: readonly string[]): string =>
  `${wsBase}/market/stream?streams=${symbols.map(markStream).join('/')}`;

/** Adds streams to an open market connection; answered by `{"result":null,"id":N}`. */
export const subscribeFrame = (symbols: readonly string[], id: number): string =>
  JSON.stringify({ method: 'SUBSCRIBE', params: symbols.map(markStream), id });

/**
 * The user-data events we consume. When `events` is given it is an allow-list (docs/margin-math.md §2.4: a
 * socket filtered to two events did not receive `listenKeyExpired`), so every consumed event is named.
 */
export const USER_EVENTS = ['ACCOUNT_UPDATE', 'MARGIN_CALL', 'listenKeyExpired', 'ACCOUNT_CONFIG_UPDATE'] as const;

export const userDataUrl = (wsBase: string, listenKey: string): string =>
  `${wsBase}/private/ws?listenKey=${encodeURIComponent(listenKey)}&events=${USER_EVENTS.join('/')}`;

/** `POST /fapi/v1/listenKey`: key only, no signature; the key is valid 60 minutes. */
export const createListenKey = (apiKey: string): RestRequest => ({
  method: 'POST',
  path: '/fapi/v1/listenKey',
  query: '',
  headers: { [API_KEY_HEADER]: apiKey },
});

/** `PUT /fapi/v1/listenKey` extends the key by 60 minutes; -1125 means it is gone. */
export const keepAliveListenKey = (apiKey: string): RestRequest => ({
  method: 'PUT',
  path: '/fapi/v1/listenKey',
  query: '',
  headers: { [API_KEY_HEADER]: apiKey },
});

async function signedGet(
  path: string,
  params: readonly (readonly [string, string])[],
  apiKey: string,
  secret: string,
  now: number,
  hmac: Hmac,
): Promise<RestRequest> {
  const query = queryString([...params, ['recvWindow', String(RECV_WINDOW_MS)], ['timestamp', String(now)]]);
  return { method: 'GET', path, query: await signedQuery(query, secret, hmac), headers: { [API_KEY_HEADER]: apiKey } };
}

/** `GET /fapi/v3/positionRisk`: every open position (both legs in hedge mode). */
export const positionRiskRequest = (apiKey: string, secret: string, now: number, hmac: Hmac): Promise<RestRequest> =>
  signedGet('/fapi/v3/positionRisk', [], apiKey, secret, now, hmac);

/** `GET /fapi/v3/account`: the cross wallet balance. */
export const accountRequest = (apiKey: string, secret: string, now: number, hmac: Hmac): Promise<RestRequest> =>
  signedGet('/fapi/v3/account', [], apiKey, secret, now, hmac);

/**
 * `GET /sapi/v1/account/apiRestrictions` (signed): the key's own permissions (`enableFutures`,
 * `enableWithdrawals`, ...). It lives on the spot host (api.binance.com), not fapi.
 */
export const apiRestrictionsRequest = (apiKey: string, secret: string, now: number, hmac: Hmac): Promise<RestRequest> =>
  signedGet('/sapi/v1/account/apiRestrictions', [], apiKey, secret, now, hmac);

/** `GET /fapi/v1/leverageBracket` (USER_DATA, signed): brackets of every symbol, or of one. */
export const leverageBracketRequest = (
  apiKey: string,
  secret: string,
  now: number,
  hmac: Hmac,
  symbol?: string,
): Promise<RestRequest> =>
  signedGet('/fapi/v1/leverageBracket', symbol === undefined ? [] : [['symbol', symbol]], apiKey, secret, now, hmac);
