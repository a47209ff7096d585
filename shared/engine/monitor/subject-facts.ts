import type { FundingFact, SubjectFacts, SuggestedReduction } from '../alerts/alert-decision.ts';
import { levelKey } from '../alerts/alert-ladder.ts';
import { crossSubject, isolatedSubject } from '../alerts/subject-key.ts';
import type { AccountRisk, PositionRisk } from '../margin/evaluate-account.ts';
import type { MarginModel } from '../margin/margin-model.ts';
import type { Account } from '../positions/account.ts';
import type { AccountProjector } from '../projection/account-projection.ts';
import { oddsTopUp, type CorrelationMatrixOf } from '../projection/buffer-reach.ts';
import { crossGroup, isolatedGroup } from '../projection/equity-buffer.ts';
import { lazyRecord } from '../projection/lazy-field.ts';
import type { CurveOf } from '../projection/position-projection.ts';
import type { FundingNotice } from '../projection/funding-step.ts';
import type { TierOutlook } from '../projection/tier-outlook.ts';
import { nextFundingFact } from './funding-facts.ts';

/** The top-up also aims for P(liquidation within horizonSec) <= maxProbability (docs/alert-policy.md, Suggested actions). */
export interface LiquidationOdds {
  readonly horizonSec: number;
  readonly maxProbability: number;
}

export interface FactInputs {
  readonly accountId: string;
  readonly account: Account;
  readonly model: MarginModel;
  readonly risk: AccountRisk;
  /** The account's projection, computed per figure on demand (the policy reads only a few). */
  readonly projector: AccountProjector;
  readonly curveOf: CurveOf;
  readonly correlations: CorrelationMatrixOf;
  readonly liquidationOdds: LiquidationOdds | null;
  /** Each symbol's next funding payment as announced, and the time of the evaluation (absent: no funding facts). */
  readonly funding?: Readonly<Record<string, FundingNotice>>;
  readonly now?: number;
}

/**
 * Every level's outlook keyed by levelKey, each computed on its first read: the policy reads the next
 * tier up (and the one a prediction is about), a screen or a test may read them all.
 */
const reachOf = (keys: readonly string[], outlookAt: (k: number) => TierOutlook | undefined): Readonly<Record<string, TierOutlook>> =>
  lazyRecord(keys, outlookAt) as Readonly<Record<string, TierOutlook>>;

type EagerFacts = Omit<SubjectFacts, 'topUpUsdt'>;

/**
 * Facts whose top-up is computed on first read (the odds part is a search along the fall-fastest
 * direction, and only an alert being recorded or a trader acting reads it): a prototype getter, so the
 * tick pays no closure per field. JSON.stringify sees the top-up in its place through toJSON.
 */
class LazyTopUpFacts implements SubjectFacts {
  readonly subject: string;
  readonly symbol: string | null;
  readonly side: SubjectFacts['side'];
  readonly riskRatio: number;
  readonly equityUsdt: number;
  readonly requirementUsdt: number;
  readonly reach: SubjectFacts['reach'];
  readonly reduction: SuggestedReduction | null;
  readonly marks: Readonly<Record<string, number>>;
  readonly funding: FundingFact | null;
  readonly #topUp: () => number;
  #topUpUsdt: number | undefined;

  constructor(eager: EagerFacts, topUp: () => number) {
    this.subject = eager.subject;
    this.symbol = eager.symbol;
    this.side = eager.side;
    this.riskRatio = eager.riskRatio;
    this.equityUsdt = eager.equityUsdt;
    this.requirementUsdt = eager.requirementUsdt;
    this.reach = eager.reach;
    this.reduction = eager.reduction;
    this.marks = eager.marks;
    this.funding = eager.funding ?? null;
    this.#topUp = topUp;
  }

  get topUpUsdt(): number {
    this.#topUpUsdt ??= this.#topUp();
    return this.#topUpUsdt;
  }

  toJSON(): SubjectFacts {
    return {
      subject: this.subject,
      symbol: this.symbol,
      side: this.side,
      riskRatio: this.riskRatio,
      equityUsdt: this.equityUsdt,
      requirementUsdt: this.requirementUsdt,
      reach: this.reach,
      topUpUsdt: this.topUpUsdt,
      reduction: this.reduction,
      marks: this.marks,
      funding: this.funding,
    };
  }
}

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
  const { account, model, risk, projector, curveOf, correlations, liquidationOdds: odds } = inputs;
  const marks = Object.fromEntries(account.positions.map((p) => [p.symbol, p.markPrice as number]));
  const facts: SubjectFacts[] = [];
  const { funding, now } = inputs;
  const fundingOf = (positions: Account['positions'], rho: number, equity: number): FundingFact | null =>
    funding === undefined || now === undefined ? null : nextFundingFact(positions, funding, now, rho, equity);
  const levelKeys = risk.levels.map(levelKey);
  const cross = risk.positions.filter((p) => p.marginMode === 'cross');
  if (cross.length > 0) {
    // The reduction suggested for the pool: the position that carries the largest requirement.
    const lead = [...cross].sort((a, b) => b.maintenanceMargin - a.maintenanceMargin);
    const reducible = lead.find((p) => p.reduction.kind === 'reduce');
    const shown = reducible ?? lead[0];
    const oddsUsdt = (): number =>
      odds === null ? 0 : oddsTopUp(crossGroup(account, model), curveOf, correlations, odds.horizonSec, odds.maxProbability);
    const ruleTopUp = cross[0]?.topUp ?? 0;
    const pool: EagerFacts = {
      subject: crossSubject(inputs.accountId),
      symbol: shown?.symbol ?? null,
      side: shown?.side ?? null,
      riskRatio: risk.riskRatio,
      equityUsdt: risk.equity,
      requirementUsdt: risk.maintenanceMargin,
      reach: reachOf(levelKeys, (k) => projector.crossPoolTier(k)),
      reduction: reducible === undefined ? null : reductionOf(reducible),
      marks,
      funding: fundingOf(account.positions.filter((p) => p.marginMode === 'cross'), risk.riskRatio, risk.equity),
    };
    facts.push(new LazyTopUpFacts(pool, () => Math.max(ruleTopUp, oddsUsdt())));
  }
  account.positions.forEach((p, i) => {
    const pr = risk.positions[i];
    if (p.marginMode !== 'isolated' || pr === undefined) return;
    const oddsUsdt = (): number =>
      odds === null ? 0 : oddsTopUp(isolatedGroup(p, model), curveOf, correlations, odds.horizonSec, odds.maxProbability) / model.isolatedTopUpGain(p);
    const own: EagerFacts = {
      subject: isolatedSubject(inputs.accountId, p.symbol, p.side),
      symbol: p.symbol,
      side: p.side,
      riskRatio: pr.riskRatio,
      equityUsdt: model.isolatedEquity(p, p.markPrice),
      requirementUsdt: pr.maintenanceMargin,
      reach: reachOf(levelKeys, (k) => projector.positionTier(i, k)),
      reduction: reductionOf(pr),
      marks: { [p.symbol]: p.markPrice },
      funding: fundingOf([p], pr.riskRatio, model.isolatedEquity(p, p.markPrice)),
    };
    facts.push(new LazyTopUpFacts(own, () => Math.max(pr.topUp, Math.ceil(oddsUsdt() * 100 - 1e-9) / 100)));
  });
  return facts;
}
