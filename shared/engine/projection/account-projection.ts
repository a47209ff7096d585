import type { AccountRisk } from '../margin/evaluate-account.ts';
import type { MarginModel } from '../margin/margin-model.ts';
import type { Account } from '../positions/account.ts';
import { bufferTierOutlook, type BufferTierOutlook, type CorrelationOf } from './buffer-reach.ts';
import { crossGroup } from './equity-buffer.ts';
import { projectPosition, type PositionProjection, type CurveOf } from './position-projection.ts';

export interface AccountProjection {
  /** One per position, in the account's order: the view "if only this coin moved". */
  readonly positions: readonly PositionProjection[];
  /** The cross pool as a whole (null without cross positions): the figure cross alerts use. */
  readonly crossPool: { readonly symbols: readonly string[]; readonly tiers: readonly BufferTierOutlook[] } | null;
}

/**
 * Every projection figure for one account at its current marks: per position and tier (tier-price
 * based), and for the cross pool per tier (covariance based, buffer-reach.ts). A pool that holds one
 * symbol takes tau from that symbol's tier price, which is exact and already computed.
 */
export function projectAccount(
  account: Account,
  model: MarginModel,
  risk: AccountRisk,
  curveOf: CurveOf,
  correlationOf: CorrelationOf,
  horizonsSec: readonly number[],
): AccountProjection {
  const positions = risk.positions.map((p) => projectPosition(p, risk.levels, curveOf, horizonsSec));
  const cross = risk.positions.filter((p) => p.marginMode === 'cross');
  if (cross.length === 0) return { positions, crossPool: null };
  const group = crossGroup(account, model);
  const singleIndex = group.symbols.length === 1 ? risk.positions.findIndex((p) => p.marginMode === 'cross') : -1;
  const single = positions[singleIndex];
  const tiers = risk.levels.map((level, k): BufferTierOutlook => {
    // One symbol: the pool's outlook is that position's (same tier price, same volatility); reuse it.
    const known = single?.tiers[k];
    return bufferTierOutlook(group, level, curveOf, correlationOf, horizonsSec, known);
  });
  return { positions, crossPool: { symbols: group.symbols, tiers } };
}
