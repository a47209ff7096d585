import type { StaleFact, SubjectFacts } from '../engine/alerts/alert-decision.ts';
import { levelKey, type TierRule } from '../engine/alerts/alert-ladder.ts';
import type { AlertPolicyState } from '../engine/alerts/alert-policy.ts';
import { crossSubject, isolatedSubject } from '../engine/alerts/subject-key.ts';
import { positionFigures, type PositionFigures } from '../engine/margin/evaluate-account.ts';
import type { MarginModel } from '../engine/margin/margin-model.ts';
import { viewProjection, type MonitorState, type MonitorView } from '../engine/monitor/account-monitor.ts';
import { worstMinuteMove } from '../engine/projection/minute-move.ts';
import type { Account, Position } from '../engine/positions/account.ts';
import type { ConnectionState, SocketName } from '../engine/positions/feed-notices.ts';
import type { TierOutlook } from '../engine/projection/tier-outlook.ts';
import type { Price, Ratio } from '../units/units.ts';
import {
  ACCOUNT_REPORT_VERSION,
  type AccountMode,
  type AccountReport,
  type BadgeReport,
  type FeedReport,
  type LadderLevel,
  type PositionReport,
  type Reach,
  type ReductionSuggestion,
  type SubjectReport,
  type VenueFigure,
} from './account-report.ts';
import type { AlertLog } from './alert-log.ts';
import { finiteOrNull, priceOf, qtyOf, ratioOf, timeOf, usdtOf } from './protocol-numbers.ts';
import { protectiveStopReport } from './protective-stop-report.ts';
import { positionKey, probabilityOrNull, reductionSuggestion, topUpSuggestion } from './suggestion-effects.ts';

/**
 * The one function that reads the monitor's evaluation (whose searches run when asked for: tier prices,
 * reductions, the projection, the facts' `searches`) and writes it out as protocol data.
 * Nothing outside the engine reads PositionFigures, SubjectFacts or MonitorView but this: a home passes
 * the report on, never the view. Every input is explicit (no MonitorState), so the monitor's own shape
 * may change without touching the screens.
 */
export interface ReportInputs {
  readonly accountId: string;
  readonly mode: AccountMode;
  /** The account the view was evaluated from (the monitor's). */
  readonly account: Account;
  /** The venue's margin rules, for what each suggestion buys. */
  readonly model: MarginModel;
  /** The monitor's last evaluation. */
  readonly view: MonitorView;
  /** The alert policy's ladder (names and severities of the levels). */
  readonly ladder: readonly TierRule[];
  /** The alert policy's state: the tier each subject is held in, snoozes, the badge. */
  readonly alertState: AlertPolicyState;
  readonly alertLog: AlertLog;
  /** The monitor's stale notice. */
  readonly stale: StaleFact | null;
  /** The feed's health; null when the home runs no feed (manual account, replay). */
  readonly feed: {
    readonly connections: Readonly<Record<SocketName, ConnectionState>>;
    /** Symbols without a fresh mark. */
    readonly staleSymbols: readonly string[];
    /** The newest mark's time per symbol, ms. */
    readonly lastMarkAt: Readonly<Record<string, number>>;
  } | null;
  /** The venue's own figures per position key (`<symbol>:<side>`). */
  readonly venueFigures?: Readonly<Record<string, VenueFigure>>;
  /** The monitor's per-symbol worst one-minute moves (`monitor.state.minuteMoves`), for the protective stops; absent: unknown (1 % assumed). */
  readonly minuteMoves?: MonitorState['minuteMoves'];
  /** The home's clock, ms. */
  readonly now: number;
}

const maybeRatio = (n: number): Ratio | null => {
  const f = finiteOrNull(n);
  return f === null ? null : ratioOf(f);
};

function reachOf(outlook: TierOutlook | undefined, outOfReach: string): Reach {
  if (outlook === undefined) return { kind: 'out-of-reach', reason: 'not projected' };
  if (outlook.medianTimeSec === 0) return { kind: 'reached' };
  if (outlook.medianTimeSec === Number.POSITIVE_INFINITY && outlook.horizons.every((h) => h.probability === 0)) {
    return { kind: 'out-of-reach', reason: outOfReach };
  }
  return {
    kind: 'projected',
    medianTimeSec: finiteOrNull(outlook.medianTimeSec),
    horizons: outlook.horizons.map((h) => ({ horizonSec: h.horizonSec, probability: h.probability, distanceSd: finiteOrNull(h.distanceSd) })),
  };
}

const nextTierOf = (rho: number, levels: readonly number[]): string | null => {
  const next = levels.find((l) => rho < l);
  return next === undefined ? null : levelKey(next);
};

