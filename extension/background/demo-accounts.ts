import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { VenueAccess, VenueEndpoints } from '../../shared/ports/venue-adapter.ts';

/**
 * The local simulator's fixed demo credentials (tools/simulator/README.md): they open nothing real and
 * are not secrets, so they live in the code (a test checks them against the simulator's own list).
 */
export const SIMULATOR_DEMO_ACCESS: Readonly<Record<VenueId, VenueAccess>> = {
  binance: { apiKey: 'sim-binance-demo-key', apiSecret: 'sim-binance-demo-secret' },
  bybit: { apiKey: 'sim-bybit-demo-key', apiSecret: 'sim-bybit-demo-secret' },
  okx: { apiKey: 'sim-okx-demo-key', apiSecret: 'sim-okx-demo-secret', passphrase: 'sim-okx-demo-passphrase' },
  hyperliquid: { address: '0x5eed000000000000000000000000000000000dec' },
};

/** The simulator serves each venue under its own path: `<origin>/<venue>` for REST and websocket alike. */
export function simulatorEndpoints(simulatorUrl: string, venue: VenueId): VenueEndpoints {
  const http = new URL(simulatorUrl);
  return { rest: `http://${http.host}/${venue}`, ws: `ws://${http.host}/${venue}` };
}
