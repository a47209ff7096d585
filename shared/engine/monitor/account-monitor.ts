import type { AlertDecision, StaleFact, SubjectFacts } from '../alerts/alert-decision.ts';
import { callLevelsOf, DEFAULT_ALERT_POLICY, type AlertPolicyOptions } from '../alerts/alert-ladder.ts';
import {
  alertPolicyStep,
  emptyAlertPolicyState,
  snoozeSubject,
  unsnoozeSubject,
  type AlertPolicyState,
} from '../alerts/alert-policy.ts';
import { feedSubject } from '../alerts/subject-key.ts';
import { accountRisk, riskSearches, type AccountRisk, type RiskSearches } from '../margin/evaluate-account.ts';
import type { MarginModel } from '../margin/margin-model.ts';
import type { Account } from '../positions/account.ts';
import { accountProjector, type AccountProjection, type AccountProjector } from '../projection/account-projection.ts';
import {
  correlationFor,
  correlationMatrix,
  DEFAULT_CORRELATION_OPTIONS,
  emptyCorrelation,
  updateCorrelation,
  type CorrelationOptions,
  type CorrelationState,
} from '../projection/correlation.ts';
import { DEFAULT_HORIZONS_SEC } from '../projection/first-passage.ts';
import {
  DEFAULT_FORECAST_TERMS,
  emptyMarketShape,
  marketShape,
  updateMarketShape,
  type ForecastTerms,
  type MarketShape,
  type MarketShapeState,
} from '../projection/market-shape.ts';
import {
  DEFAULT_VOLATILITY_OPTIONS,
  emptyVolatility,
  fastVariancePerSec,
  updateVolatility,
  varianceCurve,
  type VarianceCurve,
  type VolatilityOptions,
  type VolatilityState,
} from '../projection/volatility.ts';
import { EMPTY_MINUTE_MOVE, updateMinuteMove, worstMinuteMove, type MinuteMoveState } from '../projection/minute-move.ts';
import type { FundingNotice } from '../projection/funding-step.ts';
import { fundingStepOf } from '../projection/funding-step.ts';
import { subjectFacts, type LiquidationOdds } from './subject-facts.ts';
import { withMarks } from './with-marks.ts';

/**
 * The account monitor: one pure reducer that the live feed and the replay both drive, so that a
 * replayed history raises exactly the alerts the live engine would have raised.
 *
 *   monitorStep(monitor, input, now) -> { monitor, decisions }
 *
 * A mark tick or an account update re-runs the whole chain: volatility and correlation, then
 * evaluateAccount (the venue's MarginModel, passed in once at creation), the projection, and the
 * alert policy. A stale/recovered fact, a snooze or a bare clock tick re-runs only the policy on the
 * last facts (reminders and held notices fall due with time, not with prices); a monitor whose view
 * `withoutView` let go makes those same facts again first, at the view's own time.
 *
 * A `Monitor` keeps apart what can be saved and what cannot: `state` is plain data (structuredClone
 * and JSON give it back equal; monitor-snapshot.ts saves it), while the config (with the venue's
 * functions), the account (the venue's truth, re-read after a restart) and the last evaluation (a
 * cache: evaluation is deterministic, so a restored monitor, or one that let its view go, rebuilds it)
 * sit beside it.
 */

export interface MonitorOptions {
  /** Names the account in subject keys and alert ids; stable across devices (e.g. "binance:main"). */
  readonly accountId: string;
  readonly policy: AlertPolicyOptions;
  readonly volatility: VolatilityOptions;
  readonly correlation: CorrelationOptions;
  /** Projection horizons shown per tier, seconds. */
  readonly horizonsSec: readonly number[];
  /** rho the suggested top-up and reduction aim for; null = the lowest ladder level (Watch). */
  readonly target: number | null;
  /** The top-up also keeps P(liquidation within the horizon) at or below this; null = rho target only. */
  readonly liquidationOdds: LiquidationOdds | null;
  /** Jump and trend terms of the forecast (market-shape.ts); each null = off. */
  readonly forecastTerms: ForecastTerms;
}

