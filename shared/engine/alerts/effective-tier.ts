import type { TierRule } from './alert-ladder.ts';

/** The highest tier whose level rho has reached, or -1 below the whole ladder. */
export function rawTierIndex(ladder: readonly TierRule[], riskRatio: number): number {
  let index = -1;
  for (let i = 0; i < ladder.length; i += 1) if (riskRatio >= ladder[i]!.level) index = i;
  return index;
}

/**
 * The second half of the band, in the market's own units (issue 13, ask 7): a tier is not left while
 * P(touching its level again within `horizonSec`) is at least `probability`, i.e. while the price is
 * less than about 0.67 standard deviations of a 15 min move from the tier price. A fixed rho band is
 * wide in price at Watch and narrow near liquidation (rho = requirement / equity: 0.03 of rho at 1 is a
 * quarter of the equity 0.03 is at 0.5), so alone it let a 12x isolated position re-enter Liquidation
 * three times in 15 minutes. Read from the subject's own projection, so it scales with the ladder, the
 * brackets and the volatility; unknown (the horizon not projected) leaves the rho band alone.
 */
export const LEAVE_BAND = { horizonSec: 900, probability: 0.5 } as const;

/**
 * The tier a subject is in, given the tier it was in: entering a worse tier counts at once; a tier
 * counts as left only once rho is more than `hysteresis` below its level and the level is no longer
 * near in price (`isNear`, LEAVE_BAND), so jitter around a threshold that is smaller than the band
 * cannot flap. Falling through several tiers stops at the highest one whose band still holds rho.
 */
export function effectiveTierIndex(
  ladder: readonly TierRule[],
  previous: number,
  riskRatio: number,
  hysteresis: number,
  isNear: (tierIndex: number) => boolean = () => false,
): number {
  const raw = rawTierIndex(ladder, riskRatio);
  if (raw >= previous) return raw;
  let index = previous;
  while (index > raw && riskRatio < (ladder[index]?.level ?? 0) - hysteresis && !isNear(index)) index -= 1;
  return index;
}
