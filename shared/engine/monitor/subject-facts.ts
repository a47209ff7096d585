import type { FundingFact, LevelReach, SubjectFacts, SubjectSearches, SuggestedReduction, SuggestedStop, SuggestionOdds } from '../alerts/alert-decision.ts';
import { levelKey } from '../alerts/alert-ladder.ts';
import { crossSubject, isolatedSubject } from '../alerts/subject-key.ts';
import { reductionOf, type RiskSearches } from '../margin/evaluate-account.ts';
import type { Reduction } from '../margin/suggested-actions.ts';
import type { MarginModel } from '../margin/margin-model.ts';
import { protectiveStop, stopFill } from '../margin/protective-stop.ts';
import type { Account, Position } from '../positions/account.ts';
import { usdt } from '../../units/units.ts';
import type { AccountProjector } from '../projection/account-projection.ts';
import { bufferTierOutlook, oddsTopUp, type CorrelationMatrixOf } from '../projection/buffer-reach.ts';
import { crossGroup, isolatedGroup, type RiskGroup } from '../projection/equity-buffer.ts';
import { once } from '../projection/once.ts';
import type { CurveOf } from '../projection/position-projection.ts';
import type { FundingNotice } from '../projection/funding-step.ts';
import { nextFundingFact } from './funding-facts.ts';

/** The top-up also aims for P(liquidation within horizonSec) <= maxProbability (docs/alert-policy.md, Suggested actions). */
export interface LiquidationOdds {
  readonly horizonSec: number;
  readonly maxProbability: number;
}

