import type { TierRule } from './alert-ladder.ts';

/** The highest tier whose level rho has reached, or -1 below the whole ladder. */
export function rawTierIndex(ladder: readonly TierRule[], riskRatio: number): number {
  let index = -1;
  ladder.forEach((rule, i) => {
    if (riskRatio >= rule.level) index = i;
  });
  return index;
}

/**
 * The tier a subject is in, given the tier it was in: entering a worse tier counts at once; a tier
 * counts as left only once rho is more than `hysteresis` below its level, so jitter around a threshold
 * that is smaller than the band cannot flap. Falling through several tiers stops at the highest one
 * whose band still holds rho.
 */
export function effectiveTierIndex(
  ladder: readonly TierRule[],
  previous: number,
  riskRatio: number,
  hysteresis: number,
): number {
  const raw = rawTierIndex(ladder, riskRatio);
  if (raw >= previous) return raw;
  let index = previous;
  while (index > raw && riskRatio < (ladder[index]?.level ?? 0) - hysteresis) index -= 1;
  return index;
}
