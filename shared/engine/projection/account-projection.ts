import type { AccountRisk } from '../margin/evaluate-account.ts';
import type { MarginModel } from '../margin/margin-model.ts';
import type { Account } from '../positions/account.ts';
import { bufferReach, type CorrelationOf, type SigmaOf } from './buffer-reach.ts';
import { crossGroup } from './equity-buffer.ts';
import { projectPosition, type PositionProjection } from './position-projection.ts';
import { tierOutlook, type TierOutlook } from './tier-outlook.ts';

/** A tier outlook of the cross pool: its equity buffer to the tier and that buffer's volatility. */
export interface PoolTierOutlook extends TierOutlook {
  /** equity - requirement / level, USDT; <= 0 at or through the tier. */
  readonly bufferUsdt: number;
  /** Volatility of the buffer, USDT per sqrt second, with the symbols' correlation. */
  readonly sigmaUsdtPerSqrtSec: number;
}

export interface AccountProjection {
  /** One per position, in the account's order: the view "if only this coin moved". */
  readonly positions: readonly PositionProjection[];
  /** The cross pool as a whole (null without cross positions): the figure cross alerts use. */
  readonly crossPool: { readonly symbols: readonly string[]; readonly tiers: readonly PoolTierOutlook[] } | null;
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
  sigmaOf: SigmaOf,
  correlationOf: CorrelationOf,
  horizonsSec: readonly number[],
): AccountProjection {
  const positions = risk.positions.map((p) => projectPosition(p, risk.levels, sigmaOf(p.symbol), horizonsSec));
  const cross = account.positions.flatMap((p, i) => (p.marginMode === 'cross' ? [i] : []));
  if (cross.length === 0) return { positions, crossPool: null };
  const group = crossGroup(account, model);
  const single = group.symbols.length === 1 ? positions[cross[0] ?? 0] : undefined;
  const tiers = risk.levels.map((level, k): PoolTierOutlook => {
    const exact = single?.tiers[k]?.diffusionTimeSec;
    const reach = bufferReach(group, level, sigmaOf, correlationOf, exact);
    const outlook = tierOutlook(level, reach.diffusionTimeSec, horizonsSec);
    return {
      level,
      diffusionTimeSec: outlook.diffusionTimeSec,
      medianTimeSec: outlook.medianTimeSec,
      horizons: outlook.horizons,
      bufferUsdt: reach.bufferUsdt,
      sigmaUsdtPerSqrtSec: reach.sigmaUsdtPerSqrtSec,
    };
  });
  return { positions, crossPool: { symbols: group.symbols, tiers } };
}
