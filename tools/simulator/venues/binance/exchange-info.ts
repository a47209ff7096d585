import { BINANCE_BRACKETS, deductions } from '../../accounts/tier-tables.ts';
import { LISTINGS } from '../../market/coins.ts';
import type { SimContext } from '../../server/sim-context.ts';

/**
 * `GET /fapi/v1/exchangeInfo` (symbols with their filters and liquidation fee) and
 * `GET /fapi/v1/leverageBracket` (numbers, not strings, as in the docs' example; an object when a
 * symbol is named, an array otherwise, docs/margin-math.md §2.5).
 */
function symbolInfo(symbol: string, base: string, pricePrecision: number, quantityPrecision: number): Record<string, unknown> {
  const tick = (10 ** -pricePrecision).toFixed(pricePrecision);
  const step = (10 ** -quantityPrecision).toFixed(quantityPrecision);
  return {
    symbol,
    pair: symbol,
    contractType: 'PERPETUAL',
    deliveryDate: 4133404800000,
    onboardDate: 1569398400000,
    status: 'TRADING',
    maintMarginPercent: '2.5000',
    requiredMarginPercent: '5.0000',
    baseAsset: base,
    quoteAsset: 'USDT',
    marginAsset: 'USDT',
    pricePrecision,
    quantityPrecision,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: 'COIN',
    underlyingSubType: [],
    triggerProtect: '0.0500',
    liquidationFee: '0.012500',
    marketTakeBound: '0.05',
    maxMoveOrderLimit: 10000,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: tick, maxPrice: '4529764', tickSize: tick },
      { filterType: 'LOT_SIZE', minQty: step, maxQty: '1000', stepSize: step },
      { filterType: 'MIN_NOTIONAL', notional: '100' },
    ],
    orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'],
    timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
  };
}

export function exchangeInfo(ctx: SimContext, wallNow: number): Record<string, unknown> {
  const main = LISTINGS.map((l) => symbolInfo(l.binance, l.coin, l.priceDecimals, l.qtyDecimals));
  const extras = ctx.binanceExtras.map((s) => {
    const decimals = Math.min(7, Math.max(2, 4 - Math.floor(Math.log10(s.basePrice))));
    return symbolInfo(s.symbol, s.symbol.replace(/USDT$/, ''), decimals, 0);
  });
  return {
    timezone: 'UTC',
    serverTime: wallNow,
    futuresType: 'U_MARGINED',
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
    ],
    exchangeFilters: [],
    assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '-10000' }],
    symbols: [...main, ...extras],
  };
}

function bracketsOf(symbol: string): Record<string, unknown> | undefined {
  const listing = LISTINGS.find((l) => l.binance === symbol);
  if (listing === undefined) return undefined;
  const tiers = BINANCE_BRACKETS[listing.coin];
  const cums = deductions(tiers);
  return {
    symbol,
    brackets: tiers.map((t, i) => ({
      bracket: i + 1,
      initialLeverage: t.maxLeverage,
      notionalCap: t.cap,
      notionalFloor: t.floor,
      maintMarginRatio: t.mmr,
      // The recursion in doubles leaves 949.9999999999998 where Binance publishes 950.0.
      cum: Number((cums[i] ?? 0).toFixed(6)),
    })),
  };
}

/** The bracket document, or undefined when the symbol is unknown (the caller answers -1121). */
export function leverageBrackets(symbol: string | null): unknown {
  if (symbol === null) return LISTINGS.map((l) => bracketsOf(l.binance));
  return bracketsOf(symbol.toUpperCase());
}
