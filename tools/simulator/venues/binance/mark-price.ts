import { LISTINGS, type CoinListing } from '../../market/coins.ts';
import { fixed } from '../../market/decimal-text.ts';
import { extraMark, type ExtraSymbol } from '../../market/extra-symbols.ts';
import type { SimContext } from '../../server/sim-context.ts';

/**
 * Binance USDⓈ-M mark prices, shaped like shared/exchanges/binance/fixtures/binance-ws-markPriceUpdate.doc-example.jsonc:
 *   {"e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT","p":"11794.15000000","i":"11784.62659091",
 *    "P":"11784.25641265","r":"0.00038167","T":1562306400000}
 * and the REST `GET /fapi/v1/premiumIndex` rows with the same numbers.
 */
export interface MarkQuote {
  readonly symbol: string;
  readonly mark: number;
  readonly index: number;
  readonly fundingRate: number;
  readonly nextFundingTime: number;
}

/** Every symbol's quote at sim time t: the three scenario coins first, then the extra symbols. */
export function markQuotes(ctx: SimContext, t: number): MarkQuote[] {
  return [...LISTINGS.map((l) => mainQuote(ctx, l, t)), ...ctx.binanceExtras.map((s) => extraQuote(ctx, s, t))];
}

export function quoteFor(ctx: SimContext, symbol: string, t: number): MarkQuote | undefined {
  const wanted = symbol.toUpperCase();
  const listing = LISTINGS.find((l) => l.binance === wanted);
  if (listing !== undefined) return mainQuote(ctx, listing, t);
  const extra = ctx.binanceExtras.find((s) => s.symbol === wanted);
  return extra === undefined ? undefined : extraQuote(ctx, extra, t);
}

const mainQuote = (ctx: SimContext, l: CoinListing, t: number): MarkQuote => ({
  symbol: l.binance,
  mark: ctx.market.mark(l.coin, t),
  index: ctx.market.index(l.coin, t),
  fundingRate: ctx.market.fundingRate(l.coin, t),
  nextFundingTime: ctx.books.binance.nextFundingMs(t),
});

const extraQuote = (ctx: SimContext, s: ExtraSymbol, t: number): MarkQuote => {
  const mark = extraMark(s, ctx.market, t);
  return { symbol: s.symbol, mark, index: mark * (1 - 0.0003), fundingRate: 0.0001, nextFundingTime: ctx.books.binance.nextFundingMs(t) };
};

export const markPriceUpdate = (q: MarkQuote, eventTime: number): Record<string, unknown> => ({
  e: 'markPriceUpdate',
  E: eventTime,
  s: q.symbol,
  p: fixed(q.mark, 8),
  i: fixed(q.index, 8),
  P: fixed(q.index, 8),
  r: fixed(q.fundingRate, 8),
  T: q.nextFundingTime,
});

export const premiumIndexRow = (q: MarkQuote, time: number): Record<string, unknown> => ({
  symbol: q.symbol,
  markPrice: fixed(q.mark, 8),
  indexPrice: fixed(q.index, 8),
  estimatedSettlePrice: fixed(q.index, 8),
  lastFundingRate: fixed(q.fundingRate, 8),
  interestRate: '0.00010000',
  nextFundingTime: q.nextFundingTime,
  time,
});
