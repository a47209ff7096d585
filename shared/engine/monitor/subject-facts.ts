import type { FundingFact, SubjectFacts, SuggestedReduction, SuggestedStop, SuggestionOdds } from '../alerts/alert-decision.ts';
import { levelKey } from '../alerts/alert-ladder.ts';
import { crossSubject, isolatedSubject } from '../alerts/subject-key.ts';
import type { AccountRisk, PositionRisk } from '../margin/evaluate-account.ts';
import type { MarginModel } from '../margin/margin-model.ts';
import { protectiveStop, stopFill } from '../margin/protective-stop.ts';
import type { Account, Position } from '../positions/account.ts';
import { usdt } from '../../units/units.ts';
import type { AccountProjector } from '../projection/account-projection.ts';
import { bufferTierOutlook, oddsTopUp, type CorrelationMatrixOf } from '../projection/buffer-reach.ts';
import { crossGroup, isolatedGroup, type RiskGroup } from '../projection/equity-buffer.ts';
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
  /** The symbol's recent worst one-minute move (minute-move.ts), for the protective stop's buffer; absent: unknown. */
  readonly worstMinuteMove?: (symbol: string) => number | null;
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

type EagerFacts = Omit<SubjectFacts, 'oddsTopUpUsdt' | 'protectiveStop' | 'odds'>;

/** The figures computed on first read: each is a search, and only an alert being recorded, a screen or a trader acting reads them. */
interface LazyParts {
  readonly oddsTopUp: () => number;
  readonly protectiveStop: () => SuggestedStop | null;
  readonly odds: (oddsTopUpUsdt: number) => SuggestionOdds | null;
}

/**
 * Facts whose odds top-up, stop and odds are computed on first read (the odds top-up is a search along
 * the fall-fastest direction; the stop a tier-price and quantity search): prototype getters, so the
 * tick pays no closure per field. JSON.stringify sees them in their place through toJSON.
 */
class LazySuggestionFacts implements SubjectFacts {
  readonly subject: string;
  readonly symbol: string | null;
  readonly side: SubjectFacts['side'];
  readonly riskRatio: number;
  readonly equityUsdt: number;
  readonly requirementUsdt: number;
  readonly reach: SubjectFacts['reach'];
  readonly topUpUsdt: number;
  readonly reduction: SuggestedReduction | null;
  readonly marks: Readonly<Record<string, number>>;
  readonly funding: FundingFact | null;
  readonly #lazy: LazyParts;
  #oddsTopUpUsdt: number | undefined;
  #protectiveStop: SuggestedStop | null | undefined;
  #odds: SuggestionOdds | null | undefined;

  constructor(eager: EagerFacts, lazy: LazyParts) {
    this.subject = eager.subject;
    this.symbol = eager.symbol;
    this.side = eager.side;
    this.riskRatio = eager.riskRatio;
    this.equityUsdt = eager.equityUsdt;
    this.requirementUsdt = eager.requirementUsdt;
    this.reach = eager.reach;
    this.topUpUsdt = eager.topUpUsdt;
    this.reduction = eager.reduction;
    this.marks = eager.marks;
    this.#lazy = lazy;
    this.funding = eager.funding ?? null;
  }

  get oddsTopUpUsdt(): number {
    this.#oddsTopUpUsdt ??= this.#lazy.oddsTopUp();
    return this.#oddsTopUpUsdt;
  }