export const DEFAULT_MONITOR_OPTIONS: MonitorOptions = {
  accountId: 'account',
  policy: DEFAULT_ALERT_POLICY,
  volatility: DEFAULT_VOLATILITY_OPTIONS,
  correlation: DEFAULT_CORRELATION_OPTIONS,
  horizonsSec: DEFAULT_HORIZONS_SEC,
  target: null,
  liquidationOdds: { horizonSec: 86_400, maxProbability: 0.01 },
  forecastTerms: DEFAULT_FORECAST_TERMS,
};

/** The options plus the venue's margin rules (a function record: kept beside the state, never in it). */
export interface MonitorConfig extends MonitorOptions {
  readonly model: MarginModel;
  /** horizonsSec plus every predict rule's horizon, sorted: what the projection computes. */
  readonly projectedHorizonsSec: readonly number[];
}

/**
 * The last evaluation: what a screen shows and what the replay reads (rho, liquidation). `risk` and the
 * facts' plain fields are computed every tick; the searches (tier prices, reductions, the projection,
 * the facts' `searches`) run when first asked for: the policy needs only a few of them per tick, a
 * screen the rest (`viewProjection`, `positionFigures(view.searches, i)`). A cache, never saved or sent.
 */
export interface MonitorView {
  readonly t: number;
  readonly risk: AccountRisk;
  readonly facts: readonly SubjectFacts[];
  /** The evaluation's searches: tier prices and reductions, on demand (evaluate-account.ts). */
  readonly searches: RiskSearches;
  /** The evaluation's projection, figure by figure on demand. */
  readonly projector: AccountProjector;
  /** The variance curves and market shapes it read, for the next evaluation on the same records. */
  readonly curves: CurveMemo;
}

/**
 * Each symbol's variance curve and market shape, filled as the projection asks for them. They are a
 * function of the volatility and shape records alone (and the monitor's options), and those records are
 * kept from one tick to the next between a symbol's minute returns (observeMarks): an evaluation on the
 * same records takes the previous one's memo instead of rebuilding every curve. Never saved or sent.
 */
export interface CurveMemo {
  readonly config: MonitorConfig;
  readonly volatility: MonitorState['volatility'];
  readonly shape: MonitorState['shape'];
  readonly curves: Map<string, VarianceCurve>;
  readonly shapes: Map<string, MarketShape | null>;
}

/** Every projection figure of the view (per position and tier, and the cross pool's), as plain data. */
export const viewProjection = (view: MonitorView): AccountProjection => view.projector.all();

/** What the monitor remembers between inputs: plain data, every number finite (or null where typed so). */
export interface MonitorState {
  /** Time of the last accepted input; inputs from before it are refused. */
  readonly now: number | null;
  /** The latest mark of every symbol seen (the account's own marks to begin with). */
  readonly marks: Readonly<Record<string, number>>;
  /** Per-symbol volatility and the account's correlation: roughly rebuildable from history, saved so a restart moves no forecast. */
  readonly volatility: Readonly<Record<string, VolatilityState>>;
  readonly correlation: CorrelationState;
  /** Per-symbol worst one-minute move of the last day: the protective stop's buffer (minute-move.ts). */
  readonly minuteMoves: Readonly<Record<string, MinuteMoveState>>;
  /** Per-symbol jump tail and trend (market-shape.ts): rebuildable like the volatility, saved for the same reason. */
  readonly shape: Readonly<Record<string, MarketShapeState>>;
  /** Each symbol's next funding payment, as the venue last announced it (projection/funding-step.ts). */
  readonly funding: Readonly<Record<string, FundingNotice>>;
  readonly stale: StaleFact | null;
  /** Not rebuildable: open alerts (their ids carry the episode's start), snoozes, history. */
  readonly alerts: AlertPolicyState;
  /** Inputs refused so far: non-finite or non-positive marks, times going back. */
  readonly rejected: number;
}

