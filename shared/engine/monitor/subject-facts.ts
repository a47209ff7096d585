import type { LevelReach, SubjectFacts, SubjectSearches, SuggestedReduction, SuggestedStop, SuggestionOdds } from '../alerts/alert-decision.ts';
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

/** What every subject's searches of one evaluation share. */
interface SearchInputs {
  readonly account: Account;
  readonly model: MarginModel;
  readonly levelKeys: readonly string[];
  readonly projector: AccountProjector;
  readonly curveOf: CurveOf;
  readonly correlations: CorrelationMatrixOf;
  readonly odds: LiquidationOdds | null;
  readonly worstMove: (symbol: string) => number | null;
}

/** Whose searches: the cross pool (`shown` is the position its reduction and stop name) or isolated position `i`. */
type SearchSubject =
  | { readonly kind: 'pool'; readonly shown: Position | undefined; readonly reduction: SuggestedReduction | null; readonly topUpUsdt: number }
  | { readonly kind: 'position'; readonly i: number; readonly p: Position; readonly reduction: SuggestedReduction | null; readonly topUpUsdt: number };

/** A memo slot: not asked yet, or the answer (null included). */
const UNASKED: unique symbol = Symbol('unasked');

/**
 * A subject's searches, each run on its first call and kept: the odds top-up is a search along the
 * fall-fastest direction, the stop a tier-price and quantity search, the odds four projections, and
 * only an alert being recorded, a screen or a trader acting asks for them; the policy asks for the
 * reach of the next tier up (and of the one a prediction is about). A class, not a record of closures:
 * one object per subject per tick instead of eight functions (the policy runs this every tick).
 * Methods only, no getters; the facts never cross a boundary, the answers (plain data) do.
 */
class SearchesOf implements SubjectSearches {
  private topUpAnswer: number | typeof UNASKED = UNASKED;
  private stopAnswer: SuggestedStop | null | typeof UNASKED = UNASKED;
  private oddsAnswer: SuggestionOdds | null | typeof UNASKED = UNASKED;
  private marksAnswer: Readonly<Record<string, number>> | null = null;

  constructor(
    private readonly inputs: SearchInputs,
    private readonly subject: SearchSubject,
  ) {}

  reach(key: string): LevelReach | undefined {
    const k = this.inputs.levelKeys.indexOf(key);
    if (k < 0) return undefined;
    const s = this.subject;
    return s.kind === 'pool' ? this.inputs.projector.crossPoolTier(k) : this.inputs.projector.positionTier(s.i, k);
  }

  probability(key: string, horizonSec: number): number {
    const k = this.inputs.levelKeys.indexOf(key);
    if (k < 0) return 0;
    const s = this.subject;
    return s.kind === 'pool' ? this.inputs.projector.crossPoolTierProbability(k, horizonSec) : this.inputs.projector.positionTierProbability(s.i, k, horizonSec);
  }

  probabilitySide(key: string, horizonSec: number, cutoff: number): number {
    const k = this.inputs.levelKeys.indexOf(key);
    if (k < 0) return 0;
    const s = this.subject;
    return s.kind === 'pool' ? this.inputs.projector.crossPoolTierProbabilitySide(k, horizonSec, cutoff) : this.inputs.projector.positionTierProbability(s.i, k, horizonSec);
  }

  oddsTopUpUsdt(): number {
    if (this.topUpAnswer === UNASKED) this.topUpAnswer = this.inputs.odds === null ? 0 : oddsTopUpOf(this.inputs, this.subject, this.inputs.odds);
    return this.topUpAnswer;
  }

  protectiveStop(): SuggestedStop | null {
    if (this.stopAnswer === UNASKED) {
      const { account, model, worstMove } = this.inputs;
      this.stopAnswer = stopOf(account, model, this.subject.kind === 'pool' ? this.subject.shown : this.subject.p, worstMove);
    }
    return this.stopAnswer;
  }

  marks(): Readonly<Record<string, number>> {
    if (this.marksAnswer === null) {
      const s = this.subject;
      if (s.kind === 'pool') {
        const marks: Record<string, number> = {};
        for (const p of this.inputs.account.positions) marks[p.symbol] = p.markPrice;
        this.marksAnswer = marks;
      } else {
        this.marksAnswer = { [s.p.symbol]: s.p.markPrice };
      }
    }
    return this.marksAnswer;
  }

