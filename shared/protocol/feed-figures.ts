import type { AccountState } from '../engine/positions/account-state.ts';
import type { VenueFigure } from './account-report.ts';

/**
 * What an account report carries from the feed besides the monitor's evaluation, the same in every
 * home: the venue's own liquidation figure per position with the time it was reported, and the time
 * of the newest price per symbol (mark, or mid until a mark arrives).
 */
export function venueFigures(feed: AccountState): Record<string, VenueFigure> {
  const out: Record<string, VenueFigure> = {};
  for (const p of feed.positions.values()) {
    const at = feed.reportedAt.get(p.key);
    if (p.venueLiquidationPrice !== undefined && at !== undefined) out[`${p.symbol}:${p.side}`] = { liquidationPrice: p.venueLiquidationPrice, at };
  }
  return out;
}

export function lastPriceAt(feed: AccountState): Record<string, number> {
  const out: Record<string, number> = {};
  for (const prices of [feed.marks, feed.mids]) for (const [symbol, p] of prices) out[symbol] = Math.max(out[symbol] ?? 0, p.time);
  return out;
}
