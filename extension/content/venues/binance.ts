import { firstToken, type VenueLayout } from './venue-layout.ts';

/**
 * Binance USD-M futures, /(<lang>/)?futures/<SYMBOL>. Hashed css-xxxx classes are unstable; the account
 * area is a tab group with "Positions" and the positions list has column headers (venue-pages.md).
 * Symbol cell: "BTCUSDT" then "Perp" and the leverage.
 */
export const binanceLayout: VenueLayout = {
  venue: 'binance',
  scopes: ['[data-testid="positions-table"]', '#futures-account-tab-content'],
  headerTexts: ['Symbol', 'Size', 'Entry Price', 'Mark Price', 'Liq.Price'],
  symbolHeader: 'Symbol',
  sizeHeader: 'Size',
  grid: null,
  symbolOf: firstToken,
};
