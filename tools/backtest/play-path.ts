import type { AlertDecision, AlertRecord } from '../../shared/engine/alerts/alert-decision.ts';
import type { TierRule } from '../../shared/engine/alerts/alert-ladder.ts';
import { DEFAULT_ALERT_POLICY } from '../../shared/engine/alerts/alert-ladder.ts';
import { createMonitor, monitorStep, type Monitor, type MonitorOptions } from '../../shared/engine/monitor/account-monitor.ts';
import { withMarks } from '../../shared/engine/monitor/with-marks.ts';
import type { Account } from '../../shared/engine/positions/account.ts';
import { marginModels } from '../../shared/exchanges/venues.ts';
import { accountFor, withTopUp, type AccountRecipe } from './backtest-accounts.ts';
import type { BacktestPath, PathFamily } from './backtest-paths.ts';
import { staticCallStep, STATIC_LEVEL, worstRiskRatio } from './static-margin-call.ts';
import { oracleContext, oracleTrader, oracleWithStop, type OracleOutcome } from './hindsight-oracle.ts';
import { protectedRun, type StopPlacement } from './protected-run.ts';
import { act, capitalOf, closeAtMark, hear, isDue, NEW_TRADER, observe, positionKey, qtyOf, type Sizing, type TraderRule, type TraderState } from './trader-model.ts';

/**
 * One path, one account, three policies, one trader (trader-model.ts):
 * - `static`: the exchange's margin call (a push when rho crosses 0.8);
 * - `ours`: the monitor with its alert policy;
 * - `prefunded`: no alert at all, but ours' capital on this path added before the first tick: the pair
 *   at equal capital, which says how much of ours' result is timing and how much is money.
 * For each sizing target the trader adds what brings rho back to that target. Lead time and false
 * forecasts are read off a passive run (nobody acts), once with the default forecast rules and once per
 * forecast rule of the frontier. Every run reports the digest of the path and of the positions it
 * played, and the capital it started and ended with, so a test can check that the policies met the same
 * market and the same account and that no money came from anywhere but the trader's top-ups.
 */

const model = marginModels.binance;
const DAY_MS = 86_400_000;

/** The sizing targets of the capital frontier; DEFAULT_TARGET (the Watch level) gives the main rows. */
export const DEFAULT_TARGET = 0.5;
export const SIZING_TARGETS = [0.1, 0.3, 0.5, 0.7] as const;

/** A forecast rule of the lead-time frontier: every predict rule of the ladder gets this horizon and threshold. */
export interface ForecastRule {
  readonly horizonSec: number;
  readonly threshold: number;
}
export const FORECAST_RULES: readonly ForecastRule[] = [
  { horizonSec: 3600, threshold: 0.1 },
  { horizonSec: 3600, threshold: 0.25 },
  { horizonSec: 3600, threshold: 0.5 },
  { horizonSec: 3600, threshold: 0.75 },
  { horizonSec: 2 * 3600, threshold: 0.5 },
  { horizonSec: 4 * 3600, threshold: 0.25 },
  { horizonSec: 4 * 3600, threshold: 0.5 },
  { horizonSec: 4 * 3600, threshold: 0.75 },
];

export interface PlayOptions {
  readonly delayMs: number;
  /** The traders to play (both by default): topping up, reducing. */
  readonly traders?: readonly Sizing[];
  readonly monitor?: Partial<MonitorOptions>;
  /** Sizing targets (rho); DEFAULT_TARGET is always played. */
  readonly targets?: readonly number[];
  readonly forecastRules?: readonly ForecastRule[];
}

