import type { MarginMode, Side } from '../../../shared/engine/positions/account.ts';
import type { MarketCoin } from '../../market-paths/scenarios.ts';

/** A position as the simulator holds it; venue views (REST rows, stream frames) are derived from it. */
export interface SimPosition {
  readonly coin: MarketCoin;
  readonly side: Side;
  /** Size in base units (BTC, ETH, SOL), unsigned; `side` carries the sign. */
  readonly qty: number;
  readonly entryPrice: number;
  readonly marginMode: MarginMode;
  readonly leverage: number;
  /** Isolated only: collateral, unrealised PnL excluded (funding moves it). 0 for cross. */
  isolatedMargin: number;
  /** Funding paid since open, USDT (positive = paid, negative = received). */
  fundingPaid: number;
  readonly openedMs: number;
  updatedMs: number;
}
