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

/** `http://127.0.0.1:8780` (or an https origin; a path is ignored) to the simulator's endpoints of one venue. */
export function simulatorEndpoints(origin: string, venue: VenueId): VenueEndpoints {
  // No URL class here: shared/ is built without the DOM or Node libraries.
  const m = /^(https?):\/\/([^/?#]+)/.exec(origin);
  if (m === null) throw new Error(`not an http(s) origin: ${origin.slice(0, 60)}`);
  const [, scheme, host] = m;
  return { rest: `${scheme}://${host}/${venue}`, ws: `${scheme === 'https' ? 'wss' : 'ws'}://${host}/${venue}` };
}