/** The pool's reduction: the position with the largest requirement that a reduction helps, as the facts choose it. */
function poolReduction(account: Account, model: MarginModel, cross: ReadonlyArray<{ p: Position; risk: PositionFigures }>, oddsAfter: number | null): ReductionSuggestion {
  const lead = [...cross].sort((a, b) => b.risk.maintenanceMargin - a.risk.maintenanceMargin);
  const reducible = lead.find((c) => c.risk.reduction.kind === 'reduce');
  const shown = reducible ?? lead[0];
  return shown === undefined ? { kind: 'none-needed' } : reductionSuggestion(account, model, shown.p, shown.risk.reduction, oddsAfter);
}

export function accountReport(inputs: ReportInputs): AccountReport {
  const { account, model, view, ladder, alertState, accountId } = inputs;
  const { risk } = view;
  const projection = viewProjection(view);
  const levels = risk.levels;
  const ladderLevels: LadderLevel[] = levels.map((l) => {
    const rule = ladder.find((r) => levelKey(r.level) === levelKey(l));
    return { level: levelKey(l), riskRatio: ratioOf(l), name: rule?.name ?? (l >= 1 ? 'Liquidation' : `rho ${l}`), severity: rule?.severity ?? (l >= 1 ? 'liquidation' : 'watch') };
  });
  const poolSubject = crossSubject(accountId);
  const pairs = account.positions.map((p, i) => {
    const known = risk.positions[i];
    // A programming error, not bad data: the figures would belong to other positions.
    if (known === undefined || known.symbol !== p.symbol || known.side !== p.side) throw new Error('accountReport: the account is not the one the view was evaluated from');
    return { p, risk: positionFigures(view.searches, i), i };
  });

  const positions = pairs.map(({ p, risk: pr, i }): PositionReport => {
    const tierPrices = pr.tierPrices;
    const isolated = p.marginMode === 'isolated';
    const status = !(p.qty > 0) ? 'closed' : pr.riskRatio >= 1 ? 'past-liquidation' : 'open';
    const outlooks = projection.positions[i]?.tiers ?? [];
    const key = positionKey(p);
    return {
      key,
      subject: isolated ? isolatedSubject(accountId, p.symbol, p.side) : poolSubject,
      symbol: p.symbol,
      side: p.side,
      marginMode: p.marginMode,
      status,
      qty: qtyOf(p.qty),
      entryPrice: priceOf(p.entryPrice),
      markPrice: priceOf(p.markPrice),
      leverage: finiteOrNull(p.leverage),
      notionalUsdt: usdtOf(pr.notional),
      unrealisedPnlUsdt: usdtOf(pr.unrealisedPnl),
      isolatedMarginUsdt: isolated ? usdtOf(p.isolatedMargin ?? 0) : null,
      maintenanceMarginUsdt: usdtOf(pr.maintenanceMargin),
      riskRatio: maybeRatio(pr.riskRatio),
      liquidationPrice: positivePrice(pr.liquidationPrice),
      tiers: levels.map((l, k) => {
        const at = positivePrice(tierPrices[levelKey(l)]);
        return {
          level: levelKey(l),
          name: ladderLevels[k]?.name ?? levelKey(l),
          reached: pr.riskRatio >= l,
          price: at,
          distancePercent: at === null ? null : finiteOrNull(((at - p.markPrice) / p.markPrice) * 100),
          reach: reachOf(outlooks[k], 'no positive mark of this symbol reaches this level'),
        };
      }),
      nextTier: status === 'closed' ? null : nextTierOf(pr.riskRatio, levels),
      sigmaPerSqrtSec: finiteOrNull(projection.positions[i]?.sigmaPerSqrtSec) ?? 0,
      reduction: reductionSuggestion(account, model, p, pr.reduction),
      protectiveStop: protectiveStopReport(account, model, p, worstMinuteMove(inputs.minuteMoves?.[p.symbol], view.t)),
      venueFigure: venueFigureOf(inputs.venueFigures?.[key]),
    };
  });

  const subjects = view.facts.map((f): SubjectReport => subjectReport(inputs, f, pairs, ladderLevels, poolSubject));

  const badgeRule = alertState.badge === null ? undefined : ladder[alertState.badge.tierIndex];
  const badge: BadgeReport = {
    tier: badgeRule === undefined ? null : levelKey(badgeRule.level),
    tierName: badgeRule?.name ?? null,
    severity: badgeRule?.severity ?? null,
    stale: alertState.stale !== null || inputs.stale !== null,
  };

  return {
    kind: 'account-report',
    version: ACCOUNT_REPORT_VERSION,
    builtAt: timeOf(inputs.now),
    evaluatedAt: timeOf(view.t),
    dataAgeMs: Math.max(0, inputs.now - view.t),
    account: {
      venue: account.exchange,
      accountId,
      mode: inputs.mode,
      walletBalanceUsdt: usdtOf(account.walletBalance),
      equityUsdt: usdtOf(risk.equity),
      requirementUsdt: usdtOf(risk.maintenanceMargin),
      riskRatio: maybeRatio(risk.riskRatio),
      worstRiskRatio: maybeRatio(risk.worstRiskRatio),
      venueRatio: { name: risk.venueRatio.name, value: finiteOrNull(risk.venueRatio.value) },
      targetRiskRatio: ratioOf(risk.target),
    },
    ladder: ladderLevels,
    positions,
    subjects,
    alerts: inputs.alertLog.entries.filter((e) => e.subject.startsWith(`${accountId}:`)).reverse(),
    badge,
    feed: feedReport(inputs),
  };
}

