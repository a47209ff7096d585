import type { Price, Qty, Ratio, Usdt } from '../../units/units.ts';

/** The venues whose margin rules the engine implements. Defined once; everything else imports it. */
export const VENUE_IDS = ['binance', 'bybit', 'okx', 'hyperliquid'] as const;
export type VenueId = (typeof VENUE_IDS)[number];

export type Side = 'long' | 'short';
export type MarginMode = 'isolated' | 'cross';

/**
 * One maintenance tier (Binance bracket, Bybit risk limit, OKX position tier, Hyperliquid margin tier).
 * `floor <= size < cap`, where size is the position's notional at mark (USDT) or, when the table's
 * basis is `qty`, its size in base units (OKX counts contracts).
 */
export interface MaintenanceTier {
  readonly floor: number;
  /** Exclusive upper bound; Infinity for the last tier. */
  readonly cap: number;
  /** Maintenance margin rate of this tier, a fraction. */
  readonly mmr: Ratio;
  /** Subtracted from notional x mmr (Binance `cum`, Bybit `mmDeduction`); keeps MM continuous. */
  readonly deduction: Usdt;
}

/** A tier table sorted by floor, with what its bounds are measured in. */
export interface TierTable {
  readonly basis: 'notional' | 'qty';
  readonly tiers: readonly MaintenanceTier[];
}

/** The normalised position every venue maps into. Quantities are unsigned; `side` carries the sign. */
export interface Position {
  readonly symbol: string;
  readonly side: Side;
  readonly qty: Qty;
  readonly entryPrice: Price;
  readonly markPrice: Price;
  readonly marginMode: MarginMode;
  /** Isolated only: collateral held by the position, unrealised PnL excluded. */
  readonly isolatedMargin?: Usdt;
  /** Chosen leverage; Bybit isolated needs it to split initial from added margin. */
  readonly leverage?: number;
  /** Bybit only: `classic` selects the pre-UTA formulas (maintenance at entry value). */
  readonly accountType?: 'classic' | 'unified';
  readonly tiers: TierTable;
  /** Taker fee rate used for closing fees and, on OKX, the liquidation fee. */
  readonly takerFeeRate: Ratio;
}

export interface Account {
  readonly exchange: VenueId;
  /** Cross collateral in the quote currency, unrealised PnL excluded. */
  readonly walletBalance: Usdt;
  readonly positions: readonly Position[];
}

/** +1 for long, -1 for short: the sign of PnL per unit of price move. */
export const sideSign = (side: Side): 1 | -1 => (side === 'long' ? 1 : -1);

/** Unrealised PnL of a position if its symbol's mark were `mark`. */
export const unrealisedPnl = (p: Position, mark: number): number =>
  sideSign(p.side) * p.qty * (mark - p.entryPrice);
