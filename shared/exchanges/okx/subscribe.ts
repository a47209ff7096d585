import type { Hmac } from '../../ports/hmac.ts';
import type { RestRequest } from '../../ports/http.ts';
import { signedHeaders } from './sign.ts';

/**
 * OKX v5 outbound side (docs/margin-math.md §4.1, §4.3): channels, subscribe and ping frames, REST calls as
 * data. Read-only: no trade endpoint appears here.
 */
export const publicUrl = (wsBase: string): string => `${wsBase}/ws/v5/public`;
export const privateUrl = (wsBase: string): string => `${wsBase}/ws/v5/private`;

export const markPriceArg = (instId: string) => ({ channel: 'mark-price', instId });

/** The coming funding payment of a swap (rate and time), pushed every 30 to 90 s. */
export const fundingRateArg = (instId: string) => ({ channel: 'funding-rate', instId });

/** Each watched swap's mark and funding channels. */
export const marketArgs = (instIds: readonly string[]) => instIds.flatMap((id) => [markPriceArg(id), fundingRateArg(id)]);

/** Account channels: positions (events only, no periodic snapshots) and balances. */
export const PRIVATE_ARGS = [
  { channel: 'positions', instType: 'SWAP', extraParams: '{"updateInterval":"0"}' },
  { channel: 'balance_and_position' },
] as const;

/** OKX's own risk warning: useful, not essential (our tiers come first), so its refusal is not fatal. */
export const WARNING_ARGS = [{ channel: 'liquidation-warning', instType: 'SWAP' }] as const;

export const subscribeFrame = (args: readonly object[], id: number): string => JSON.stringify({ id: String(id), op: 'subscribe', args });

/** The literal string `ping`; OKX answers `pong`. Needed within 30 s of silence. */
export const PING = 'ping';

/** Instrument family of a swap: BTC-USDT-SWAP -> BTC-USDT. */
export const instFamilyOf = (instId: string): string => instId.replace(/-SWAP$/, '');

const query = (params: readonly (readonly [string, string])[]): string =>
  params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

export interface OkxKeys {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly passphrase: string;
}

async function signedGet(path: string, params: readonly (readonly [string, string])[], keys: OkxKeys, now: number, hmac: Hmac): Promise<RestRequest> {
  const q = query(params);
  const headers = await signedHeaders(keys.apiKey, keys.apiSecret, keys.passphrase, now, 'GET', q === '' ? path : `${path}?${q}`, '', hmac);
  return { method: 'GET', path, query: q, headers };
}

export const positionsRequest = (keys: OkxKeys, now: number, hmac: Hmac): Promise<RestRequest> =>
  signedGet('/api/v5/account/positions', [['instType', 'SWAP']], keys, now, hmac);

/** `GET /api/v5/account/config`: the account's settings and the key's `perm` (read_only, trade, withdraw). */
export const accountConfigRequest = (keys: OkxKeys, now: number, hmac: Hmac): Promise<RestRequest> =>
  signedGet('/api/v5/account/config', [], keys, now, hmac);

export const balanceRequest = (keys: OkxKeys, now: number, hmac: Hmac): Promise<RestRequest> =>
  signedGet('/api/v5/account/balance', [['ccy', 'USDT']], keys, now, hmac);

/** Public: every swap's contract value (`ctVal`), needed to turn contracts into base units. */
export const instrumentsRequest = (): RestRequest => ({ method: 'GET', path: '/api/v5/public/instruments', query: query([['instType', 'SWAP']]), headers: {} });

/** Public: the position tiers of one swap family (bounds in contracts). */
export const positionTiersRequest = (instId: string): RestRequest => ({
  method: 'GET',
  path: '/api/v5/public/position-tiers',
  query: query([['instType', 'SWAP'], ['tdMode', 'cross'], ['instFamily', instFamilyOf(instId)]]),
  headers: {},
});
