import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { VenueAccess } from '../../shared/ports/venue-adapter.ts';

/**
 * The local simulator's fixed demo credentials (tools/simulator/accounts/demo-credentials.ts, copied
 * because a home may not import tools/). They open nothing real and are not secrets;
 * `demo-access.test.ts` fails if the two copies drift apart.
 */
export const DEMO_ACCESS: Readonly<Record<VenueId, VenueAccess>> = {
  binance: { apiKey: 'sim-binance-demo-key', apiSecret: 'sim-binance-demo-secret' },
  bybit: { apiKey: 'sim-bybit-demo-key', apiSecret: 'sim-bybit-demo-secret' },
  okx: { apiKey: 'sim-okx-demo-key', apiSecret: 'sim-okx-demo-secret', passphrase: 'sim-okx-demo-passphrase' },
  hyperliquid: { address: '0x5eed000000000000000000000000000000000dec' },
};