/** A running monitor: its plain state, and beside it what is not saved (see the head of this file). */
export interface Monitor {
  readonly config: MonitorConfig;
  /** The last account heard, valued at `state.marks` (its tier tables end in an Infinity cap). */
  readonly account: Account;
  readonly state: MonitorState;
  /** The last evaluation; null before the first input, after a restore and after `withoutView` (rebuilt by the next step). */
  readonly view: MonitorView | null;
  /** What `withoutView` kept of the view it let go; null while the view is held, and before any. */
  readonly kept: KeptOfView | null;
}

/** The time and curve memo of an evaluation whose view was let go: enough to make the same view again. */
export interface KeptOfView {
  readonly t: number;
  readonly curves: CurveMemo;
}

/**
 * The monitor without its view, for a home that reads nothing of it between steps (the relay, which
 * draws its bands right after a step). A view holds the evaluation's solvers, facts and projections,
 * ~12 KB a step that would otherwise live until the next step: in a burst that is long enough to outlive
 * the young generation, so every step's view was copied, promoted and marked by the major GC
 * (docs/relay-load-log.md, Session 19). The next mark evaluates afresh as always (reading the kept curve
 * memo); a step on the same marks (a stale fact, a snooze, a clock tick) evaluates again at the kept
 * time, the view that was let go number for number, since evaluation is deterministic.
 */
export function withoutView(monitor: Monitor): Monitor {
  if (monitor.view === null) return monitor;
  return { config: monitor.config, account: monitor.account, state: monitor.state, view: null, kept: { t: monitor.view.t, curves: monitor.view.curves } };
}

export type MonitorInput =
  /**
   * Mark prices at `now`, symbol -> price (one symbol or several), and the next funding payment of
   * the symbols whose stream announced one (Binance `r`/`T`, Bybit, OKX, Hyperliquid).
   */
  | { readonly kind: 'marks'; readonly marks: Readonly<Record<string, number>>; readonly funding?: Readonly<Record<string, FundingNotice>> }
  /** Funding payments announced apart from the marks (OKX's funding-rate channel): the figures are re-evaluated. */
  | { readonly kind: 'funding'; readonly funding: Readonly<Record<string, FundingNotice>> }
  /** A full account snapshot (positions, balance); its marks give way to newer ticks. */
  | { readonly kind: 'account'; readonly account: Account }
  /** The feed lost its data; `since` is when it was last fresh (exchange time, part of the alert id). */
  | { readonly kind: 'stale'; readonly since: number; readonly reason: string }
  | { readonly kind: 'recovered' }
  /** Snooze a subject for a time (untilMs) or, with null, until it recovers. */
  | { readonly kind: 'snooze'; readonly subject: string; readonly untilMs: number | null }
  | { readonly kind: 'unsnooze'; readonly subject: string }
  /** Time passed, nothing else: lets reminders and held notices fall due between ticks. */
  | { readonly kind: 'clock' };

export interface MonitorStep {
  readonly monitor: Monitor;
  readonly decisions: readonly AlertDecision[];
}

/** Price history for the warm start, oldest first: `[timeMs, {symbol: price}]` as the replay document has it. */
export type MarkHistory = ReadonlyArray<readonly [number, Readonly<Record<string, number>>]>;

export interface MonitorSetup {
  readonly account: Account;
  /** The venue's margin rules: `marginModels[account.exchange]` (the engine may not import the venues). */
  readonly model: MarginModel;
  readonly options?: Partial<MonitorOptions>;
  readonly history?: MarkHistory;
}

/** The options with the defaults filled in, the model, and the horizons the projection computes. */
export function monitorConfig(options: Partial<MonitorOptions> | undefined, model: MarginModel): MonitorConfig {
  const full: MonitorOptions = { ...DEFAULT_MONITOR_OPTIONS, ...options };
  return { ...full, model, projectedHorizonsSec: projectedHorizons(full) };
}

