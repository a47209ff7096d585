import type { SubjectFacts, SuggestedReduction } from '../alerts/alert-decision.ts';
import { levelKey } from '../alerts/alert-ladder.ts';
import { crossSubject, isolatedSubject } from '../alerts/subject-key.ts';
import type { AccountRisk, PositionRisk } from '../margin/evaluate-account.ts';
import type { MarginModel } from '../margin/margin-model.ts';
import type { Account } from '../positions/account.ts';
import type { AccountProjection } from '../projection/account-projection.ts';
import { oddsTopUp, type CorrelationOf } from '../projection/buffer-reach.ts';
import { crossGroup, isolatedGroup } from '../projection/equity-buffer.ts';
import type { CurveOf } from '../projection/position-projection.ts';
import type { TierOutlook } from '../projection/tier-outlook.ts';

/** The top-up also aims for P(liquidation within horizonSec) <= maxProbability (product.md, Suggested actions). */
export interface LiquidationOdds {
  readonly horizonSec: number;
  readonly maxProbability: number;
}

export interface FactInputs {
  readonly accountId: string;
  readonly account: Account;
  readonly model: MarginModel;
  readonly risk: AccountRisk;
  readonly projection: AccountProjection;
  readonly curveOf: CurveOf;
  readonly correlationOf: CorrelationOf;
  readonly liquidationOdds: LiquidationOdds | null;
}

const reachOf = (tiers: readonly TierOutlook[]): Record<string, TierOutlook> =>
  Object.fromEntries(tiers.map((t) => [levelKey(t.level), t]));

const reductionOf = (p: PositionRisk): SuggestedReduction | null =>
  p.reduction.kind === 'reduce'
    ? { symbol: p.symbol, side: p.side, qty: p.reduction.qty, feeUsdt: p.reduction.feeUsdt, closesPosition: p.reduction.closesPosition }
    : null;

/**
 * The risk subjects of an account as the alert policy sees them: the cross pool (if the account has
 * cross positions) and each isolated position. The suggested top-up is the larger of the engine's
 * (back to the target rho) and the one that brings P(liquidation within the odds horizon) down to the
 * odds limit; the reduction is the engine's.
 */
export function subjectFacts(inputs: FactInputs): SubjectFacts[] {
  const { account, model, risk, projection, curveOf, correlationOf, liquidationOdds: odds } = inputs;
  const marks = Object.fromEntries(account.positions.map((p) => [p.symbol, p.markPrice as number]));
  const facts: SubjectFacts[] = [];
  const cross = risk.positions.filter((p) => p.marginMode === 'cross');
  if (cross.length > 0 && projection.crossPool !== null) {
    // The reduction suggested for the pool: the position that carries the largest requirement.
    const lead = [...cross].sort((a, b) => b.maintenanceMargin - a.maintenanceMargin);
    const reducible = lead.find((p) => p.reduction.kind === 'reduce');
    const shown = reducible ?? lead[0];
    const oddsUsdt = odds === null ? 0 : oddsTopUp(crossGroup(account, model), curveOf, correlationOf, odds.horizonSec, odds.maxProbability);
    facts.push({
      subject: crossSubject(inputs.accountId),
      symbol: shown?.symbol ?? null,
      side: shown?.side ?? null,
      riskRatio: risk.riskRatio,
      equityUsdt: risk.equity,
      requirementUsdt: risk.maintenanceMargin,
      reach: reachOf(projection.crossPool.tiers),
      topUpUsdt: Math.max(cross[0]?.topUp ?? 0, oddsUsdt),
      reduction: reducible === undefined ? null : reductionOf(reducible),
      marks,
    });
  }
  account.positions.forEach((p, i) => {
    const pr = risk.positions[i];
    const pp = projection.positions[i];
    if (p.marginMode !== 'isolated' || pr === undefined || pp === undefined) return;
    const oddsUsdt =
      odds === null ? 0 : oddsTopUp(isolatedGroup(p, model), curveOf, correlationOf, odds.horizonSec, odds.maxProbability) / model.isolatedTopUpGain(p);
    facts.push({
      subject: isolatedSubject(inputs.accountId, p.symbol, p.side),
      symbol: p.symbol,
      side: p.side,
      riskRatio: pr.riskRatio,
      equityUsdt: model.isolatedEquity(p, p.markPrice),
      requirementUsdt: pr.maintenanceMargin,
      reach: reachOf(pp.tiers),
      topUpUsdt: Math.max(pr.topUp, Math.ceil(oddsUsdt * 100 - 1e-9) / 100),
      reduction: reductionOf(pr),
      marks: { [p.symbol]: p.markPrice },
    });
  });
  return facts;
}
