import { OKX_POSITION_TIERS } from '../../accounts/tier-tables.ts';
import type { CoinListing } from '../../market/coins.ts';
import { fixed } from '../../market/decimal-text.ts';
import type { SimContext } from '../../server/sim-context.ts';

/**
 * OKX v5 SWAP market data: the `mark-price` push row (shared/exchanges/okx/fixtures/okx-ws-mark-price.json, here with
 * instType SWAP), REST `/api/v5/public/instruments` (ctVal) and `/api/v5/public/position-tiers`
 * (bounds in contracts, shared/exchanges/okx/fixtures/okx-rest-position-tiers.json).
 */
export const markPriceRow = (ctx: SimContext, l: CoinListing, t: number): Record<string, string> => ({
  instType: 'SWAP',
  instId: l.okx,
  markPx: fixed(ctx.market.mark(l.coin, t), l.priceDecimals),
  ts: String(t),
});

/**
 * A `funding-rate` push row, shaped like tools/test-support/venue-examples/okx-ws-funding-rate.json: the
 * coming payment (`fundingRate` at `fundingTime`) and the time of the one after.
 */
export const fundingRateRow = (ctx: SimContext, l: CoinListing, t: number): Record<string, string> => {
  const at = ctx.books.okx.nextFundingMs(t);
  return {
    fundingRate: fixed(ctx.market.fundingRate(l.coin, t), 10),
    fundingTime: String(at),
    instId: l.okx,
    instType: 'SWAP',
    method: 'current_period',
    maxFundingRate: '0.00375',
    minFundingRate: '-0.00375',
    nextFundingRate: '',
    nextFundingTime: String(ctx.books.okx.nextFundingMs(at)),
    premium: '0',
    settFundingRate: '0',
    settState: 'settled',
    ts: String(t),
  };
};

export const instrumentRow = (l: CoinListing): Record<string, string> => {
  const lot = l.okxCtVal >= 1 ? '1' : '0.01';
  return {
    instType: 'SWAP',
    instId: l.okx,
    uly: `${l.coin}-USDT`,
    instFamily: `${l.coin}-USDT`,
    baseCcy: '',
    quoteCcy: '',
    settleCcy: 'USDT',
    ctVal: String(l.okxCtVal),
    ctMult: '1',
    ctValCcy: l.coin,
    optType: '',
    stk: '',
    listTime: '1611916828000',
    expTime: '',
    lever: String(OKX_POSITION_TIERS[l.coin][0]?.maxLever ?? 100),
    tickSz: (10 ** -l.priceDecimals).toFixed(l.priceDecimals),
    lotSz: lot,
    minSz: lot,
    ctType: 'linear',
    alias: '',
    state: 'live',
    maxLmtSz: '100000000',
    maxMktSz: '5000',
  };
};

export const positionTierRows = (l: CoinListing): Record<string, string>[] =>
  OKX_POSITION_TIERS[l.coin].map((t, i, all) => ({
    uly: `${l.coin}-USDT`,
    instFamily: `${l.coin}-USDT`,
    instId: '',
    tier: String(i + 1),
    minSz: i === 0 ? '0' : String((all[i - 1]?.maxSz ?? 0) + 1),
    maxSz: String(t.maxSz),
    mmr: String(t.mmr),
    imr: String(t.imr),
    maxLever: String(t.maxLever),
    optMgnFactor: '0',
    quoteMaxLoan: '',
    baseMaxLoan: '',
  }));
