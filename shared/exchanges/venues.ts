import type { MarginModel } from '../engine/margin/margin-model.ts';
import type { VenueId } from '../engine/positions/account.ts';
import type { VenueAdapter } from '../ports/venue-adapter.ts';
import { binanceAdapter } from './binance/adapter.ts';
import { binanceMargin } from './binance/margin.ts';
import { bybitAdapter } from './bybit/adapter.ts';
import { bybitMargin } from './bybit/margin.ts';
import { hyperliquidAdapter } from './hyperliquid/adapter.ts';
import { hyperliquidMargin } from './hyperliquid/margin.ts';
import { okxAdapter } from './okx/adapter.ts';
import { okxMargin } from './okx/margin.ts';

/** Each venue's margin rules, by venue id. A plain record: adding a venue is one import and one line. */
export const marginModels: Readonly<Record<VenueId, MarginModel>> = {
  binance: binanceMargin,
  bybit: bybitMargin,
  okx: okxMargin,
  hyperliquid: hyperliquidMargin,
};

/**
 * Each venue's adapter for the feed (URLs, frames, REST calls, parsers, margin model), by venue id.
 * The home picks one and hands it to `createFeed`; the feed never imports a venue.
 */
export const venueAdapters: Readonly<Record<VenueId, VenueAdapter>> = {
  binance: binanceAdapter,
  bybit: bybitAdapter,
  okx: okxAdapter,
  hyperliquid: hyperliquidAdapter,
};

/** Taker fee assumed when the account gives none: each venue's base (VIP 0) taker rate for perps. */
export const defaultTakerFeeRate: Readonly<Record<VenueId, number>> = {
  binance: 0.0005,
  bybit: 0.00055,
  okx: 0.0005,
  hyperliquid: 0.00045,
};
