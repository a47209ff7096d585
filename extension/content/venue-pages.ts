import type { VenueId } from '../../shared/engine/positions/account.ts';

/**
 * Which pages get the overlay, and which venue a page belongs to. The real trading pages by host;
 * the demo build's local fixture pages (extension/content/fixtures, served on loopback) by their first
 * path segment, `/binance/...`, so one loopback origin can stand in for all four venues.
 */
export const CONTENT_MATCHES = [
  'https://www.binance.com/*',
  'https://www.bybit.com/*',
  'https://www.okx.com/*',
  'https://app.hyperliquid.xyz/*',
];

export const DEMO_CONTENT_MATCHES = ['http://127.0.0.1/*'];

const BY_HOST: Readonly<Record<string, VenueId>> = {
  'www.binance.com': 'binance',
  'www.bybit.com': 'bybit',
  'www.okx.com': 'okx',
  'app.hyperliquid.xyz': 'hyperliquid',
};

/** The futures trading paths, per venue (venue-pages.md); other pages of the venue get no overlay. */
const TRADING_PATH: Readonly<Record<VenueId, RegExp>> = {
  binance: /^\/(?:[a-z]{2}(?:-[A-Za-z]{2,4})?\/)?futures\/[A-Z0-9]+/,
  bybit: /^\/trade\/(?:usdt|usdc|inverse)\/[A-Z0-9]+/,
  okx: /^\/trade-(?:swap|futures)\//,
  hyperliquid: /^\/trade(?:\/|$)/,
};

export interface VenuePage {
  readonly venue: VenueId;
  /** The path as the venue would have it (the fixture prefix removed). */
  readonly path: string;
}

export function venuePage(hostname: string, pathname: string): VenuePage | null {
  let venue = BY_HOST[hostname];
  let path = pathname;
  if (venue === undefined && hostname === '127.0.0.1') {
    const m = /^\/(binance|bybit|okx|hyperliquid)(\/.*)$/.exec(pathname);
    if (m === null) return null;
    venue = m[1] as VenueId;
    path = m[2] ?? '/';
  }
  if (venue === undefined) return null;
  return TRADING_PATH[venue].test(path) ? { venue, path } : null;
}