/** A copy (the caller's object may carry more than the protocol says); a figure that is not a positive price is none. */
function venueFigureOf(v: VenueFigure | undefined): VenueFigure | null {
  const at = finiteOrNull(v?.at);
  const liquidation = positivePrice(v?.liquidationPrice);
  return v === undefined || at === null || liquidation === null ? null : { liquidationPrice: liquidation, at: timeOf(at) };
}

const positivePrice = (n: number | null | undefined): Price | null => {
  const f = finiteOrNull(n);
  return f === null || !(f > 0) ? null : priceOf(f);
};

function subjectReport(
  inputs: ReportInputs,
  f: SubjectFacts,
  pairs: ReadonlyArray<{ p: Position; risk: PositionFigures; i: number }>,
  ladderLevels: readonly LadderLevel[],
  poolSubject: string,
): SubjectReport {
  const { account, model, view, alertState, ladder } = inputs;
  const isPool = f.subject === poolSubject;
  const members = isPool
    ? pairs.filter((c) => c.p.marginMode === 'cross')
    : pairs.filter((c) => c.p.marginMode === 'isolated' && c.p.symbol === f.symbol && c.p.side === f.side);
  const own = members[0];
  const projection = viewProjection(view);
  const outlooks: readonly (TierOutlook | undefined)[] = isPool
    ? (projection.crossPool?.tiers ?? [])
    : own === undefined
      ? []
      : (projection.positions[own.i]?.tiers ?? []);
  const state = alertState.subjects[f.subject];
  const alertRule = state === undefined ? undefined : ladder[state.tierIndex];
  const odds = f.searches.odds();
  return {
    subject: f.subject,
    kind: isPool ? 'cross-pool' : 'isolated',
    positions: members.map((c) => positionKey(c.p)),
    riskRatio: maybeRatio(f.riskRatio),
    equityUsdt: usdtOf(f.equityUsdt),
    requirementUsdt: usdtOf(f.requirementUsdt),
    alertTier: alertRule === undefined ? null : levelKey(alertRule.level),
    nextTier: nextTierOf(f.riskRatio, view.risk.levels),
    tiers: view.risk.levels.map((l, k) => ({
      level: levelKey(l),
      name: ladderLevels[k]?.name ?? levelKey(l),
      bufferUsdt: usdtOf(f.equityUsdt - f.requirementUsdt / l),
      reach: reachOf(outlooks[k], isPool ? 'no move of the pool’s marks reaches this level' : 'no positive mark of this symbol reaches this level'),
    })),
    topUp: topUpSuggestion(account, model, isPool || own === undefined ? null : own.p, f.topUpUsdt, odds?.afterTopUp ?? null),
    oddsTopUp: topUpSuggestion(account, model, isPool || own === undefined ? null : own.p, f.searches.oddsTopUpUsdt(), odds?.afterOddsTopUp ?? null),
    reduction: isPool
      ? poolReduction(account, model, members, odds?.afterReduction ?? null)
      : own === undefined
        ? { kind: 'none-needed' }
        : reductionSuggestion(account, model, own.p, own.risk.reduction, odds?.afterReduction ?? null),
    liquidationOdds: odds === null ? null : { horizonSec: odds.horizonSec, probability: probabilityOrNull(odds.now) ?? 0 },
    snooze: state?.snooze == null ? null : { untilMs: state.snooze.untilMs === null ? null : timeOf(state.snooze.untilMs) },
  };
}

function feedReport(inputs: ReportInputs): FeedReport {
  const { feed } = inputs;
  const symbols = [...new Set(inputs.account.positions.map((p) => p.symbol))];
  return {
    connections: feed === null ? null : { ...feed.connections },
    symbols: symbols.map((symbol) => {
      const last = finiteOrNull(feed?.lastMarkAt[symbol]);
      const at = last === null ? null : timeOf(last);
      return feed !== null && feed.staleSymbols.includes(symbol) ? { symbol, state: 'stale', since: at } : { symbol, state: 'fresh', lastMarkAt: at };
    }),
    stale: inputs.stale === null ? null : { since: timeOf(inputs.stale.since), reason: inputs.stale.reason },
  };
}