  odds(): SuggestionOdds | null {
    if (this.oddsAnswer === UNASKED) this.oddsAnswer = this.inputs.odds === null ? null : oddsOf(this.inputs, this.subject, this.inputs.odds, this.oddsTopUpUsdt());
    return this.oddsAnswer;
  }
}

function oddsTopUpOf(inputs: SearchInputs, s: SearchSubject, odds: LiquidationOdds): number {
  const { account, model, curveOf, correlations } = inputs;
  if (s.kind === 'pool') return oddsTopUp(crossGroup(account, model), curveOf, correlations, odds.horizonSec, odds.maxProbability);
  // Rounded up to the cent; max(0, ...) so that nothing needed is 0, not ceil(-1e-9) = -0.
  return Math.max(0, Math.ceil((oddsTopUp(isolatedGroup(s.p, model), curveOf, correlations, odds.horizonSec, odds.maxProbability) / model.isolatedTopUpGain(s.p)) * 100 - 1e-9) / 100);
}

/** What each suggestion does to P(liquidation within the odds horizon). */
function oddsOf(inputs: SearchInputs, s: SearchSubject, odds: LiquidationOdds, oddsUsdt: number): SuggestionOdds {
  const { account, model, curveOf, correlations } = inputs;
  const h = odds.horizonSec;
  const pOf = (group: RiskGroup): number => bufferTierOutlook(group, 1, curveOf, correlations, [h]).horizons[0]?.probability ?? 0;
  if (s.kind === 'pool') {
    const { shown, reduction, topUpUsdt } = s;
    const withWallet = (extra: number): RiskGroup => crossGroup({ ...account, walletBalance: usdt(account.walletBalance + extra) }, model);
    const now = pOf(crossGroup(account, model));
    const reduced = reduction === null || shown === undefined ? null : stopFill(account, shown, shown.markPrice, reduction.qty).account;
    return {
      horizonSec: h,
      now,
      afterTopUp: topUpUsdt > 0 ? pOf(withWallet(topUpUsdt)) : now,
      afterOddsTopUp: oddsUsdt > 0 ? pOf(withWallet(oddsUsdt)) : now,
      afterReduction: reduced === null ? null : pOf(crossGroup(reduced, model)),
    };
  }
  const { p } = s;
  const withMargin = (extra: number): RiskGroup => isolatedGroup({ ...p, isolatedMargin: usdt((p.isolatedMargin ?? 0) + extra) }, model);
  const now = pOf(isolatedGroup(p, model));
  const rest = s.reduction === null ? undefined : stopFill(account, p, p.markPrice, s.reduction.qty).rest;
  return {
    horizonSec: h,
    now,
    afterTopUp: s.topUpUsdt > 0 ? pOf(withMargin(s.topUpUsdt)) : now,
    afterOddsTopUp: oddsUsdt > 0 ? pOf(withMargin(oddsUsdt)) : now,
    afterReduction: rest === undefined ? null : rest === null ? 0 : pOf(isolatedGroup(rest, model)),
  };
}

const NO_MOVE = (): null => null;

/** Cross positions by requirement, largest first, equals in the account's order (a stable sort). */
/**
 * The first cross position that can reduce, in `byRequirement`'s order: the reducible one with the
 * largest requirement, the first of equals. Without the sort when every requirement is finite (each
 * position's reduction is asked, as the sorted walk asks them all when none can reduce, the usual case
 * of a pool of many small positions: its reductions stop at their first check).
 */
export function largestReducible(searches: RiskSearches, positions: readonly { readonly maintenanceMargin: number }[], cross: readonly number[]): number | undefined {
  let best: number | undefined;
  let most = 0;
  for (const i of cross) {
    const m = positions[i]?.maintenanceMargin ?? 0;
    if (!Number.isFinite(m)) return byRequirement(positions, cross).find((j) => reductionOf(searches, j).kind === 'reduce');
  }
  for (const i of cross) {
    if (reductionOf(searches, i).kind !== 'reduce') continue;
    const m = positions[i]?.maintenanceMargin ?? 0;
    if (best === undefined || m > most) {
      best = i;
      most = m;
    }
  }
  return best;
}

