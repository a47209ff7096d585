import { riskSearches, tierPriceOf, type AccountRisk, type PositionRisk, type RiskSearches } from '../margin/evaluate-account.ts';
import type { MarginModel } from '../margin/margin-model.ts';
import type { Account } from '../positions/account.ts';
import { bufferTierOutlook, type BufferTierOutlook, type CorrelationMatrixOf } from './buffer-reach.ts';
import { crossGroup, type RiskGroup } from './equity-buffer.ts';
import { once } from './once.ts';
import type { FundingStep } from './funding-step.ts';
import type { ShapeOf } from './market-shape.ts';
import { positionTierOutlook, type CurveOf, type PositionProjection, type PositionTierOutlook } from './position-projection.ts';

export interface AccountProjection {
  /** One per position, in the account's order: the view "if only this coin moved". */
  readonly positions: readonly PositionProjection[];
  /** The cross pool as a whole (null without cross positions): the figure cross alerts use. */
  readonly crossPool: { readonly symbols: readonly string[]; readonly tiers: readonly BufferTierOutlook[] } | null;
}

/**
 * The projection of one account at its current marks, figure by figure and each computed at most once:
 * the alert policy asks for one or two tiers per subject on a tick, a screen for all of them
 * (`projectAccount`). Indices are the account's positions and `risk.levels`.
 */
export interface AccountProjector {
  /** Position i's outlook for level k, on its own price axis (tier-price based). */
  positionTier(i: number, k: number): PositionTierOutlook | undefined;
  /** The cross pool's outlook for level k (covariance based); undefined without cross positions. */
  crossPoolTier(k: number): BufferTierOutlook | undefined;
  /** Every figure, as `projectAccount` returns it. */
  all(): AccountProjection;
}

/**
 * See AccountProjector; the tier prices are the evaluation's searches (`searches`, shared with its
 * other readers). A pool that holds one symbol takes tau from that symbol's tier price, which is
 * exact and computed anyway for its position.
 */
export function accountProjector(
  searches: RiskSearches,
  curveOf: CurveOf,
  correlations: CorrelationMatrixOf,
  horizonsSec: readonly number[],
  shapeOf: ShapeOf = () => null,
  fundingOf: (symbol: string, side: PositionRisk['side']) => FundingStep | null = () => null,
): AccountProjector {
  const { account, model, risk } = searches;
  const { levels } = risk;
  const positionTiers = new Map<number, PositionTierOutlook>();
  const poolTiers = new Map<number, BufferTierOutlook>();
  const hasCross = risk.positions.some((p) => p.marginMode === 'cross');
  const group = once((): RiskGroup => crossGroup(account, model));
  const singleIndex = once(() => (group().symbols.length === 1 ? risk.positions.findIndex((p) => p.marginMode === 'cross') : -1));

  const positionTier = (i: number, k: number): PositionTierOutlook | undefined => {
    const key = i * levels.length + k;
    let outlook = positionTiers.get(key);
    const p = risk.positions[i];
    const level = levels[k];
    if (outlook === undefined && p !== undefined && level !== undefined) {
      outlook = positionTierOutlook(p, level, curveOf(p.symbol), horizonsSec, shapeOf(p.symbol), fundingOf(p.symbol, p.side), tierPriceOf(searches, i, level));
      positionTiers.set(key, outlook);
    }
    return outlook;
  };
  const crossPoolTier = (k: number): BufferTierOutlook | undefined => {
    let outlook = poolTiers.get(k);
    const level = levels[k];
    if (outlook === undefined && hasCross && level !== undefined) {
      // One symbol: the pool's outlook is that position's (same tier price, same volatility); reuse it.
      const single = singleIndex();
      const known = single < 0 ? undefined : positionTier(single, k);
      outlook = bufferTierOutlook(group(), level, curveOf, correlations, horizonsSec, known);
      poolTiers.set(k, outlook);
    }
    return outlook;
  };
  const all = once((): AccountProjection => {
    const positions = risk.positions.map(
      (p, i): PositionProjection => ({
        symbol: p.symbol,
        side: p.side,
        marginMode: p.marginMode,
        sigmaPerSqrtSec: Math.sqrt(curveOf(p.symbol).fastPerSec),
        tiers: levels.map((_, k) => positionTier(i, k) as PositionTierOutlook),
      }),
    );
    if (!hasCross) return { positions, crossPool: null };
    return { positions, crossPool: { symbols: group().symbols, tiers: levels.map((_, k) => crossPoolTier(k) as BufferTierOutlook) } };
  });
  return { positionTier, crossPoolTier, all };
}

/**
 * Every projection figure for one account at its current marks: per position and tier (tier-price
 * based), and for the cross pool per tier (covariance based, buffer-reach.ts).
 */
export function projectAccount(
  account: Account,
  model: MarginModel,
  risk: AccountRisk,
  curveOf: CurveOf,
  correlations: CorrelationMatrixOf,
  horizonsSec: readonly number[],
): AccountProjection {
  return accountProjector(riskSearches(account, model, risk), curveOf, correlations, horizonsSec).all();
}
