import { evaluateAccount, type AccountFigures } from '../../shared/engine/margin/evaluate-account.ts';
import { buildTierTable } from '../../shared/engine/margin/maintenance-tiers.ts';
import type { Account, Position, TierTable, VenueId } from '../../shared/engine/positions/account.ts';
import { hyperliquidTierTable } from '../../shared/exchanges/hyperliquid/margin.ts';
import { defaultTakerFeeRate, marginModels } from '../../shared/exchanges/venues.ts';
import { price, qty, ratio, usdt } from '../../shared/units/units.ts';
import type { MarketCoin } from '../market-paths/scenarios.ts';
import type { AccountBook } from '../simulator/accounts/account-book.ts';
import { BINANCE_BRACKETS, BYBIT_RISK_LIMITS, HL_MARGIN_TABLES } from '../simulator/accounts/tier-tables.ts';
import { COIN_LISTINGS } from '../simulator/market/coins.ts';
import { positionTierRows } from '../simulator/venues/okx/market-views.ts';

/**
 * The engine's view of a simulator account, for tests that hold the simulator's own venue formulas
 * (tools/simulator/venues/<venue>/figures.ts) against the engine. The simulator itself may not import
 * the engine's margin code (.dependency-cruiser.cjs, `simulator-has-its-own-formulas`); this file is the
 * one bridge, and it hands the engine only what a venue's wire would: the tier tables as served (the
 * engine derives Binance's cum and Bybit's mmDeduction by its own recursion), the taker fee the feed
 * assumes, and the book's positions.
 */
export function engineTiers(venue: VenueId, coin: MarketCoin): TierTable {
  switch (venue) {
    case 'binance':
      return buildTierTable(BINANCE_BRACKETS[coin].map((t) => ({ floor: t.floor, cap: t.cap, mmr: t.mmr })));
    case 'bybit':
      return buildTierTable(BYBIT_RISK_LIMITS[coin].map((t) => ({ floor: t.floor, cap: t.cap, mmr: t.mmr })));
    case 'okx': {
      // As shared/exchanges/okx/parse.ts reads /api/v5/public/position-tiers: contracts x ctVal.
      const ctVal = COIN_LISTINGS[coin].okxCtVal;
      const rows = positionTierRows(COIN_LISTINGS[coin]);
      return buildTierTable(rows.map((r) => ({ floor: Number(r['minSz']) * ctVal, cap: Number(r['maxSz']) * ctVal, mmr: Number(r['mmr']) })), 'qty');
    }
    case 'hyperliquid':
      return hyperliquidTierTable(HL_MARGIN_TABLES[coin].marginTiers);
  }
}

export function engineAccount(book: AccountBook, t: number): Account {
  const venue = book.venue;
  return {
    exchange: venue,
    walletBalance: usdt(book.walletBalance),
    positions: book.positions.map((p): Position => ({
      symbol: p.coin,
      side: p.side,
      qty: qty(p.qty),
      entryPrice: price(p.entryPrice),
      markPrice: price(book.mark(p.coin, t)),
      marginMode: p.marginMode,
      ...(p.marginMode === 'isolated' ? { isolatedMargin: usdt(p.isolatedMargin) } : {}),
      leverage: p.leverage,
      ...(venue === 'bybit' ? { accountType: 'unified' as const } : {}),
      tiers: engineTiers(venue, p.coin),
      takerFeeRate: ratio(defaultTakerFeeRate[venue]),
    })),
  };
}

/** evaluateAccount with the venue's margin model on the book at time t. */
export const engineRisk = (book: AccountBook, t: number): AccountFigures => evaluateAccount(engineAccount(book, t), marginModels[book.venue]);