function byRequirement(positions: readonly { readonly maintenanceMargin: number }[], cross: readonly number[]): number[] {
  // Each requirement read once into an array the comparator indexes: the same values compared, so the same order.
  const requirement = new Float64Array(positions.length);
  for (const i of cross) requirement[i] = positions[i]?.maintenanceMargin ?? 0;
  return [...cross].sort((a, b) => (requirement[b] as number) - (requirement[a] as number));
}

/**
 * The first of `byRequirement` without the sort: the largest requirement, the first of equals (a
 * non-finite requirement, where the sort's comparisons are NaN, is left to the sort). `cross` is not empty.
 */
function leadOf(positions: readonly { readonly maintenanceMargin: number }[], cross: readonly number[]): number {
  let lead = cross[0]!;
  let most = positions[lead]?.maintenanceMargin ?? 0;
  for (const i of cross) {
    const m = positions[i]?.maintenanceMargin ?? 0;
    if (!Number.isFinite(m)) return byRequirement(positions, cross)[0]!;
    if (m > most) {
      lead = i;
      most = m;
    }
  }
  return lead;
}

function crossPositions(account: Account): Position[] {
  const cross: Position[] = [];
  for (const p of account.positions) if (p.marginMode === 'cross') cross.push(p);
  return cross;
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
  const worstMove = inputs.worstMinuteMove ?? NO_MOVE;
  const facts: SubjectFacts[] = [];
  const { funding, now } = inputs;
  const shared: SearchInputs = { account, model, levelKeys: risk.levels.map(levelKey), projector, curveOf, correlations, odds, worstMove };
  const cross: number[] = [];
  for (let i = 0; i < risk.positions.length; i += 1) if (risk.positions[i]!.marginMode === 'cross') cross.push(i);
  if (cross.length > 0) {
    // The reduction suggested for the pool: the position that carries the largest requirement.
    const lead = leadOf(risk.positions, cross);
    let reducible: number | undefined;
    if (reductionOf(searches, lead).kind === 'reduce') reducible = lead;
    else reducible = largestReducible(searches, risk.positions, cross);
    const shownIndex = reducible ?? lead;
    const shownPosition = account.positions[shownIndex];
    const topUpUsdt = risk.positions[cross[0] ?? -1]?.topUp ?? 0;
    const reduction = reducible === undefined || shownPosition === undefined ? null : suggestedReduction(shownPosition, reductionOf(searches, reducible));
    // Written out rather than plain facts spread into a second object: one object per subject per tick.
    facts.push({
      subject: crossSubject(inputs.accountId),
      symbol: shownPosition?.symbol ?? null,
      side: shownPosition?.side ?? null,
      riskRatio: risk.riskRatio,
      equityUsdt: risk.equity,
      requirementUsdt: risk.maintenanceMargin,
      topUpUsdt,
      reduction,
      funding: funding === undefined || now === undefined ? null : nextFundingFact(crossPositions(account), funding, now, risk.riskRatio, risk.equity),
      searches: new SearchesOf(shared, { kind: 'pool', shown: shownPosition, reduction, topUpUsdt }),
    });
  }
  for (let i = 0; i < account.positions.length; i += 1) {
    const p = account.positions[i]!;
    const pr = risk.positions[i];
    if (p.marginMode !== 'isolated' || pr === undefined) continue;
    const reduction = suggestedReduction(p, reductionOf(searches, i));
    facts.push({
      subject: isolatedSubject(inputs.accountId, p.symbol, p.side),
      symbol: p.symbol,
      side: p.side,
      riskRatio: pr.riskRatio,
      equityUsdt: model.isolatedEquity(p, p.markPrice),
      requirementUsdt: pr.maintenanceMargin,
      topUpUsdt: pr.topUp,
      reduction,
      funding: funding === undefined || now === undefined ? null : nextFundingFact([p], funding, now, pr.riskRatio, model.isolatedEquity(p, p.markPrice)),
      searches: new SearchesOf(shared, { kind: 'position', i, p, reduction, topUpUsdt: pr.topUp }),
    });
  }
  return facts;
}
