import type { RestCall, VenueAdapter } from '../../ports/venue-adapter.ts';
import { requiredAccess } from '../required-access.ts';
import { okxMargin } from './margin.ts';
import { parseFrame, parseRest } from './parse.ts';
import { loginFrame } from './sign.ts';
import {
  balanceRequest,
  instFamilyOf,
  instrumentsRequest,
  marketArgs,
  PING,
  positionsRequest,
  positionTiersRequest,
  PRIVATE_ARGS,
  privateUrl,
  publicUrl,
  subscribeFrame,
  WARNING_ARGS,
} from './subscribe.ts';

const keysOf = (access: Parameters<VenueAdapter['snapshotCalls']>[0]) => requiredAccess(access, ['apiKey', 'apiSecret', 'passphrase'], 'okx');

/**
 * OKX v5 swaps for the feed. Marks: `mark-price` on the public socket. Account: `login`, then
 * `positions` and `balance_and_position` (then, optionally, `liquidation-warning`) on the private socket, after a REST
 * snapshot of positions and balance; the instruments' contract values are fetched before all that. OKX drops a socket after 30 s
 * without traffic, so the feed sends `ping` after 20 s of silence and gives up after 40 s.
 */
export const okxAdapter: VenueAdapter = {
  venue: 'okx',
  margin: okxMargin,
  liveEndpoints: { rest: 'https://www.okx.com', ws: 'wss://ws.okx.com:8443' },
  timing: {
    heartbeat: { frame: () => PING, mode: 'idle', intervalMs: 20_000 },
    deadAfterMs: { public: 40_000, private: 40_000 },
    maxConnectionMs: null,
    // mark-price pushes on change (<= 200 ms) and every 10 s regardless.
    markStaleAfterMs: 30_000,
  },
  needs: ['apiKey', 'apiSecret', 'passphrase'],
  publicUrl: (wsBase) => publicUrl(wsBase),
  publicOpening: (symbols, id) => (symbols.length === 0 ? [] : [subscribeFrame(marketArgs(symbols), id)]),
  subscribeMarks: (symbols, id) => [subscribeFrame(marketArgs(symbols), id)],
  privateUrl: (wsBase) => privateUrl(wsBase),
  async privateOpening(access, now, hmac) {
    const keys = keysOf(access);
    return {
      auth: await loginFrame(keys.apiKey, keys.apiSecret, keys.passphrase, now, hmac),
      subscribe: [subscribeFrame(PRIVATE_ARGS, 0)],
      acks: PRIVATE_ARGS.length,
      optional: [subscribeFrame(WARNING_ARGS, 1)],
    };
  },
  // Contract values first: positions count contracts, tiers are bounded in contracts.
  setupCalls: () => Promise.resolve([{ purpose: 'instruments', request: instrumentsRequest() }]),
  session: null,
  async snapshotCalls(access, now, hmac) {
    const keys = keysOf(access);
    return [
      { purpose: 'positions', request: await positionsRequest(keys, now, hmac) },
      { purpose: 'balance', request: await balanceRequest(keys, now, hmac) },
    ];
  },
  tierCalls(symbols) {
    // One call per instrument family; every swap of the family shares its tiers.
    const byFamily = new Map<string, string[]>();
    for (const s of symbols) byFamily.set(instFamilyOf(s), [...(byFamily.get(instFamilyOf(s)) ?? []), s]);
    const calls: RestCall[] = [...byFamily.values()].map((members) => ({ purpose: 'tiers', symbols: members, request: positionTiersRequest(members[0]!) }));
    return Promise.resolve(calls);
  },
  parseFrame,
  parseRest,
};
