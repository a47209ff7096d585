import type { VenueLayout } from './venue-layout.ts';

/**
 * OKX, /trade-swap/<inst>: the positions pane is a div grid of okui-table rows inside .position-box
 * (aria-hidden rows are measurement rows); okui-* classes are stable, hashed index_xxx classes are not
 * (venue-pages.md). The instrument cell reads "BTCUSDT Perpetual" (or "BTC-USDT-SWAP"); the feed spells it BTC-USDT-SWAP.
 */
export const okxLayout: VenueLayout = {
  venue: 'okx',
  scopes: ['#trade-account-tab-box .position-box', '.position-box'],
  headerTexts: ['Instrument', 'Position', 'Avg. price', 'Mark price', 'Est. liq. price'],
  symbolHeader: 'Instrument',
  sizeHeader: 'Position',
  grid: { headerCell: '.okui-table-thead .okui-table-cell', row: '.okui-table-row:not([aria-hidden="true"])', cell: '.okui-table-cell' },
  symbolOf(text) {
    const t = text.trim().toUpperCase();
    const dashed = /^([A-Z0-9]+)-([A-Z0-9]+)-SWAP/.exec(t);
    if (dashed !== null) return `${dashed[1]}-${dashed[2]}-SWAP`;
    const joined = /^([A-Z0-9]+?)(USDT|USDC|USD)\b/.exec(t);
    return joined === null ? null : `${joined[1]}-${joined[2]}-SWAP`;
  },
};
