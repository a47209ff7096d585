import type { PositionRisk } from '../margin/evaluate-account.ts';
import { diffusionTimeSec } from './first-passage.ts';
import { tierOutlook, type TierOutlook } from './tier-outlook.ts';

/** A tier outlook measured on one position's price axis. */
export interface PositionTierOutlook extends TierOutlook {
  /** The engine's tier price (other symbols frozen at their marks); null if no price reaches the tier. */
  readonly tierPrice: number | null;
  /** ln(tierPrice / mark): negative when the price must fall. null with no tier price. */
  readonly logDistance: number | null;
}

export interface PositionProjection {
  readonly symbol: string;
  readonly side: PositionRisk['side'];
  readonly marginMode: PositionRisk['marginMode'];
  /** The volatility used, per sqrt second (floored). */
  readonly sigmaPerSqrtSec: number;
  readonly tiers: readonly PositionTierOutlook[];
}

/**
 * For each tier: the chance that this position's symbol touches its tier price within each horizon,
 * driftless log price with volatility sigma: P = 2 Phi(-|ln(B/S)| / (sigma sqrt T)), the median time to
 * it, and the distance in standard deviations. A tier the position (or its cross pool) is already at or
 * past has P = 1 and time 0. The tier prices are the engine's (evaluate-account.ts), so this is exact
 * for an isolated position and for a cross pool that holds one symbol; for a cross pool of several
 * symbols it is the view "if only this coin moved", and the pool's own figure is pool-reach.ts.
 */
export function projectPosition(
  risk: PositionRisk,
  levels: readonly number[],
  sigmaPerSqrtSec: number,
  horizonsSec: readonly number[],
): PositionProjection {
  const tiers = levels.map((level): PositionTierOutlook => {
    const tierPrice = risk.tierPrices[String(level)] ?? null;
    const logDistance = tierPrice === null ? null : Math.log(tierPrice / risk.markPrice);
    const tau =
      risk.riskRatio >= level
        ? 0
        : logDistance === null
          ? Number.POSITIVE_INFINITY
          : diffusionTimeSec(logDistance, sigmaPerSqrtSec);
    const outlook = tierOutlook(level, tau, horizonsSec);
    // Written out, not spread: this runs for every tier on every tick.
    return {
      level,
      diffusionTimeSec: outlook.diffusionTimeSec,
      medianTimeSec: outlook.medianTimeSec,
      horizons: outlook.horizons,
      tierPrice,
      logDistance,
    };
  });
  return { symbol: risk.symbol, side: risk.side, marginMode: risk.marginMode, sigmaPerSqrtSec, tiers };
}
