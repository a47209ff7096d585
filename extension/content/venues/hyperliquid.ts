import type { VenueLayout } from './venue-layout.ts';

/**
 * Hyperliquid, /trade/<COIN>: a plain table inside #accountTable (classes are styled-components hashes);
 * columns Coin (with leverage), Size, Position Value, Entry Price, Mark Price, PNL (ROE %), Liq. Price,
 * Margin, Funding (venue-pages.md). Scoped to #accountTable, not the first table on the page.
 */
export const hyperliquidLayout: VenueLayout = {
  venue: 'hyperliquid',
  scopes: ['#accountTable'],
  headerTexts: ['Coin', 'Size', 'Position Value', 'Entry Price', 'Liq. Price'],
  symbolHeader: 'Coin',
  sizeHeader: 'Size',
  grid: null,
  // "BTC 20x"; a builder market reads "dex:COIN" and keeps its prefix.
  symbolOf: (text) => /^\s*([A-Za-z0-9]+(?::[A-Za-z0-9]+)?)/.exec(text)?.[1]?.toUpperCase() ?? null,
};
