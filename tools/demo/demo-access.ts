import { DEMO_CREDENTIALS } from '../simulator/accounts/demo-credentials.ts';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { VenueAccess } from '../../shared/ports/venue-adapter.ts';

/** The simulator's fixed demo credentials (simulator/README.md), as each adapter wants them. Not secrets. */
const c = DEMO_CREDENTIALS;
export const DEMO_ACCESS: Readonly<Record<VenueId, VenueAccess>> = {
  binance: { apiKey: c.binance.apiKey, apiSecret: c.binance.secret },
  bybit: { apiKey: c.bybit.apiKey, apiSecret: c.bybit.secret },
  okx: { apiKey: c.okx.apiKey, apiSecret: c.okx.secret, passphrase: c.okx.passphrase },
  hyperliquid: { address: c.hyperliquid.address },
};
