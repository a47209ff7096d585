import { BYBIT_RISK_LIMITS, deductions } from '../../accounts/tier-tables.ts';
import type { CoinListing } from '../../market/coins.ts';
import { fixed } from '../../market/decimal-text.ts';
import type { SimContext } from '../../server/sim-context.ts';

/**
 * Bybit v5 linear market data: the `tickers.{symbol}` object (shared/exchanges/bybit/fixtures/bybit-ws-tickers-linear-snapshot.json,
 * also the row of REST `/v5/market/tickers`) and REST `/v5/market/risk-limit` rows
 * (shared/exchanges/bybit/fixtures/bybit-rest-risk-limit-linear-result.live-capture.json: fractions, "" deduction on tier 1).
 */
const HOUR = 3_600_000;

export function ticker(ctx: SimContext, l: CoinListing, t: number): Record<string, string> {
  const d = l.priceDecimals;
  const px = (n: number): string => fixed(n, d);
  const mark = ctx.market.mark(l.coin, t);
  const hourly = Array.from({ length: 25 }, (_, h) => ctx.market.mark(l.coin, t - h * HOUR));
  const prev24h = hourly[24] ?? mark;
  const tick = 10 ** -d;
  const volume = 50_000 / (mark / 1000);
  return {
    symbol: l.bybit,
    tickDirection: 'ZeroPlusTick',
    price24hPcnt: fixed(mark / prev24h - 1, 6),
    lastPrice: px(mark),
    prevPrice24h: px(prev24h),
    highPrice24h: px(Math.max(...hourly)),
    lowPrice24h: px(Math.min(...hourly)),
    prevPrice1h: px(hourly[1] ?? mark),
    markPrice: px(mark),
    indexPrice: px(ctx.market.index(l.coin, t)),
    openInterest: fixed(volume * 3, 3),
    openInterestValue: fixed(volume * 3 * mark, 2),
    turnover24h: fixed(volume * mark, 4),
    volume24h: fixed(volume, 4),
    fundingIntervalHour: '8',
    fundingCap: '0.005',
    nextFundingTime: String(ctx.books.bybit.nextFundingMs(t)),
    fundingRate: fixed(ctx.market.fundingRate(l.coin, t), 6),
    bid1Price: px(mark - tick),
    bid1Size: '12.500',
    ask1Price: px(mark),
    ask1Size: '9.870',
    preOpenPrice: '',
    preQty: '',
    curPreListingPhase: '',
  };
}

export function riskLimitRows(l: CoinListing): Record<string, unknown>[] {
  const tiers = BYBIT_RISK_LIMITS[l.coin];
  const deds = deductions(tiers);
  return tiers.map((tier, i) => ({
    id: i + 1,
    symbol: l.bybit,
    riskLimitValue: String(tier.cap),
    maintenanceMargin: String(tier.mmr),
    initialMargin: String(Number((2 * tier.mmr).toFixed(4))),
    isLowestRisk: i === 0 ? 1 : 0,
    maxLeverage: tier.maxLeverage.toFixed(2),
    mmDeduction: i === 0 ? '' : String(Number((deds[i] ?? 0).toFixed(4))),
  }));
}