/** What one policy's trader did on the path. */
export interface TraderRun {
  readonly trader: Sizing;
  readonly liquidated: boolean;
  readonly pushes: number;
  readonly actions: number;
  /** Actions that fell due with the worst subject already at or below the target: nothing done. */
  readonly idleActions: number;
  readonly positionDays: number;
  readonly topUpUsdt: number;
  /** PnL (fees included) the trader's protective stops realised; 0 without stops. */
  readonly realisedUsdt: number;
  /** Protective stops placed and filled, and the base quantity they closed; null for a trader who places none. */
  readonly stops: { readonly placed: number; readonly filled: number; readonly closedQty: number } | null;
  /** The reducing trader: base quantity its reductions closed (all positions), the share of the starting
   * position that is (notional at entry), and the PnL they realised, fee and slippage included (USDT). */
  readonly closedQty: number;
  readonly closedShare: number;
  /** The same by position (`symbol:side`). */
  readonly closed: Readonly<Record<string, number>>;
  readonly reducedPnlUsdt: number;
  readonly startCapitalUsdt: number;
  readonly endCapitalUsdt: number;
  /** Base quantity held at the start and the end, all positions together. */
  readonly startQty: number;
  readonly endQty: number;
  readonly pathDigest: string;
  readonly accountDigest: string;
}

/** What the passive run says about a policy's alerts: lead time and forecasts. */
export interface AlertQuality {
  /** Seconds from the first alert that led up to the event until the event; null without an event. */
  readonly leadTimeSec: number | null;
  /** First notices of predictive pushes whose outcome is known within the path, and those whose tier did not come. */
  readonly forecasts: number;
  readonly falseForecasts: number;
}

export type PolicyOutcome = TraderRun & AlertQuality;

/**
 * Every policy the backtest plays, by trader. Top-up trader: the static call, ours, the equal-capital pair
 * (ours' money up front) and ours with the protective stop placed four ways. Reducing trader: the static
 * call, ours, the equal-size pair (ours' reductions made at the first tick, no alerts) and ours with the
 * stop placed when first warned.
 */
export const TOPUP_KEYS = ['static', 'ours', 'prefunded', 'protectedAtOpen', 'stopLossAtOpen', 'protected', 'protectedLate', 'oracle', 'oracleStop'] as const;
export const REDUCE_KEYS = ['staticReduce', 'oursReduce', 'preReduced', 'protectedReduce', 'oracleReduce', 'oracleStopReduce'] as const;
/** The hindsight rows (hindsight-oracle.ts): bounds, never product policies. */
export const ORACLE_KEYS = ['oracle', 'oracleStop', 'oracleReduce', 'oracleStopReduce'] as const;
export type PolicyKey = (typeof TOPUP_KEYS)[number] | (typeof REDUCE_KEYS)[number];
/** The policies of the capital (top-up) and sizing (reduce) frontiers: the stop traders play the main target only. */
export const FRONTIER_KEYS = ['static', 'ours', 'prefunded', 'staticReduce', 'oursReduce', 'preReduced'] as const;
export type FrontierKey = (typeof FRONTIER_KEYS)[number];

/**
 * The path under one trader, read against the hindsight bound: survives untouched; unsaveable (liquidated
 * whatever the warning times); saved by ours; or saved by the bound but not by ours, because ours' first
 * push came after the last minute a first push could still save it (late), or came in time and its
 * trader's actions, sized by the rule, were not enough (in time).
 */
export type HindsightVerdict = 'survives' | 'unsaveable' | 'ours-saves' | 'ours-late' | 'ours-in-time';

export type SizingOutcome = { readonly targetRho: number } & { readonly [K in FrontierKey]?: TraderRun };