export interface FactInputs {
  readonly accountId: string;
  /** The evaluation (account, model, risk) and its searches, shared with the projector and the screens. */
  readonly searches: RiskSearches;
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

type PlainFacts = Omit<SubjectFacts, 'searches'>;

/**
 * A subject's searches, each run on its first call and kept: the odds top-up is a search along the
 * fall-fastest direction, the stop a tier-price and quantity search, the odds four projections, and
 * only an alert being recorded, a screen or a trader acting asks for them; the policy asks for the
 * reach of the next tier up (and of the one a prediction is about).
 */
function subjectSearches(
  levelKeys: readonly string[],
  reachAt: (k: number) => LevelReach | undefined,
  probabilityAt: (k: number, horizonSec: number) => number,
  oddsTopUpUsdt: () => number,
  protectiveStop: () => SuggestedStop | null,
  odds: (oddsTopUpUsdt: number) => SuggestionOdds | null,
): SubjectSearches {
  const topUp = once(oddsTopUpUsdt);
  return {
    reach: (key) => {
      const k = levelKeys.indexOf(key);
      return k < 0 ? undefined : reachAt(k);
    },
    probability: (key, horizonSec) => {
      const k = levelKeys.indexOf(key);
      return k < 0 ? 0 : probabilityAt(k, horizonSec);
    },
    oddsTopUpUsdt: topUp,
    protectiveStop: once(protectiveStop),
    odds: once(() => odds(topUp())),
  };
}

const suggestedReduction = (p: Position, r: Reduction): SuggestedReduction | null =>
  r.kind === 'reduce' ? { symbol: p.symbol, side: p.side, qty: r.qty, feeUsdt: r.feeUsdt, closesPosition: r.closesPosition } : null;

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
  const { searches, projector, curveOf, correlations, liquidationOdds: odds } = inputs;
  const { account, model, risk } = searches;
  const worstMove = inputs.worstMinuteMove ?? (() => null);
  const marks: Record<string, number> = {};
  for (const p of account.positions) marks[p.symbol] = p.markPrice;
  const facts: SubjectFacts[] = [];
  const { funding, now } = inputs;
  const fundingOf = (positions: Account['positions'], rho: number, equity: number): FundingFact | null =>
    funding === undefined || now === undefined ? null : nextFundingFact(positions, funding, now, rho, equity);
  const levelKeys = risk.levels.map(levelKey);
  const pOf = (group: RiskGroup, horizonSec: number): number => bufferTierOutlook(group, 1, curveOf, correlations, [horizonSec]).horizons[0]?.probability ?? 0;
  const cross: number[] = [];
  risk.positions.forEach((p, i) => {
    if (p.marginMode === 'cross') cross.push(i);
  });
  if (cross.length > 0) {
    // The reduction suggested for the pool: the position that carries the largest requirement.
    const requirementOf = (i: number): number => risk.positions[i]?.maintenanceMargin ?? 0;
    const lead = [...cross].sort((a, b) => requirementOf(b) - requirementOf(a));
    const reducible = lead.find((i) => reductionOf(searches, i).kind === 'reduce');
    const shownIndex = reducible ?? lead[0];
    const shownPosition = shownIndex === undefined ? undefined : account.positions[shownIndex];
    const topUpUsdt = risk.positions[cross[0] ?? -1]?.topUp ?? 0;
    const withWallet = (extra: number): RiskGroup => crossGroup({ ...account, walletBalance: usdt(account.walletBalance + extra) }, model);
    const reduction = reducible === undefined || shownPosition === undefined ? null : suggestedReduction(shownPosition, reductionOf(searches, reducible));
    const pool: PlainFacts = {
      subject: crossSubject(inputs.accountId),
      symbol: shownPosition?.symbol ?? null,
      side: shownPosition?.side ?? null,
      riskRatio: risk.riskRatio,
      equityUsdt: risk.equity,
      requirementUsdt: risk.maintenanceMargin,
      topUpUsdt,
      reduction,
      marks,
      funding: fundingOf(account.positions.filter((p) => p.marginMode === 'cross'), risk.riskRatio, risk.equity),
    };
    facts.push({
      ...pool,
      searches: subjectSearches(
        levelKeys,
        (k) => projector.crossPoolTier(k),
        (k, h) => projector.crossPoolTierProbability(k, h),
        () => (odds === null ? 0 : oddsTopUp(crossGroup(account, model), curveOf, correlations, odds.horizonSec, odds.maxProbability)),
        () => stopOf(account, model, shownPosition, worstMove),
        (oddsUsdt) => {
          if (odds === null) return null;
          const h = odds.horizonSec;
          const now = pOf(crossGroup(account, model), h);
          const reduced = reduction === null || shownPosition === undefined ? null : stopFill(account, shownPosition, shownPosition.markPrice, reduction.qty).account;
          return {
            horizonSec: h,
            now,
            afterTopUp: topUpUsdt > 0 ? pOf(withWallet(topUpUsdt), h) : now,
            afterOddsTopUp: oddsUsdt > 0 ? pOf(withWallet(oddsUsdt), h) : now,
            afterReduction: reduced === null ? null : pOf(crossGroup(reduced, model), h),
          };
        },
      ),
    });
  }
  account.positions.forEach((p, i) => {
    const pr = risk.positions[i];
    if (p.marginMode !== 'isolated' || pr === undefined) return;
    const withMargin = (extra: number): RiskGroup => isolatedGroup({ ...p, isolatedMargin: usdt((p.isolatedMargin ?? 0) + extra) }, model);
    const own: PlainFacts = {
      subject: isolatedSubject(inputs.accountId, p.symbol, p.side),
      symbol: p.symbol,
      side: p.side,
      riskRatio: pr.riskRatio,
      equityUsdt: model.isolatedEquity(p, p.markPrice),
      requirementUsdt: pr.maintenanceMargin,
      topUpUsdt: pr.topUp,
      reduction: suggestedReduction(p, reductionOf(searches, i)),
      marks: { [p.symbol]: p.markPrice },
      funding: fundingOf([p], pr.riskRatio, model.isolatedEquity(p, p.markPrice)),
    };
    facts.push({
      ...own,
      searches: subjectSearches(
        levelKeys,
        (k) => projector.positionTier(i, k),
        (k, h) => projector.positionTierProbability(i, k, h),
        () =>
          // Rounded up to the cent; max(0, ...) so that nothing needed is 0, not ceil(-1e-9) = -0.
          odds === null ? 0 : Math.max(0, Math.ceil((oddsTopUp(isolatedGroup(p, model), curveOf, correlations, odds.horizonSec, odds.maxProbability) / model.isolatedTopUpGain(p)) * 100 - 1e-9) / 100),
        () => stopOf(account, model, p, worstMove),
        (oddsUsdt) => {
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
      ),
    });
  });
  return facts;
}
