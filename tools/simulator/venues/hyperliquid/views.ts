import type { AccountBook } from '../../accounts/account-book.ts';
import { HL_MARGIN_TABLES } from '../../accounts/tier-tables.ts';
import { LISTINGS, type CoinListing } from '../../market/coins.ts';
import { fixed, hlPrice, pythonFloat } from '../../market/decimal-text.ts';
import type { SimContext } from '../../server/sim-context.ts';

/**
 * Hyperliquid info shapes: `clearinghouseState` (shared/exchanges/hyperliquid/fixtures/hyperliquid-rest-clearinghouseState.*),
 * `meta` with `marginTables` (shared/exchanges/hyperliquid/fixtures/hyperliquid-rest-meta-marginTables.live-capture.json), asset
 * contexts (shared/exchanges/hyperliquid/fixtures/hyperliquid-ws-activeAssetCtx.live-capture.json) and mids. Relations kept as
 * the venue keeps them (docs/margin-math.md §5.1): totalRawUsd = accountValue - Σ szi x mark; an isolated
 * position's marginUsed = rawUsd + positionValue; crossMaintenanceMarginUsed = Σ cross maintenance.
 */
const usd = (n: number): string => pythonFloat(Number(n.toFixed(6)));

export function clearinghouseState(book: AccountBook | undefined, t: number): Record<string, unknown> {
  const a = book === undefined ? undefined : book.figures(t);
  const rows = (a?.positions ?? []).map((f) => {
    const p = f.position;
    const isolated = p.marginMode === 'isolated';
    const marginUsed = isolated ? f.isolatedEquity : f.notional / p.leverage;
    const szi = fixed(f.signedQty, f.listing.hlSzDecimals);
    return {
      figures: f,
      marginUsed,
      row: {
        type: 'oneWay',
        position: {
          coin: f.listing.hyperliquid,
          szi: Number(szi) === Math.trunc(Number(szi)) ? `${Number(szi)}.0` : String(Number(szi)),
          leverage: isolated
            ? { type: 'isolated', value: p.leverage, rawUsd: usd(p.isolatedMargin - f.signedQty * p.entryPrice) }
            : { type: 'cross', value: p.leverage },
          entryPx: hlPrice(p.entryPrice),
          positionValue: usd(f.notional),
          unrealizedPnl: usd(f.unrealisedPnl),
          returnOnEquity: fixed(f.unrealisedPnl / ((p.qty * p.entryPrice) / p.leverage), 10),
          liquidationPx: f.liquidationPrice === null ? null : usd(f.liquidationPrice),
          marginUsed: usd(marginUsed),
          maxLeverage: HL_MARGIN_TABLES[p.coin].marginTiers[0]?.maxLeverage ?? 1,
          cumFunding: { allTime: usd(p.fundingPaid), sinceOpen: usd(p.fundingPaid), sinceChange: usd(p.fundingPaid) },
        },
      },
    };
  });
  const cross = rows.filter((r) => r.figures.position.marginMode === 'cross');
  const crossValue = (a?.crossWallet ?? 0) + cross.reduce((s, r) => s + r.figures.unrealisedPnl, 0);
  const summary = (value: number, of: typeof rows): Record<string, string> => ({
    accountValue: usd(value),
    totalNtlPos: usd(of.reduce((s, r) => s + r.figures.notional, 0)),
    totalRawUsd: usd(value - of.reduce((s, r) => s + r.figures.signedQty * r.figures.mark, 0)),
    totalMarginUsed: usd(of.reduce((s, r) => s + r.marginUsed, 0)),
  });
  const isolatedUsed = rows.filter((r) => r.figures.position.marginMode === 'isolated').reduce((s, r) => s + r.marginUsed, 0);
  const crossUsed = cross.reduce((s, r) => s + r.marginUsed, 0);
  return {
    marginSummary: summary(crossValue + isolatedUsed, rows),
    crossMarginSummary: summary(crossValue, cross),
    crossMaintenanceMarginUsed: usd(cross.reduce((s, r) => s + r.figures.maintenanceMargin, 0)),
    withdrawable: usd(Math.max(0, crossValue - crossUsed)),
    assetPositions: rows.map((r) => r.row),
    time: t,
  };
}

export function meta(): Record<string, unknown> {
  return {
    universe: LISTINGS.map((l) => ({
      szDecimals: l.hlSzDecimals,
      name: l.hyperliquid,
      maxLeverage: HL_MARGIN_TABLES[l.coin].marginTiers[0]?.maxLeverage ?? 1,
      marginTableId: HL_MARGIN_TABLES[l.coin].id,
    })),
    marginTables: LISTINGS.map((l) => {
      const table = HL_MARGIN_TABLES[l.coin];
      return [table.id, { description: table.description, marginTiers: table.marginTiers.map((m) => ({ lowerBound: pythonFloat(m.lowerBound), maxLeverage: m.maxLeverage })) }];
    }),
    collateralToken: 0,
  };
}

export function assetCtx(ctx: SimContext, l: CoinListing, t: number): Record<string, unknown> {
  const mark = ctx.market.mark(l.coin, t);
  const prevDay = ctx.market.mark(l.coin, t - 86_400_000);
  const volume = 40_000_000 / mark;
  return {
    funding: fixed(ctx.market.fundingRate(l.coin, t) / 8, 10).replace(/0+$/, ''),
    openInterest: fixed(volume * 1.1, l.hlSzDecimals),
    prevDayPx: hlPrice(prevDay),
    dayNtlVlm: fixed(volume * mark, 6),
    premium: '0.0002',
    oraclePx: hlPrice(ctx.market.index(l.coin, t)),
    markPx: hlPrice(mark),
    midPx: hlPrice(mark),
    impactPxs: [hlPrice(mark * 0.9999), hlPrice(mark * 1.0001)],
    dayBaseVlm: fixed(volume, l.hlSzDecimals),
  };
}

export function allMids(ctx: SimContext, t: number): Record<string, string> {
  return Object.fromEntries(LISTINGS.map((l) => [l.hyperliquid, hlPrice(ctx.market.mark(l.coin, t))]));
}
