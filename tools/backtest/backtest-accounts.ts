import type { Account, Position, TierTable } from '../../shared/engine/positions/account.ts';
import { defaultTakerFeeRate } from '../../shared/exchanges/venues.ts';
import { price, qty, ratio, usdt } from '../../shared/units/units.ts';
import { btcusdtBrackets, ethusdtBrackets } from '../test-support/binance-brackets.ts';
import { SYMBOLS } from './backtest-paths.ts';

/**
 * The positions the backtest plays the paths against: Binance USDⓈ-M accounts with the real BTCUSDT
 * brackets (fixture), at leverages from 3x to 50x, long and short, cross and isolated, and a cross
 * BTC long hedged by an ETH short. Chosen by the path's index, so both policies always face the same
 * account on the same path, and every family meets every shape.
 */

export const LEVERAGES = [3, 5, 10, 20, 50] as const;
export const SHAPES = ['cross-long', 'cross-short', 'isolated-long', 'cross-hedge'] as const;
export type AccountShape = (typeof SHAPES)[number];

export interface AccountRecipe {
  readonly leverage: number;
  readonly shape: AccountShape;
}

/** Path i of family-cycle length f: leverage and shape walk their lists at different speeds. */
export function recipeFor(index: number, familyCount: number): AccountRecipe {
  const round = Math.floor(index / familyCount);
  return {
    leverage: LEVERAGES[round % LEVERAGES.length] ?? 10,
    shape: SHAPES[Math.floor(round / LEVERAGES.length) % SHAPES.length] ?? 'cross-long',
  };
}

interface Brackets {
  readonly btc: TierTable;
  readonly eth: TierTable;
}

let cached: Brackets | undefined;
const brackets = (): Brackets => (cached ??= { btc: btcusdtBrackets(), eth: ethusdtBrackets() });

const fee = ratio(defaultTakerFeeRate.binance);

function position(symbol: string, side: Position['side'], size: number, mark: number, tiers: TierTable): Position {
  return { symbol, side, qty: qty(size), entryPrice: price(mark), markPrice: price(mark), marginMode: 'cross', tiers, takerFeeRate: fee };
}

/**
 * The account at the path's start marks: 1 BTC (and, hedged, the same notional of ETH short), with
 * collateral = notional / leverage. Leverage here is notional over collateral, what the trader risks.
 */
export function accountFor(recipe: AccountRecipe, marks: Readonly<Record<string, number>>): Account {
  const { btc, eth } = brackets();
  const btcMark = marks[SYMBOLS.BTC] ?? 0;
  const ethMark = marks[SYMBOLS.ETH] ?? 0;
  const notional = btcMark;
  const collateral = notional / recipe.leverage;
  switch (recipe.shape) {
    case 'cross-long':
      return { exchange: 'binance', walletBalance: usdt(collateral), positions: [position(SYMBOLS.BTC, 'long', 1, btcMark, btc)] };
    case 'cross-short':
      return { exchange: 'binance', walletBalance: usdt(collateral), positions: [position(SYMBOLS.BTC, 'short', 1, btcMark, btc)] };
    case 'isolated-long':
      return {
        exchange: 'binance',
        walletBalance: usdt(0),
        positions: [{ ...position(SYMBOLS.BTC, 'long', 1, btcMark, btc), marginMode: 'isolated', isolatedMargin: usdt(collateral) }],
      };
    case 'cross-hedge':
      return {
        exchange: 'binance',
        walletBalance: usdt(2 * collateral),
        positions: [position(SYMBOLS.BTC, 'long', 1, btcMark, btc), position(SYMBOLS.ETH, 'short', notional / ethMark, ethMark, eth)],
      };
  }
}

/** The same account with `amount` USDT of margin added where the trader would add it. */
export function withTopUp(account: Account, amount: number): Account {
  const isolated = account.positions.findIndex((p) => p.marginMode === 'isolated');
  if (isolated < 0) return { ...account, walletBalance: usdt(account.walletBalance + amount) };
  return {
    ...account,
    positions: account.positions.map((p, i) => (i === isolated ? { ...p, isolatedMargin: usdt((p.isolatedMargin ?? 0) + amount) } : p)),
  };
}
