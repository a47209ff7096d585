import { firstToken, type VenueLayout } from './venue-layout.ts';

/**
 * Bybit, /trade/{usdt|usdc|inverse}/<SYMBOL>: a real <table> found by its header texts ("Contracts",
 * "Unrealized P&L"); columns can be hidden or dragged, so cells go by header text (venue-pages.md).
 */
export const bybitLayout: VenueLayout = {
  venue: 'bybit',
  scopes: [],
  headerTexts: ['Contracts', 'Qty', 'Entry Price', 'Liq. Price', 'Unrealized P&L'],
  symbolHeader: 'Contracts',
  sizeHeader: 'Qty',
  grid: null,
  symbolOf: firstToken,
};
