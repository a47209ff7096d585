import type { VenueAdapter } from '../../ports/venue-adapter.ts';
import { requiredAccess } from '../required-access.ts';
import { bybitMargin } from './margin.ts';
import { parseFrame, parseRest } from './parse.ts';
import { authFrame } from './sign.ts';
import {
  accountInfoRequest,
  pingFrame,
  POSITION_TOPIC,
  positionListRequest,
  privateUrl,
  publicUrl,
  riskLimitRequest,
  subscribeFrame,
  tickerTopic,
  WALLET_TOPIC,
  walletBalanceRequest,
} from './subscribe.ts';

/**
 * Bybit v5 linear for the feed. Marks: `tickers.{symbol}` on the public linear socket (snapshot, then
 * deltas). Account: `auth`, then `position.linear` and `wallet` on the private socket, after a REST
 * snapshot of account info, position list and wallet balance (the wallet topic sends no snapshot and
 * no event on PnL changes). Ping `{"op":"ping"}` every 20 s; Bybit cuts a socket after 10 minutes
 * without ping or data, we give up on one after 60 s without any frame (three missed pongs).
 */
export const bybitAdapter: VenueAdapter = {
  venue: 'bybit',
  margin: bybitMargin,
  liveEndpoints: { rest: 'https://api.bybit.com', ws: 'wss://stream.bybit.com' },
  timing: {
    heartbeat: { frame: pingFrame, mode: 'interval', intervalMs: 20_000 },
    deadAfterMs: { public: 60_000, private: 60_000 },
    maxConnectionMs: null,
    // Tickers push every 100 ms while anything changes; the mark moves constantly.
    markStaleAfterMs: 10_000,
  },
  needs: ['apiKey', 'apiSecret'],
  publicUrl: (wsBase) => publicUrl(wsBase),
  publicOpening: (symbols, id) => (symbols.length === 0 ? [] : [subscribeFrame(symbols.map(tickerTopic), id)]),
  subscribeMarks: (symbols, id) => [subscribeFrame(symbols.map(tickerTopic), id)],
  privateUrl: (wsBase) => privateUrl(wsBase),
  async privateOpening(access, now, hmac) {
    const { apiKey, apiSecret } = requiredAccess(access, ['apiKey', 'apiSecret'], 'bybit');
    // The auth request must arrive before `expires`; 10 s covers a slow connect.
    return { auth: await authFrame(apiKey, apiSecret, now + 10_000, hmac), subscribe: [subscribeFrame([POSITION_TOPIC, WALLET_TOPIC], 0)], acks: 1 };
  },
  setupCalls: () => Promise.resolve([]),
  session: null,
  async snapshotCalls(access, now, hmac) {
    const { apiKey, apiSecret } = requiredAccess(access, ['apiKey', 'apiSecret'], 'bybit');
    return [
      { purpose: 'account-config', request: await accountInfoRequest(apiKey, apiSecret, now, hmac) },
      { purpose: 'positions', request: await positionListRequest(apiKey, apiSecret, now, hmac) },
      { purpose: 'balance', request: await walletBalanceRequest(apiKey, apiSecret, now, hmac) },
    ];
  },
  // Public and per symbol: without `symbol` the endpoint pages 15 symbols at a time.
  tierCalls: (symbols) => Promise.resolve(symbols.map((symbol) => ({ purpose: 'tiers' as const, symbols: [symbol], request: riskLimitRequest(symbol) }))),
  parseFrame,
  parseRest,
};
