import { WebSocket } from 'ws';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import { venueAdapters } from '../../shared/exchanges/venues.ts';
import { createFeed } from '../../shared/feed/feed.ts';
import { webSocketFactory } from '../../shared/feed/websocket-factory.ts';
import { fetchHttp } from '../../shared/platform/fetch-http.ts';
import { systemClock } from '../../shared/platform/system-clock.ts';
import { webCryptoHmac } from '../../shared/platform/webcrypto-hmac.ts';
import type { MarkFeed } from './relay-watcher.ts';

/**
 * One public mark feed per venue: shared/feed without credentials follows the marks of its watch
 * list only (one socket per venue). `venuesFrom` points every venue at one origin (the simulator)
 * for tests and the demo; null is the real exchanges.
 */
export function publicMarkFeed(venuesFrom: string | null): (venue: VenueId, watch: readonly string[], onEvent: (event: FeedEvent) => void) => MarkFeed {
  return (venue, watch, onEvent) => {
    const adapter = venueAdapters[venue];
    const endpoints =
      venuesFrom === null ? adapter.liveEndpoints : { rest: `${venuesFrom}/${venue}`, ws: `${venuesFrom.replace(/^http/, 'ws')}/${venue}` };
    return createFeed({
      adapter,
      endpoints,
      access: {},
      watch,
      socketFactory: webSocketFactory(WebSocket),
      clock: systemClock,
      http: fetchHttp(10_000),
      hmac: webCryptoHmac(),
      random: Math.random,
      onEvent,
    });
  };
}

/**
 * Batch windows: each venue's mark interval (Binance `@markPrice@1s`; Bybit tickers every 100 ms;
 * OKX mark-price at most every 200 ms; Hyperliquid activeAssetCtx about every 500 ms), so a batch
 * holds at most a symbol's newest mark and nothing a trader would see waits a whole tick.
 */
export const MARK_WINDOW_MS: Readonly<Record<VenueId, number>> = { binance: 1_000, bybit: 100, okx: 200, hyperliquid: 500 };
