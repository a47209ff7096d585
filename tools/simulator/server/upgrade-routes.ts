import type { SimContext } from './sim-context.ts';
import type { UpgradeRoute } from './upgrade-route.ts';
import { BinanceMarketSession, streamNames } from '../venues/binance/market-stream.ts';
import type { ListenKeys } from '../venues/binance/listen-keys.ts';
import { BinanceUserSession, eventAllowList } from '../venues/binance/user-stream.ts';
import { BybitPrivateSession, maxActiveTimeMs } from '../venues/bybit/private-stream.ts';
import { BybitPublicSession } from '../venues/bybit/public-stream.ts';
import { HyperliquidSession } from '../venues/hyperliquid/stream.ts';
import { OkxPrivateSession } from '../venues/okx/private-stream.ts';
import { OkxPublicSession } from '../venues/okx/public-stream.ts';

/**
 * Which session a websocket URL opens: `/<venue>` followed by the venue's own path. Anything else is
 * refused with 404 (Binance's retired `/ws/<listenKey>` and `/stream` included).
 */
export function upgradeRoute(ctx: SimContext, listenKeys: ListenKeys, url: URL): UpgradeRoute {
  const path = url.pathname;
  const q = url.searchParams;
  const accept = (session: UpgradeRoute & { kind: 'accept' }): UpgradeRoute => session;
  if (path === '/binance/market/ws' || path.startsWith('/binance/market/ws/')) {
    const names = streamNames(decodeURIComponent(path.slice('/binance/market/ws'.length)));
    return accept({ kind: 'accept', session: (s) => new BinanceMarketSession(ctx, s, names, false) });
  }
  if (path === '/binance/market/stream') {
    return accept({ kind: 'accept', session: (s) => new BinanceMarketSession(ctx, s, streamNames(q.get('streams')), true) });
  }
  if (path === '/binance/private/ws' || path === '/binance/private/stream') {
    const key = q.get('listenKey') ?? '';
    if (!listenKeys.isValid(key, ctx.clock.now())) return { kind: 'reject', status: 400, body: { code: -1125, msg: 'This listenKey does not exist.' } };
    const combined = path.endsWith('/stream');
    return accept({ kind: 'accept', session: (s) => new BinanceUserSession(ctx, s, listenKeys, key, eventAllowList(q.get('events')), combined) });
  }
  switch (path) {
    case '/bybit/v5/public/linear':
      return accept({ kind: 'accept', session: (s) => new BybitPublicSession(ctx, s) });
    case '/bybit/v5/private': {
      const idle = maxActiveTimeMs(q.get('max_active_time')) ?? ctx.timing.bybitIdleMs;
      return accept({ kind: 'accept', session: (s) => new BybitPrivateSession(ctx, s, idle) });
    }
    case '/okx/ws/v5/public':
      return accept({ kind: 'accept', session: (s) => new OkxPublicSession(ctx, s) });
    case '/okx/ws/v5/private':
      return accept({ kind: 'accept', session: (s) => new OkxPrivateSession(ctx, s) });
    case '/hyperliquid/ws':
      return accept({ kind: 'accept', session: (s) => new HyperliquidSession(ctx, s) });
    default:
      return { kind: 'reject', status: 404, body: { error: `no websocket endpoint at ${path}` } };
  }
}
