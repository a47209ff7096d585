import type { VenueId } from '../engine/positions/account.ts';
import type { VenueAccess, VenueEndpoints } from '../ports/venue-adapter.ts';

/**
 * The local simulator (tools/simulator): its fixed demo credentials, which open nothing real and are
 * not secrets, and where it serves each venue (`<origin>/<venue>`, REST and websocket alike). Copied
 * here because a home may not import tools/; `simulator-access.test.ts` fails if the copies drift.
 */
export const SIMULATOR_DEMO_ACCESS: Readonly<Record<VenueId, VenueAccess>> = {
  binance: { apiKey: 'sim-binance-demo-key', apiSecret: 'sim-binance-demo-secret' },
  bybit: { apiKey: 'sim-bybit-demo-key', apiSecret: 'sim-bybit-demo-secret' },
  okx: { apiKey: 'sim-okx-demo-key', apiSecret: 'sim-okx-demo-secret', passphrase: 'sim-okx-demo-passphrase' },
  hyperliquid: { address: '0x5eed000000000000000000000000000000000dec' },
};

/** `http://127.0.0.1:8780` (or an https origin) to the simulator's endpoints of one venue. */
export function simulatorEndpoints(origin: string, venue: VenueId): VenueEndpoints {
  const url = new URL(origin);
  const ws = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return { rest: `${url.origin}/${venue}`, ws: `${ws}//${url.host}/${venue}` };
}
