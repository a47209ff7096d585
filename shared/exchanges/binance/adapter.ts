import type { VenueAdapter } from '../../ports/venue-adapter.ts';
import { requiredAccess } from '../required-access.ts';
import { binanceMargin } from './margin.ts';
import { parseFrame, parseRest } from './parse.ts';
import {
  accountRequest,
  createListenKey,
  keepAliveListenKey,
  leverageBracketRequest,
  marketUrl,
  positionRiskRequest,
  subscribeFrame,
  userDataUrl,
} from './subscribe.ts';

const MINUTE = 60_000;

/**
 * Binance USDⓈ-M futures for the feed. Marks: `<symbol>@markPrice@1s` in stream mode on `/market`.
 * Account: the user-data stream on `/private` with a listenKey (POST, then PUT every 30 minutes; the
 * key lives 60), after a REST snapshot of positionRisk and account. No app-level ping: Binance pings
 * every 3 minutes at the protocol level and both browser sockets and `ws` answer by themselves; a
 * connection lives at most 24 hours, so the feed reconnects 10 minutes before.
 */
export const binanceAdapter: VenueAdapter = {
  venue: 'binance',
  margin: binanceMargin,
  liveEndpoints: { rest: 'https://fapi.binance.com', ws: 'wss://fstream.binance.com' },
  timing: {
    heartbeat: null,
    // Marks arrive every second: 30 s of silence is a dead socket. The user-data socket can be quiet for hours.
    deadAfterMs: { public: 30_000, private: null },
    maxConnectionMs: 24 * 60 * MINUTE - 10 * MINUTE,
    markStaleAfterMs: 10_000,
  },
  needs: ['apiKey', 'apiSecret'],
  publicUrl: marketUrl,
  publicOpening: () => [],
  subscribeMarks: (symbols, id) => [subscribeFrame(symbols, id)],
  privateUrl: (wsBase, _access, token) => userDataUrl(wsBase, token ?? ''),
  privateOpening: () => Promise.resolve({ auth: null, subscribe: [], acks: 0 }),
  setupCalls: () => Promise.resolve([]),
  session: {
    keepAliveMs: 30 * MINUTE,
    create: (access) => createListenKey(requiredAccess(access, ['apiKey'], 'binance').apiKey),
    keepAlive: (access) => keepAliveListenKey(requiredAccess(access, ['apiKey'], 'binance').apiKey),
    missingCode: '-1125',
  },
  async snapshotCalls(access, now, hmac) {
    const { apiKey, apiSecret } = requiredAccess(access, ['apiKey', 'apiSecret'], 'binance');
    return [
      { purpose: 'positions', request: await positionRiskRequest(apiKey, apiSecret, now, hmac) },
      { purpose: 'balance', request: await accountRequest(apiKey, apiSecret, now, hmac) },
    ];
  },
  async tierCalls(symbols, access, now, hmac) {
    const { apiKey, apiSecret } = requiredAccess(access, ['apiKey', 'apiSecret'], 'binance');
    // One call returns every symbol's brackets; asking per symbol would cost one request each.
    return [{ purpose: 'tiers', symbols, request: await leverageBracketRequest(apiKey, apiSecret, now, hmac) }];
  },
  parseFrame,
  parseRest,
};
