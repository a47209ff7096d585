import type { Position } from '../positions/account.ts';
import { unrealisedPnl } from '../positions/account.ts';
import { continuousMaintenance, tierBoundaryPrices } from './maintenance-tiers.ts';

/**
 * The pieces Binance, Bybit (UTA) and Hyperliquid share word for word: maintenance margin is
 * notional-at-mark x mmr(tier) - deduction(tier), and an isolated position's equity is its margin
 * plus unrealised PnL. Each venue's margin.ts says which of these it uses and why.
 */
export const maintenanceAtMark = (p: Position, mark: number): number =>
  continuousMaintenance(p.tiers, p.qty * mark, p.qty);

export const marginPlusPnl = (p: Position, mark: number): number => (p.isolatedMargin ?? 0) + unrealisedPnl(p, mark);

export const markTierBoundaries = (p: Position): number[] => tierBoundaryPrices(p.tiers, p.qty);

/** Quantities at which a position at `mark` changes tier: floor / mark (notional tables) or floor (qty tables). */
export const qtyTierBoundaries = (p: Position, mark: number): number[] =>
  p.tiers.tiers.filter((t) => t.floor > 0).map((t) => (p.tiers.basis === 'qty' ? t.floor : t.floor / mark));
