import type { VenueAdapter } from '../../ports/venue-adapter.ts';
import { requiredAccess } from '../required-access.ts';
import { hyperliquidMargin } from './margin.ts';
import { parseFrame, parseRest } from './parse.ts';
import { activeAssetCtx, clearinghouseState, clearinghouseStateRequest, metaRequest, PING, socketUrl, subscribeFrame } from './subscribe.ts';

/**
 * Hyperliquid perps for the feed. Marks: `activeAssetCtx` per coin. Account: `clearinghouseState` by
 * address (public, no key), after the same state by REST. The server closes a socket it has not sent
 * on for 60 s and a user-state socket can be quiet for minutes, so `{"method":"ping"}` goes out after
 * 30 s without traffic either way (docs/margin-math.md §5.3), and 60 s of silence counts as dead.
 */
export const hyperliquidAdapter: VenueAdapter = {
  venue: 'hyperliquid',
  margin: hyperliquidMargin,
  liveEndpoints: { rest: 'https://api.hyperliquid.xyz', ws: 'wss://api.hyperliquid.xyz' },
  timing: {
    heartbeat: { frame: () => PING, mode: 'idle', intervalMs: 30_000 },
    deadAfterMs: { public: 60_000, private: 60_000 },
    maxConnectionMs: null,
    // activeAssetCtx pushes when the context changes; the mark moves every few seconds.
    markStaleAfterMs: 30_000,
  },
  needs: ['address'],
  publicUrl: (wsBase) => socketUrl(wsBase),
  publicOpening: (coins) => coins.map((coin) => subscribeFrame(activeAssetCtx(coin))),
  subscribeMarks: (coins) => coins.map((coin) => subscribeFrame(activeAssetCtx(coin))),
  privateUrl: (wsBase) => socketUrl(wsBase),
  privateOpening(access) {
    const { address } = requiredAccess(access, ['address'], 'hyperliquid');
    return Promise.resolve({ auth: null, subscribe: [subscribeFrame(clearinghouseState(address))], acks: 1 });
  },
  setupCalls: () => Promise.resolve([]),
  session: null,
  snapshotCalls(access) {
    const { address } = requiredAccess(access, ['address'], 'hyperliquid');
    return Promise.resolve([{ purpose: 'positions', request: clearinghouseStateRequest(address) }]);
  },
  // One call carries every coin's margin table.
  tierCalls: (coins) => Promise.resolve([{ purpose: 'tiers', symbols: coins, request: metaRequest() }]),
  parseFrame,
  parseRest,
};