const marksOfAccount = (account: Account): Record<string, number> =>
  Object.fromEntries(account.positions.map((p) => [p.symbol, p.markPrice as number]));

/** The monitor before its first input, volatility and correlation warmed from `history` if given. */
export function createMonitor(setup: MonitorSetup): Monitor {
  const config = monitorConfig(setup.options, setup.model);
  let state: MonitorState = {
    now: null,
    marks: marksOfAccount(setup.account),
    volatility: {},
    correlation: emptyCorrelation(setup.account.positions.map((p) => p.symbol)),
    minuteMoves: {},
    shape: {},
    funding: {},
    stale: null,
    alerts: emptyAlertPolicyState,
    rejected: 0,
  };
  for (const [t, marks] of setup.history ?? []) state = observeMarks(state, config, marks, t);
  // The warm start must not move the account's own marks or claim a time: the first input does that.
  return { config, account: setup.account, state: { ...state, now: null, marks: { ...state.marks, ...marksOfAccount(setup.account) } }, view: null, kept: null };
}

/**
 * Volatility, correlation and the latest marks after a tick; bad prices are counted and skipped.
 * Copy on write: volatility, jump/trend and minute moves move once a minute per symbol (their returns
 * are a minute apart), so on most ticks every update gives its state back and the record is kept, not
 * copied (a copy of every symbol's entry per batch, three times, for nothing).
 */
function observeMarks(state: MonitorState, config: MonitorConfig, marks: Readonly<Record<string, number>>, now: number): MonitorState {
  let volatility: Record<string, VolatilityState> | null = null;
  let minuteMoves: Record<string, MinuteMoveState> | null = null;
  let shape: Record<string, MarketShapeState> | null = null;
  const latest = { ...state.marks };
  let rejected = state.rejected;
  // for...in, not Object.entries: the same keys in the same order, without a pair per symbol per tick.
  for (const symbol in marks) {
    if (!Object.hasOwn(marks, symbol)) continue;
    const price = marks[symbol];
    if (!(typeof price === 'number' && Number.isFinite(price) && price > 0)) {
      rejected += 1;
      continue;
    }
    // Each symbol is visited once, so its entry in a copy is still the state's.
    const held = state.volatility[symbol];
    const before = held ?? emptyVolatility(config.volatility);
    // A jump is judged against the volatility before it (market-shape.ts).
    const fastPerMs = fastVariancePerSec(before, config.volatility) / 1000;
    const heldShape = state.shape[symbol];
    const nextShape = updateMarketShape(heldShape ?? emptyMarketShape(), price, now, fastPerMs, config.forecastTerms);
    if (nextShape !== heldShape) (shape ??= { ...state.shape })[symbol] = nextShape;
    const nextVolatility = updateVolatility(before, price, now, config.volatility);
    if (nextVolatility !== held) (volatility ??= { ...state.volatility })[symbol] = nextVolatility;
    const heldMove = state.minuteMoves[symbol];
    const nextMove = updateMinuteMove(heldMove ?? EMPTY_MINUTE_MOVE, price, now);
    if (nextMove !== heldMove) (minuteMoves ??= { ...state.minuteMoves })[symbol] = nextMove;
    latest[symbol] = price;
  }
  const correlation = updateCorrelation(state.correlation, latest, now, config.correlation);
  // Written out in MonitorState's order (see stateWith).
  return {
    now: state.now,
    marks: latest,
    volatility: volatility ?? state.volatility,
    correlation,
    minuteMoves: minuteMoves ?? state.minuteMoves,
    shape: shape ?? state.shape,
    funding: state.funding,
    stale: state.stale,
    alerts: state.alerts,
    rejected,
  };
}

