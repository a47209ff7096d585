import type { MarginMode, Side, VenueId } from '../../../shared/engine/positions/account.ts';
import type { MarketCoin } from '../../market-paths/scenarios.ts';

/**
 * One demo account per venue, opened at the scenario's start prices (so unrealised PnL starts at 0).
 * Sized so that the `crash` scenario (all coins -12 % in 45 min) walks every position through rho
 * 0.5, 0.8, 0.9 and then liquidation (rho 1) by the engine's venue formulas, while `calm` keeps rho
 * near 0.06:
 * - isolated positions (12x, 10x on Hyperliquid where maintenance is 2.5 %) liquidate after a fall of
 *   about 1/leverage - mmr, i.e. ~7.4-7.8 %;
 * - each cross wallet is funded so the cross pool liquidates when every coin has fallen ~7.5 %
 *   (wallet ≈ 7.5 % of cross notional + maintenance at that price; computed with the engine and
 *   rounded, see demo-accounts.test.ts which checks the tier walk on the crash path).
 * Bybit accounts are UTA in REGULAR_MARGIN (account-wide cross), so every Bybit position is cross.
 */
export interface DemoPosition {
  readonly coin: MarketCoin;
  readonly side: Side;
  /** Size in base units (BTC, ETH, SOL); OKX shows it as contracts = qty / ctVal. */
  readonly qty: number;
  readonly marginMode: MarginMode;
  readonly leverage: number;
}

export interface DemoAccount {
  readonly venue: VenueId;
  /** Cross collateral, USDT (USDC on Hyperliquid), unrealised PnL excluded. */
  readonly walletBalance: number;
  readonly positions: readonly DemoPosition[];
}

export const DEMO_ACCOUNTS: Readonly<Record<VenueId, DemoAccount>> = {
  binance: {
    venue: 'binance',
    walletBalance: 6520,
    positions: [
      { coin: 'BTC', side: 'long', qty: 0.5, marginMode: 'cross', leverage: 20 },
      { coin: 'ETH', side: 'long', qty: 10, marginMode: 'cross', leverage: 20 },
      { coin: 'SOL', side: 'long', qty: 150, marginMode: 'isolated', leverage: 12 },
    ],
  },
  bybit: {
    venue: 'bybit',
    walletBalance: 7100,
    positions: [
      { coin: 'BTC', side: 'long', qty: 0.4, marginMode: 'cross', leverage: 20 },
      { coin: 'ETH', side: 'long', qty: 8, marginMode: 'cross', leverage: 20 },
      { coin: 'SOL', side: 'long', qty: 120, marginMode: 'cross', leverage: 20 },
    ],
  },
  okx: {
    venue: 'okx',
    walletBalance: 5450,
    positions: [
      { coin: 'BTC', side: 'long', qty: 0.5, marginMode: 'cross', leverage: 20 },
      { coin: 'ETH', side: 'long', qty: 10, marginMode: 'isolated', leverage: 12 },
      { coin: 'SOL', side: 'long', qty: 100, marginMode: 'cross', leverage: 20 },
    ],
  },
  hyperliquid: {
    venue: 'hyperliquid',
    walletBalance: 7380,
    positions: [
      { coin: 'BTC', side: 'long', qty: 0.5, marginMode: 'cross', leverage: 10 },
      { coin: 'ETH', side: 'long', qty: 10, marginMode: 'cross', leverage: 10 },
      { coin: 'SOL', side: 'long', qty: 150, marginMode: 'isolated', leverage: 10 },
    ],
  },
};