export interface PathOutcome {
  readonly family: PathFamily;
  readonly recipe: AccountRecipe;
  /** What the passive run met: liquidation, else the 0.8 tier, else nothing. */
  readonly event: 'liquidation' | 'margin-call' | null;
  /**
   * The main rows, at DEFAULT_TARGET, for the traders played. protectedAtOpen, stopLossAtOpen, protected,
   * protectedLate: ours' top-up trader who also places the protective stops (protected-run.ts) with the
   * position (the engine's quantity, or the whole position), when first warned, and the reaction delay
   * after that; protectedReduce: the reducing trader with the stop placed when first warned. oracle,
   * oracleReduce: the hindsight bound, each trader warned at the best minutes of this path; oracleStop,
   * oracleStopReduce: the same with the engine's stop placed at the best minute (hindsight-oracle.ts).
   */
  readonly runs: { readonly [K in PolicyKey]?: PolicyOutcome };
  readonly sizing: readonly SizingOutcome[];
  /** Per trader played, what the hindsight bound says of this path (hindsight-oracle.ts). */
  readonly hindsight: { readonly [S in Sizing]?: HindsightVerdict };
  readonly forecastRules: ReadonlyArray<{ readonly rule: ForecastRule } & AlertQuality>;
}

/** A short digest of the ticks a run plays (FNV-1a over the times and marks as written). */
export function pathDigest(path: BacktestPath): string {
  let h = 0x811c9dc5;
  for (const [t, marks] of path.ticks) {
    const text = `${t}|${Object.entries(marks).map(([s, m]) => `${s}=${m}`).join(',')};`;
    for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The positions a run starts with (capital is reported on its own). */
export const accountDigest = (account: Account): string =>
  account.positions.map((p) => `${p.symbol}:${p.side}:${p.marginMode}:${p.qty}@${p.entryPrice}`).join(',');

const pushedLevels = (decisions: readonly AlertDecision[]): number[] =>
  decisions.flatMap((d) => (d.kind === 'notify' && d.alert.channel === 'push' && d.alert.tier !== null ? [Number(d.alert.tier)] : []));

interface PassiveRun {
  readonly times: readonly number[];
  readonly rhos: readonly number[];
  readonly notices: ReadonlyArray<{ readonly k: number; readonly alert: AlertRecord }>;
  readonly resolves: ReadonlyArray<{ readonly k: number; readonly id: string; readonly reason: string }>;
}

const newMonitor = (path: BacktestPath, account: Account, options: Partial<MonitorOptions> | undefined): Monitor =>
  createMonitor({ account, model, history: path.history, options: { accountId: 'backtest', ...options } });

/**
 * Our passive run, and beside it the trader's prefix: until the trader's first action nothing differs
 * between the passive and the active run, and the first action falls due at the same tick whatever the
 * sizing target, so every target's active run starts from this fork.
 */
interface Passive {
  readonly run: PassiveRun;
  /** The trader's state at the end of the prefix (the whole path when no action came). */
  readonly trader: TraderState;
  readonly liquidatedAt: number | null;
  /** The tick of the first action, with the monitor and the trader there; null if none came. */
  readonly fork: { readonly index: number; readonly monitor: Monitor; readonly trader: TraderState } | null;
}

function passiveRun(path: BacktestPath, account: Account, options: PlayOptions, withFork: boolean): Passive {
  let monitor = newMonitor(path, account, options.monitor);
  const times: number[] = [];
  const rhos: number[] = [];
  const notices: Array<{ k: number; alert: AlertRecord }> = [];
  const resolves: Array<{ k: number; id: string; reason: string }> = [];
  let trader = NEW_TRADER;
  let liquidatedAt: number | null = null;
  let fork: Passive['fork'] = null;
  // Until the first action nothing depends on the sizing rule: one prefix serves both traders.
  const rule = { delayMs: options.delayMs, targetRho: DEFAULT_TARGET, sizing: 'topup' } as const;
  for (let k = 0; k < path.ticks.length; k += 1) {
    const [t, marks] = path.ticks[k] ?? [0, {}];
    const step = monitorStep(monitor, { kind: 'marks', marks }, t);
    monitor = step.monitor;
    const rho = monitor.view?.risk.worstRiskRatio ?? 0;
    times.push(t);
    rhos.push(rho);
    for (const d of step.decisions) {
      if (d.kind === 'notify' && d.alert.channel === 'push') notices.push({ k, alert: d.alert });
      if (d.kind === 'resolve') resolves.push({ k, id: d.id, reason: d.reason });
    }
    if (!withFork || fork !== null || liquidatedAt !== null) continue;
    trader = observe(hear(trader, pushedLevels(step.decisions), t, rule), rho);
    if (rho >= 1) liquidatedAt = t;
    else if (isDue(trader, t)) fork = { index: k, monitor, trader };
  }
  return { run: { times, rhos, notices, resolves }, trader, liquidatedAt, fork };
}

const entryNotional = (account: Account, closed: Readonly<Record<string, number>>): number =>
  account.positions.reduce((s, p) => s + (closed[positionKey(p)] ?? 0) * p.entryPrice, 0);

function runOf(
  path: BacktestPath,
  account0: Account,
  rule: Pick<TraderRule, 'sizing'>,
  trader: TraderState,
  liquidatedAt: number | null,
  endAccount: Account,
  stops: { readonly placed: number; readonly filled: number; readonly closedQty: number; readonly realisedUsdt: number } | null = null,
): TraderRun {
  const t0 = path.ticks[0]?.[0] ?? 0;
  const tEnd = path.ticks[path.ticks.length - 1]?.[0] ?? t0;
  const held = Object.fromEntries(account0.positions.map((p) => [positionKey(p), p.qty]));
  const closedQty = Object.values(trader.closed).reduce((s, q) => s + q, 0);
  return {
    trader: rule.sizing,
    liquidated: liquidatedAt !== null,
    pushes: trader.pushes,
    actions: trader.actions,
    idleActions: trader.idleActions,
    positionDays: (account0.positions.length * ((liquidatedAt ?? tEnd) - t0)) / DAY_MS,
    topUpUsdt: trader.topUpUsdt,
    realisedUsdt: stops?.realisedUsdt ?? 0,
    stops: stops === null ? null : { placed: stops.placed, filled: stops.filled, closedQty: stops.closedQty },
    closedQty,
    closed: trader.closed,
    closedShare: entryNotional(account0, trader.closed) / Math.max(1e-9, entryNotional(account0, held)),
    reducedPnlUsdt: trader.reducedPnlUsdt,
    startCapitalUsdt: capitalOf(account0),
    endCapitalUsdt: capitalOf(endAccount),
    startQty: qtyOf(account0),
    endQty: qtyOf(endAccount),
    pathDigest: pathDigest(path),
    accountDigest: accountDigest(account0),
  };
}

/** Our active run at one sizing target, from the fork on: the trader tops up, the monitor hears of it. */
function oursActive(path: BacktestPath, account0: Account, passive: Passive, rule: TraderRule): TraderRun {
  const { fork } = passive;
  if (fork === null) return runOf(path, account0, rule, passive.trader, passive.liquidatedAt, account0);
  let monitor = fork.monitor;
  let trader = fork.trader;
  let liquidatedAt: number | null = null;
  const actNow = (t: number) => {
    const done = act(trader, monitor.account, rule);
    trader = done.state;
    if (done.account === monitor.account) return;
    const step = monitorStep(monitor, { kind: 'account', account: done.account }, t);
    monitor = step.monitor;
    trader = hear(trader, pushedLevels(step.decisions), t, rule);
  };
  actNow(path.ticks[fork.index]?.[0] ?? 0);
  for (let k = fork.index + 1; k < path.ticks.length; k += 1) {
    const [t, marks] = path.ticks[k] ?? [0, {}];
    const step = monitorStep(monitor, { kind: 'marks', marks }, t);
    monitor = step.monitor;
    const rho = monitor.view?.risk.worstRiskRatio ?? 0;
    trader = observe(hear(trader, pushedLevels(step.decisions), t, rule), rho);
    if (rho >= 1) {
      liquidatedAt = t;
      break;
    }
    if (isDue(trader, t)) actNow(t);
  }
  return runOf(path, account0, rule, trader, liquidatedAt, monitor.account);
}

/** The static call's active run: no monitor, the account and the call's one bit of state. */
function staticActive(path: BacktestPath, account0: Account, rule: TraderRule): TraderRun {
  let account = account0;
  let call = { isAbove: false };
  let trader = NEW_TRADER;
  let liquidatedAt: number | null = null;
  for (const [t, marks] of path.ticks) {
    account = withMarks(account, marks);
    const rho = worstRiskRatio(account, model);
    const called = staticCallStep(call, rho);
    call = called.state;
    trader = observe(hear(trader, called.pushes ? [STATIC_LEVEL] : [], t, rule), rho);
    if (rho >= 1) {
      liquidatedAt = t;
      break;
    }
    if (isDue(trader, t)) {
      const done = act(trader, account, rule);
      trader = done.state;
      account = done.account;
    }
  }
  return runOf(path, account0, rule, trader, liquidatedAt, account);
}

/** Nobody acts on the path from `start` on: the first liquidation, if any, and the account at the end. */
function untouched(path: BacktestPath, start: Account): { liquidatedAt: number | null; account: Account } {
  let account = start;
  for (const [t, marks] of path.ticks) {
    account = withMarks(account, marks);
    if (worstRiskRatio(account, model) >= 1) return { liquidatedAt: t, account };
  }
  return { liquidatedAt: null, account };
}

/** No alerts: `capital` added before the first tick, then nobody acts. */
function prefundedRun(path: BacktestPath, account0: Account, capital: number): TraderRun {
  const start = capital > 0 ? withTopUp(account0, capital) : account0;
  const end = untouched(path, start);
  return runOf(path, start, { sizing: 'topup' }, NEW_TRADER, end.liquidatedAt, end.account);
}

/**
 * No alerts: what ours' reducing trader closed on this path (by position), closed at the first tick at
 * the mark with the slippage and the fee, then nobody acts. The equal-size pair: the same reduction
 * without the timing.
 */
function preReducedRun(path: BacktestPath, account0: Account, closed: Readonly<Record<string, number>>): TraderRun {
  let start = account0;
  for (const p of account0.positions) {
    const q = closed[positionKey(p)] ?? 0;
    const now = start.positions.find((o) => positionKey(o) === positionKey(p));
    if (q > 0 && now !== undefined) start = closeAtMark(start, now, q);
  }
  const trader = { ...NEW_TRADER, closed, reducedPnlUsdt: capitalOf(start) - capitalOf(account0) };
  const end = untouched(path, start);
  return runOf(path, account0, { sizing: 'reduce' }, trader, end.liquidatedAt, end.account);
}

/** The index of the path's event in the passive run: first liquidation, else first margin call. */
function eventIndex(rhos: readonly number[]): { index: number; kind: PathOutcome['event'] } {
  const liquidation = rhos.findIndex((r) => r >= 1);
  if (liquidation >= 0) return { index: liquidation, kind: 'liquidation' };
  const call = rhos.findIndex((r) => r >= STATIC_LEVEL);
  return call >= 0 ? { index: call, kind: 'margin-call' } : { index: -1, kind: null };
}

/** Lead time and forecasts of our policy, read off a passive run (the event comes from the default run). */
function oursQuality(run: PassiveRun, event: number): AlertQuality {
  let forecasts = 0;
  let falseForecasts = 0;
  const end = run.times[run.times.length - 1] ?? 0;
  const firstNotice = new Map<string, number>();
  for (const { k, alert } of run.notices) {
    if (alert.reminder !== 0) continue;
    const t = run.times[k] ?? 0;
    firstNotice.set(alert.id, t);
    // A tier (or stale) alert reports a fact: it cannot be false, and it is not a forecast.
    if (alert.kind !== 'predictive' || alert.forecast === null) continue;
    const level = Number(alert.tier);
    const until = t + alert.forecast.horizonSec * 1000;
    let reached = false;
    for (let j = k; j < run.times.length && (run.times[j] ?? Infinity) <= until; j += 1) {
      if ((run.rhos[j] ?? 0) >= level) {
        reached = true;
        break;
      }
    }
    if (!reached && until > end) continue; // the path ends before the forecast can be judged
    forecasts += 1;
    if (!reached) falseForecasts += 1;
  }
  if (event < 0) return { leadTimeSec: null, forecasts, falseForecasts };
  const eventT = run.times[event] ?? 0;
  const over = new Set(run.resolves.filter((r) => (run.times[r.k] ?? 0) < eventT && r.reason !== 'reached').map((r) => r.id));
  // The alerts that led up to the event: notified by then and not withdrawn or recovered before it.
  let first = eventT;
  for (const [id, t] of firstNotice) if (t <= eventT && !over.has(id)) first = Math.min(first, t);
  return { leadTimeSec: (eventT - first) / 1000, forecasts, falseForecasts };
}

function staticQuality(run: PassiveRun, event: number): AlertQuality {
  if (event < 0) return { leadTimeSec: null, forecasts: 0, falseForecasts: 0 };
  let start = event;
  while (start > 0 && (run.rhos[start - 1] ?? 0) >= STATIC_LEVEL) start -= 1;
  return { leadTimeSec: ((run.times[event] ?? 0) - (run.times[start] ?? 0)) / 1000, forecasts: 0, falseForecasts: 0 };
}

/** The ladder with every predict rule set to `rule` (tiers without one keep none). */
const ladderWith = (ladder: readonly TierRule[], rule: ForecastRule): TierRule[] =>
  ladder.map((r) => (r.predict === null ? r : { ...r, predict: { horizonSec: rule.horizonSec, threshold: rule.threshold } }));

export function playPath(path: BacktestPath, recipe: AccountRecipe, options: PlayOptions): PathOutcome {
  const first = path.ticks[0];
  if (first === undefined) throw new Error('empty path');
  const account = accountFor(recipe, first[1]);
  const traders = options.traders ?? ['topup', 'reduce'];
  const passive = passiveRun(path, account, options, true);
  const { index, kind } = eventIndex(passive.run.rhos);
  const targets = [...new Set([...(options.targets ?? SIZING_TARGETS), DEFAULT_TARGET])].sort((a, b) => a - b);
  const sizing = targets.map((targetRho): SizingOutcome => {
    const topup = { delayMs: options.delayMs, targetRho, sizing: 'topup' } as const;
    const reduce = { delayMs: options.delayMs, targetRho, sizing: 'reduce' } as const;
    const ours = traders.includes('topup') ? oursActive(path, account, passive, topup) : null;
    const oursReduce = traders.includes('reduce') ? oursActive(path, account, passive, reduce) : null;
    return {
      targetRho,
      ...(ours === null ? {} : { static: staticActive(path, account, topup), ours, prefunded: prefundedRun(path, account, ours.topUpUsdt) }),
      ...(oursReduce === null
        ? {}
        : { staticReduce: staticActive(path, account, reduce), oursReduce, preReduced: preReducedRun(path, account, oursReduce.closed) }),
    };
  });
  const main = sizing.find((s) => s.targetRho === DEFAULT_TARGET) as SizingOutcome;
  const policy = options.monitor?.policy ?? DEFAULT_ALERT_POLICY;
  const forecastRules = (options.forecastRules ?? FORECAST_RULES).map((rule) => {
    const monitor = { ...options.monitor, policy: { ...policy, ladder: ladderWith(policy.ladder, rule) } };
    const run = passiveRun(path, account, { ...options, monitor }, false).run;
    return { rule, ...oursQuality(run, index) };
  });
  const none: AlertQuality = { leadTimeSec: null, forecasts: 0, falseForecasts: 0 };
  const oursQ = oursQuality(passive.run, index);
  const staticQ = staticQuality(passive.run, index);
  const guarded = (placement: StopPlacement, sizingRule: Sizing): PolicyOutcome => {
    const rule = { delayMs: options.delayMs, targetRho: DEFAULT_TARGET, sizing: sizingRule };
    const r = protectedRun(path, newMonitor(path, account, options.monitor), rule, placement);
    const stops = { placed: r.stopsPlaced, filled: r.stopsFilled, closedQty: r.stopsClosedQty, realisedUsdt: r.realisedUsdt };
    return { ...runOf(path, account, rule, r.trader, r.liquidatedAt, r.account, stops), ...oursQ };
  };
  const oracleCtx = oracleContext(path, account);
  const hindsight = (sizingRule: Sizing): { oracle: PolicyOutcome; withStop: PolicyOutcome; verdict: HindsightVerdict } => {
    const rule = { delayMs: options.delayMs, targetRho: DEFAULT_TARGET, sizing: sizingRule };
    const { best, saveWindow } = oracleTrader(oracleCtx, rule);
    const asRun = (o: OracleOutcome, stops: boolean): PolicyOutcome => {
      const placed = stops ? { placed: o.stopsPlaced, filled: o.stopsFilled, closedQty: o.stopsClosedQty, realisedUsdt: o.realisedUsdt } : null;
      // The path and account the oracle itself played, so the fairness test sees what it met.
      return { ...runOf(oracleCtx.path, oracleCtx.account0, rule, o.trader, o.liquidatedAt, o.account, placed), ...none };
    };
    const ours = sizingRule === 'topup' ? main.ours : main.oursReduce;
    const verdict: HindsightVerdict =
      oracleCtx.liquidation === null ? 'survives'
      : ours?.liquidated === false ? 'ours-saves'
      : saveWindow === null ? 'unsaveable'
      : oursFirstPushMs !== null && oursFirstPushMs <= saveWindow.lastMs ? 'ours-in-time'
      : 'ours-late';
    return { oracle: asRun(best, false), withStop: asRun(oracleWithStop(oracleCtx, rule, best), true), verdict };
  };
  const firstPush = passive.run.notices[0];
  const oursFirstPushMs = firstPush === undefined ? null : (passive.run.times[firstPush.k] ?? null);
  const with_ = (run: TraderRun | undefined, quality: AlertQuality): PolicyOutcome => {
    if (run === undefined) throw new Error('a trader that was not played');
    return { ...run, ...quality };
  };
  const bound = { topup: traders.includes('topup') ? hindsight('topup') : null, reduce: traders.includes('reduce') ? hindsight('reduce') : null };
  const runs: PathOutcome['runs'] = traders.includes('topup')
    ? {
        static: with_(main.static, staticQ),
        ours: with_(main.ours, oursQ),
        prefunded: with_(main.prefunded, none),
        protectedAtOpen: guarded({ kind: 'with-position' }, 'topup'),
        stopLossAtOpen: guarded({ kind: 'with-position', closeAll: true }, 'topup'),
        protected: guarded({ kind: 'after-notice', delayMs: 0 }, 'topup'),
        protectedLate: guarded({ kind: 'after-notice', delayMs: options.delayMs }, 'topup'),
        ...(bound.topup === null ? {} : { oracle: bound.topup.oracle, oracleStop: bound.topup.withStop }),
      }
    : {};
  const reducing: PathOutcome['runs'] = traders.includes('reduce')
    ? {
        staticReduce: with_(main.staticReduce, staticQ),
        oursReduce: with_(main.oursReduce, oursQ),
        preReduced: with_(main.preReduced, none),
        protectedReduce: guarded({ kind: 'after-notice', delayMs: 0 }, 'reduce'),
        ...(bound.reduce === null ? {} : { oracleReduce: bound.reduce.oracle, oracleStopReduce: bound.reduce.withStop }),
      }
    : {};
  const hindsightVerdicts = { ...(bound.topup === null ? {} : { topup: bound.topup.verdict }), ...(bound.reduce === null ? {} : { reduce: bound.reduce.verdict }) };
  return { family: path.family, recipe, event: kind, runs: { ...runs, ...reducing }, sizing, hindsight: hindsightVerdicts, forecastRules };
}
