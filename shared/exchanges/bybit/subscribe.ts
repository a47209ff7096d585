import type { Hmac } from '../../ports/hmac.ts';
import type { RestRequest } from '../../ports/http.ts';
import { signedHeaders } from './sign.ts';

/**
 * Bybit v5 outbound side (docs/margin-math.md §3.3-3.4): topics, subscribe and ping frames, REST calls as data.
 * Read-only: no order endpoint appears here.
 */
export const tickerTopic = (symbol: string): string => `tickers.${symbol}`;

/** The category-specific position topic, so that inverse or option positions never reach the linear parser. */
export const POSITION_TOPIC = 'position.linear';
export const WALLET_TOPIC = 'wallet';

export const publicUrl = (wsBase: string): string => `${wsBase}/v5/public/linear`;
export const privateUrl = (wsBase: string): string => `${wsBase}/v5/private`;

export const subscribeFrame = (topics: readonly string[], id: number): string =>
  JSON.stringify({ req_id: `sub-${id}`, op: 'subscribe', args: topics });

/** "We recommend sending the ping heartbeat packet every 20 seconds." */
export const pingFrame = (id: number): string => JSON.stringify({ req_id: `ping-${id}`, op: 'ping' });

export const query = (params: readonly (readonly [string, string])[]): string =>
  params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

async function signedGet(path: string, params: readonly (readonly [string, string])[], apiKey: string, secret: string, now: number, hmac: Hmac): Promise<RestRequest> {
  const q = query(params);
  return { method: 'GET', path, query: q, headers: await signedHeaders(apiKey, secret, now, q, hmac) };
}

/** `GET /v5/position/list`: every USDT-settled linear position (200 per page, the maximum). */
export const positionListRequest = (apiKey: string, secret: string, now: number, hmac: Hmac): Promise<RestRequest> =>
  signedGet('/v5/position/list', [['category', 'linear'], ['settleCoin', 'USDT'], ['limit', '200']], apiKey, secret, now, hmac);

/** `GET /v5/account/wallet-balance`: the unified account's balances (the `wallet` topic sends no snapshot). */
export const walletBalanceRequest = (apiKey: string, secret: string, now: number, hmac: Hmac): Promise<RestRequest> =>
  signedGet('/v5/account/wallet-balance', [['accountType', 'UNIFIED']], apiKey, secret, now, hmac);

/** `GET /v5/account/info`: the account's margin mode (UTA positions no longer carry it). */
export const accountInfoRequest = (apiKey: string, secret: string, now: number, hmac: Hmac): Promise<RestRequest> =>
  signedGet('/v5/account/info', [], apiKey, secret, now, hmac);

/** `GET /v5/user/query-api`: the key's own record (`readOnly`, `permissions`). */
export const apiKeyInfoRequest = (apiKey: string, secret: string, now: number, hmac: Hmac): Promise<RestRequest> =>
  signedGet('/v5/user/query-api', [], apiKey, secret, now, hmac);

/** `GET /v5/market/risk-limit` for one symbol: public, no signature. */
export const riskLimitRequest = (symbol: string): RestRequest => ({
  method: 'GET',
  path: '/v5/market/risk-limit',
  query: query([['category', 'linear'], ['symbol', symbol]]),
  headers: {},
});
