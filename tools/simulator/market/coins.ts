import { MARKET_COINS, type MarketCoin } from '../../market-paths/scenarios.ts';

/**
 * Each venue's own name and precision for the three coins the scenarios move. Tick decimals follow
 * the venues' listings closely enough for realistic-looking strings (BTCUSDT ticks 0.1, etc.).
 */
export interface CoinListing {
  readonly coin: MarketCoin;
  readonly binance: string;
  readonly bybit: string;
  readonly okx: string;
  /** OKX contract value in base units (BTC-USDT-SWAP: 0.01 BTC per contract). */
  readonly okxCtVal: number;
  readonly hyperliquid: string;
  /** Decimals of the price tick on the CEXes. */
  readonly priceDecimals: number;
  /** Decimals of the quantity step on Binance/Bybit. */
  readonly qtyDecimals: number;
  /** Hyperliquid `szDecimals`. */
  readonly hlSzDecimals: number;
}

export const COIN_LISTINGS: Readonly<Record<MarketCoin, CoinListing>> = {
  BTC: { coin: 'BTC', binance: 'BTCUSDT', bybit: 'BTCUSDT', okx: 'BTC-USDT-SWAP', okxCtVal: 0.01, hyperliquid: 'BTC', priceDecimals: 1, qtyDecimals: 3, hlSzDecimals: 5 },
  ETH: { coin: 'ETH', binance: 'ETHUSDT', bybit: 'ETHUSDT', okx: 'ETH-USDT-SWAP', okxCtVal: 0.1, hyperliquid: 'ETH', priceDecimals: 2, qtyDecimals: 3, hlSzDecimals: 4 },
  SOL: { coin: 'SOL', binance: 'SOLUSDT', bybit: 'SOLUSDT', okx: 'SOL-USDT-SWAP', okxCtVal: 1, hyperliquid: 'SOL', priceDecimals: 3, qtyDecimals: 0, hlSzDecimals: 2 },
};

export const LISTINGS: readonly CoinListing[] = MARKET_COINS.map((c) => COIN_LISTINGS[c]);

type VenueName = 'binance' | 'bybit' | 'okx' | 'hyperliquid';

/** The listing a venue symbol names (case-insensitive for Binance's lowercase stream names). */
export function listingBySymbol(venue: VenueName, symbol: string): CoinListing | undefined {
  const wanted = venue === 'binance' ? symbol.toUpperCase() : symbol;
  return LISTINGS.find((l) => l[venue] === wanted);
}
