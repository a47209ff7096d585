import type { RestReply, RestRequest } from './rest-exchange.ts';
import type { SimContext } from './sim-context.ts';
import type { ListenKeys } from '../venues/binance/listen-keys.ts';
import { binanceRest } from '../venues/binance/rest.ts';
import { bybitRest } from '../venues/bybit/rest.ts';
import { hyperliquidInfo } from '../venues/hyperliquid/info.ts';
import { okxRest } from '../venues/okx/rest.ts';

/** The venue a REST path belongs to, and that venue's own path (the `/<venue>` prefix stripped). */
export function restRoute(ctx: SimContext, listenKeys: ListenKeys, url: URL, req: Omit<RestRequest, 'path'>, wallNow: number): RestReply {
  const match = /^\/(binance|bybit|okx|hyperliquid)(\/.*)$/.exec(url.pathname);
  if (match === null || match[1] === undefined || match[2] === undefined) {
    return { status: 404, body: { error: `no endpoint at ${url.pathname}; venues live under /binance, /bybit, /okx, /hyperliquid` } };
  }
  const venueReq: RestRequest = { ...req, path: match[2] };
  switch (match[1]) {
    case 'binance':
      return binanceRest(ctx, listenKeys, venueReq, wallNow);
    case 'bybit':
      return bybitRest(ctx, venueReq, wallNow);
    case 'okx':
      return okxRest(ctx, venueReq, wallNow);
    default:
      return hyperliquidInfo(ctx, venueReq);
  }
}