  get protectiveStop(): SuggestedStop | null {
    if (this.#protectiveStop === undefined) this.#protectiveStop = this.#lazy.protectiveStop();
    return this.#protectiveStop;
  }

  get odds(): SuggestionOdds | null {
    if (this.#odds === undefined) this.#odds = this.#lazy.odds(this.oddsTopUpUsdt);
    return this.#odds;
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
      oddsTopUpUsdt: this.oddsTopUpUsdt,
      reduction: this.reduction,
      protectiveStop: this.protectiveStop,
      odds: this.odds,
      marks: this.marks,
      funding: this.funding,
    };
  }
}

const reductionOf = (p: PositionRisk): SuggestedReduction | null =>
  p.reduction.kind === 'reduce'
    ? { symbol: p.symbol, side: p.side, qty: p.reduction.qty, feeUsdt: p.reduction.feeUsdt, closesPosition: p.reduction.closesPosition }
    : null;

const stopOf = (account: Account, model: MarginModel, p: Position | undefined, worstMinuteMove: (symbol: string) => number | null): SuggestedStop | null => {
  if (p === undefined) return null;
  const s = protectiveStop(account, model, p, { worstMinuteMove: worstMinuteMove(p.symbol) });
  return s.kind !== 'stop'
    ? null
    : { symbol: p.symbol, side: p.side, triggerPrice: s.triggerPrice, fillPrice: s.fillPrice, qty: s.qty, feeUsdt: s.feeUsdt, closesPosition: s.closesPosition, liquidationPrice: s.liquidationPrice };
};

/**
 * The risk subjects of an account as the alert policy sees them: the cross pool (if the account has
 * cross positions) and each isolated position. Two top-ups, side by side and neither capped: the
 * smallest back to the target rho (the engine's) and the one that brings P(liquidation within the odds
 * horizon) down to the odds limit; the reduction is the engine's (back to the target); the protective
 * stop is protective-stop.ts's for the position the reduction names. `odds` says what each buys.
 */
export function subjectFacts(inputs: FactInputs): SubjectFacts[] {
  const { account, model, risk, projector, curveOf, correlations, liquidationOdds: odds } = inputs;
  const worstMove = inputs.worstMinuteMove ?? (() => null);
  const marks: Record<string, number> = {};
  for (const p of account.positions) marks[p.symbol] = p.markPrice;
  const facts: SubjectFacts[] = [];
  const { funding, now } = inputs;
  const fundingOf = (positions: Account['positions'], rho: number, equity: number): FundingFact | null =>
    funding === undefined || now === undefined ? null : nextFundingFact(positions, funding, now, rho, equity);
  const levelKeys = risk.levels.map(levelKey);
  const pOf = (group: RiskGroup, horizonSec: number): number => bufferTierOutlook(group, 1, curveOf, correlations, [horizonSec]).horizons[0]?.probability ?? 0;
  const cross = risk.positions.filter((p) => p.marginMode === 'cross');
  if (cross.length > 0) {
    // The reduction suggested for the pool: the position that carries the largest requirement.
    const lead = [...cross].sort((a, b) => b.maintenanceMargin - a.maintenanceMargin);
    const reducible = lead.find((p) => p.reduction.kind === 'reduce');
    const shown = reducible ?? lead[0];
    const shownPosition = shown === undefined ? undefined : account.positions[risk.positions.indexOf(shown)];
    const topUpUsdt = cross[0]?.topUp ?? 0;
    const withWallet = (extra: number): RiskGroup => crossGroup({ ...account, walletBalance: usdt(account.walletBalance + extra) }, model);
    const pool: EagerFacts = {
      subject: crossSubject(inputs.accountId),
      symbol: shown?.symbol ?? null,
      side: shown?.side ?? null,
      riskRatio: risk.riskRatio,
      equityUsdt: risk.equity,
      requirementUsdt: risk.maintenanceMargin,
      reach: reachOf(levelKeys, (k) => projector.crossPoolTier(k)),
      topUpUsdt,
      reduction: reducible === undefined ? null : reductionOf(reducible),
      marks,
      funding: fundingOf(account.positions.filter((p) => p.marginMode === 'cross'), risk.riskRatio, risk.equity),
    };
    facts.push(
      new LazySuggestionFacts(pool, {
        oddsTopUp: () => (odds === null ? 0 : oddsTopUp(crossGroup(account, model), curveOf, correlations, odds.horizonSec, odds.maxProbability)),
        protectiveStop: () => stopOf(account, model, shownPosition, worstMove),
        odds: (oddsUsdt) => {
          if (odds === null) return null;
          const h = odds.horizonSec;
          const now = pOf(crossGroup(account, model), h);
          const reduced = pool.reduction === null || shownPosition === undefined ? null : stopFill(account, shownPosition, shownPosition.markPrice, pool.reduction.qty).account;
          return {
            horizonSec: h,
            now,
            afterTopUp: topUpUsdt > 0 ? pOf(withWallet(topUpUsdt), h) : now,
            afterOddsTopUp: oddsUsdt > 0 ? pOf(withWallet(oddsUsdt), h) : now,
            afterReduction: reduced === null ? null : pOf(crossGroup(reduced, model), h),
          };
        },
      }),
    );
  }
  account.positions.forEach((p, i) => {
    const pr = risk.positions[i];
    if (p.marginMode !== 'isolated' || pr === undefined) return;
    const withMargin = (extra: number): RiskGroup => isolatedGroup({ ...p, isolatedMargin: usdt((p.isolatedMargin ?? 0) + extra) }, model);
    const own: EagerFacts = {
      subject: isolatedSubject(inputs.accountId, p.symbol, p.side),
      symbol: p.symbol,
      side: p.side,
      riskRatio: pr.riskRatio,
      equityUsdt: model.isolatedEquity(p, p.markPrice),
      requirementUsdt: pr.maintenanceMargin,
      reach: reachOf(levelKeys, (k) => projector.positionTier(i, k)),
      topUpUsdt: pr.topUp,
      reduction: reductionOf(pr),
      marks: { [p.symbol]: p.markPrice },
      funding: fundingOf([p], pr.riskRatio, model.isolatedEquity(p, p.markPrice)),
    };
    facts.push(
      new LazySuggestionFacts(own, {
        oddsTopUp: () =>
          // Rounded up to the cent; max(0, ...) so that nothing needed is 0, not ceil(-1e-9) = -0.
          odds === null ? 0 : Math.max(0, Math.ceil((oddsTopUp(isolatedGroup(p, model), curveOf, correlations, odds.horizonSec, odds.maxProbability) / model.isolatedTopUpGain(p)) * 100 - 1e-9) / 100),
        protectiveStop: () => stopOf(account, model, p, worstMove),
        odds: (oddsUsdt) => {
          if (odds === null) return null;
          const h = odds.horizonSec;
          const now = pOf(isolatedGroup(p, model), h);
          const rest = own.reduction === null ? undefined : stopFill(account, p, p.markPrice, own.reduction.qty).rest;
          return {
            horizonSec: h,
            now,
            afterTopUp: own.topUpUsdt > 0 ? pOf(withMargin(own.topUpUsdt), h) : now,
            afterOddsTopUp: oddsUsdt > 0 ? pOf(withMargin(oddsUsdt), h) : now,
            afterReduction: rest === undefined ? null : rest === null ? 0 : pOf(isolatedGroup(rest, model), h),
          };
        },
      }),
    );
  });
  return facts;
}
