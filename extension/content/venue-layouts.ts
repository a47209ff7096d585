import type { VenueId } from '../../shared/engine/positions/account.ts';
import { binanceLayout } from './venues/binance.ts';
import { bybitLayout } from './venues/bybit.ts';
import { hyperliquidLayout } from './venues/hyperliquid.ts';
import { okxLayout } from './venues/okx.ts';
import type { VenueLayout } from './venues/venue-layout.ts';

export const VENUE_LAYOUTS: Readonly<Record<VenueId, VenueLayout>> = {
  binance: binanceLayout,
  bybit: bybitLayout,
  okx: okxLayout,
  hyperliquid: hyperliquidLayout,
};
