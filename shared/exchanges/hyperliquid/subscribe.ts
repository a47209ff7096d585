import type { RestRequest } from '../../ports/http.ts';

/**
 * Hyperliquid outbound side (docs/margin-math.md §5.2-5.3). No keys: an account's state is public by address.
 */
export const socketUrl = (wsBase: string): string => `${wsBase}/ws`;

export const subscribeFrame = (subscription: object): string => JSON.stringify({ method: 'subscribe', subscription });

export const activeAssetCtx = (coin: string) => ({ type: 'activeAssetCtx', coin });
export const clearinghouseState = (user: string) => ({ type: 'clearinghouseState', user });

/** Answered by `{"channel":"pong"}`; the server closes a socket it has sent nothing on for 60 s. */
export const PING = JSON.stringify({ method: 'ping' });

const info = (body: object): RestRequest => ({
  method: 'POST',
  path: '/info',
  query: '',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

export const clearinghouseStateRequest = (user: string): RestRequest => info({ type: 'clearinghouseState', user });

/** The perp universe with each coin's margin table id, and the margin tables. */
export const metaRequest = (): RestRequest => info({ type: 'meta' });
