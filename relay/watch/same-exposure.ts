import type { Account, Position } from '../../shared/engine/positions/account.ts';

/**
 * Whether two accounts hold the same exposure: the same wallet and the same positions, marks aside.
 * A tier band (shared/engine/monitor/tier-band.ts) is a box of marks inside which no tier can change
 * for that exposure, wherever inside the box the marks are; so while the exposure stays the same and
 * the marks stay inside, the band built at an earlier step still holds and need not be rebuilt.
 * Conservative: a tier table or fee that is equal but another object counts as different.
 */
export function sameExposure(a: Account, b: Account): boolean {
  if (a === b) return true;
  if (a.walletBalance !== b.walletBalance || a.positions.length !== b.positions.length) return false;
  for (let i = 0; i < a.positions.length; i += 1) if (!samePosition(a.positions[i]!, b.positions[i]!)) return false;
  return true;
}

const samePosition = (p: Position, q: Position): boolean =>
  p === q ||
  (p.symbol === q.symbol &&
    p.side === q.side &&
    p.qty === q.qty &&
    p.entryPrice === q.entryPrice &&
    p.marginMode === q.marginMode &&
    p.isolatedMargin === q.isolatedMargin &&
    p.leverage === q.leverage &&
    p.accountType === q.accountType &&
    p.tiers === q.tiers &&
    p.takerFeeRate === q.takerFeeRate);
