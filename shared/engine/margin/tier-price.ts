import type { Account, Position } from '../positions/account.ts';
import type { MarginModel } from './margin-model.ts';
import { zeroCrossings } from './piecewise-linear-roots.ts';
import { partsFor } from './risk-parts.ts';

/**
 * The tier price of a position: the mark of its symbol at which its risk ratio equals `level`, every
 * other symbol frozen at its mark (level 1 is the liquidation price). For a cross position the ratio
 * is the cross pool's, and every cross position on the same symbol moves with it (hedge mode shares
 * one price). Where several prices qualify (a hedge can go wrong both ways) the one nearest the mark
 * is returned; null when no positive price reaches the level (a fully collateralised long).
 *
 * Generalises Binance's P_k = (WB - TMM1/k + UPNL1 + cum/k - side x q x EP) / (q x MMR/k - side x q)
 * (margin-math.md §1.1, vector #4) to every venue and bracket.
 */
export function tierPrice(account: Account, model: MarginModel, p: Position, level: number): number | null {
  const movers =
    p.marginMode === 'isolated'
      ? [p]
      : account.positions.filter((o) => o.marginMode === 'cross' && o.symbol === p.symbol);
  const breakpoints = movers.flatMap((o) => model.priceBreakpoints(o));
  const at = (price: number) => partsFor(account, model, p, { symbol: p.symbol, price });
  const gap = (price: number) => {
    const { requirement, equity } = at(price);
    return requirement - level * equity;
  };
  // Every root is checked: the ratio there must be the level (or the root is a tier bound the ratio
  // jumps across). This drops rounding noise such as a "root" near zero for a fully collateralised
  // long, whose ratio is constant in price and never reaches the level.
  const isBound = new Set(breakpoints);
  const roots = zeroCrossings(gap, breakpoints, 0, Number.POSITIVE_INFINITY, p.markPrice).filter((price) => {
    if (!(price > 0)) return false;
    const parts = at(price);
    if (!(parts.equity > 0)) return false;
    return isBound.has(price) || Math.abs(parts.requirement / parts.equity - level) <= 1e-7 * level;
  });
  let best: number | null = null;
  for (const r of roots) {
    if (best === null || Math.abs(r - p.markPrice) < Math.abs(best - p.markPrice)) best = r;
  }
  return best;
}