/**
 * Funding notices after a tick: a finite rate and time replace the symbol's notice; anything else is
 * skipped. Copy on write: a venue repeats the same notice on every ticker (Bybit, OKX) for hours, so
 * a tick that changes no notice returns `known` itself and copies nothing.
 */
export function heardFunding(
  known: Readonly<Record<string, FundingNotice>>,
  heard: Readonly<Record<string, FundingNotice>>,
): Readonly<Record<string, FundingNotice>> {
  let next: Record<string, FundingNotice> | null = null;
  for (const symbol in heard) {
    if (!Object.hasOwn(heard, symbol)) continue;
    const n = heard[symbol]!;
    if (!(Number.isFinite(n.rate) && Math.abs(n.rate) < 1 && Number.isFinite(n.timeMs) && n.timeMs > 0)) continue;
    const was = (next ?? known)[symbol];
    if (was !== undefined && Object.hasOwn(next ?? known, symbol) && was.rate === n.rate && was.timeMs === n.timeMs) continue;
    next ??= { ...known };
    next[symbol] = { rate: n.rate, timeMs: n.timeMs };
  }
  return next ?? known;
}

/** The display horizons plus every predict rule's horizon, so the policy finds its own, in order. */
const projectedHorizons = (config: MonitorOptions): number[] =>
  [...new Set([...config.horizonsSec, ...config.policy.ladder.flatMap((r) => (r.predict === null ? [] : [r.predict.horizonSec]))])].sort((a, b) => a - b);

// The evaluation's lookups, made by functions and returned unnamed: under tsx (keepNames) a closure
// named by its binding costs a defineProperty per evaluation, which the homes' bundles do not pay.
const curveLookup =
  (curves: Map<string, VarianceCurve>, volatility: MonitorState['volatility'], options: MonitorConfig['volatility']) =>
  (symbol: string): VarianceCurve => {
    let curve = curves.get(symbol);
    if (curve === undefined) {
      curve = varianceCurve(volatility[symbol] ?? emptyVolatility(options), options);
      curves.set(symbol, curve);
    }
    return curve;
  };
const correlationLookup = (correlation: MonitorState['correlation'], options: MonitorConfig['correlation']) => (symbols: readonly string[]) =>
  correlationMatrix(correlation, symbols, options);
const shapeLookup =
  (shapes: Map<string, MarketShape | null>, shape: MonitorState['shape'], curveOf: (symbol: string) => VarianceCurve, terms: MonitorConfig['forecastTerms']) =>
  (symbol: string): MarketShape | null => {
    let s = shapes.get(symbol);
    if (s === undefined) {
      s = marketShape(shape[symbol], curveOf(symbol).fastPerSec / 1000, terms);
      shapes.set(symbol, s);
    }
    return s;
  };
const fundingLookup = (funding: MonitorState['funding'], now: number) => (symbol: string, side: 'long' | 'short') => fundingStepOf(side, funding[symbol], now);
const minuteMoveLookup = (minuteMoves: MonitorState['minuteMoves'], now: number) => (symbol: string) => worstMinuteMove(minuteMoves[symbol], now);

function evaluate(config: MonitorConfig, account: Account, state: MonitorState, now: number, previous: CurveMemo | undefined): MonitorView {
  // The closures below live as long as the view's unread searches: they must hold only this
  // evaluation's inputs, never the monitor, whose previous view would chain every earlier one to it.
  const { volatility, correlation, minuteMoves, shape, funding } = state;
  const risk = accountRisk(account, config.model, {
    callLevels: callLevelsOf(config.policy.ladder),
    ...(config.target === null ? {} : { target: config.target }),
  });
  // One curve per symbol per evaluation: the projection asks for them many times. The previous
  // evaluation's, when it read the same records (the memo holds records and curves, never a view).
  const memo = curveMemo(previous, config, volatility, shape);
  const { curves, shapes } = memo;
  const curveOf = curveLookup(curves, volatility, config.volatility);
  const correlations = correlationLookup(correlation, config.correlation);
  const shapeOf = shapeLookup(shapes, shape, curveOf, config.forecastTerms);
  const fundingOf = fundingLookup(funding, now);
  const searches = riskSearches(account, config.model, risk);
  const projector = accountProjector(searches, curveOf, correlations, config.projectedHorizonsSec, shapeOf, fundingOf);
  const facts = subjectFacts({
    accountId: config.accountId,
    searches,
    projector,
    curveOf,
    correlations,
    liquidationOdds: config.liquidationOdds,
    worstMinuteMove: minuteMoveLookup(minuteMoves, now),
    funding,
    now,
  });
  return { t: now, risk, facts, searches, projector, curves: memo };
}

/** The memo for these records: the previous one where both records are the ones it was filled from. */
function curveMemo(previous: CurveMemo | undefined, config: MonitorConfig, volatility: MonitorState['volatility'], shape: MonitorState['shape']): CurveMemo {
  if (previous !== undefined && previous.config === config && previous.volatility === volatility && previous.shape === shape) return previous;
  return { config, volatility, shape, curves: new Map(), shapes: new Map() };
}

/** `{ ...state, now, alerts }`, written out. */
const stateWith = (state: MonitorState, now: number | null, alerts: AlertPolicyState): MonitorState => ({
  now,
  marks: state.marks,
  volatility: state.volatility,
  correlation: state.correlation,
  minuteMoves: state.minuteMoves,
  shape: state.shape,
  funding: state.funding,
  stale: state.stale,
  alerts,
  rejected: state.rejected,
});

export function monitorStep(monitor: Monitor, input: MonitorInput, now: number): MonitorStep {
  const { config, state } = monitor;
  if (!Number.isFinite(now) || (state.now !== null && now < state.now)) {
    return { monitor: { ...monitor, state: { ...state, rejected: state.rejected + 1 } }, decisions: [] };
  }
  // The state objects of a step written out in MonitorState's order (the order createMonitor and the
  // snapshot's reader give them), not spread: one shape for all, and no copy by key (the spreads here
  // were ~4 % of a relay monitor thread in the flash burst).
  let next: MonitorState = stateWith(state, now, state.alerts);
  let account = monitor.account;
  let fresh = false;
  switch (input.kind) {
    case 'marks':
      next = observeMarks(next, config, input.marks, now);
      if (input.funding !== undefined) next = { ...next, funding: heardFunding(next.funding, input.funding) };
      account = withMarks(account, next.marks);
      fresh = true;
      break;
    case 'funding':
      next = { ...next, funding: heardFunding(next.funding, input.funding) };
      fresh = true;
      break;
    case 'account':
      account = withMarks(input.account, next.marks);
      next = { ...next, correlation: correlationFor(next.correlation, account.positions.map((p) => p.symbol)) };
      fresh = true;
      break;
    case 'stale':
      next = { ...next, stale: { subject: feedSubject(config.accountId), since: input.since, reason: input.reason } };
      break;
    case 'recovered':
      next = { ...next, stale: null };
      break;
    case 'snooze':
      next = { ...next, alerts: snoozeSubject(next.alerts, input.subject, input.untilMs) };
      break;
    case 'unsnooze':
      next = { ...next, alerts: unsnoozeSubject(next.alerts, input.subject) };
      break;
    case 'clock':
      break;
  }
  const { kept } = monitor;
  let view = monitor.view;
  if (fresh || view === null) {
    // Same marks after `withoutView`: the view let go, made again at its own time.
    const at = !fresh && kept !== null ? kept.t : now;
    view = evaluate(config, account, next, at, view?.curves ?? kept?.curves);
  }
  const policy = alertPolicyStep(next.alerts, { subjects: view.facts, stale: next.stale }, now, config.policy);
  return { monitor: { config, account, state: stateWith(next, next.now, policy.state), view, kept: null }, decisions: policy.decisions };
}
