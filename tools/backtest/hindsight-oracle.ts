import { DEFAULT_STOP_SLIPPAGE, protectiveStop, stopFill } from '../../shared/engine/margin/protective-stop.ts';
import { withMarks } from '../../shared/engine/monitor/with-marks.ts';
import type { Account, Position } from '../../shared/engine/positions/account.ts';
import { EMPTY_MINUTE_MOVE, updateMinuteMove, worstMinuteMove, type MinuteMoveState } from '../../shared/engine/projection/minute-move.ts';
import { marginModels } from '../../shared/exchanges/venues.ts';
import type { BacktestPath } from './backtest-paths.ts';
import type { ProtectedOutcome } from './protected-run.ts';
import { worstRiskRatio } from './static-margin-call.ts';
import { act, capitalOf, EPISODE_MARGIN, hear, isDue, NEW_TRADER, observe, positionKey, type TraderRule, type TraderState } from './trader-model.ts';

/**
 * The hindsight bound (issue 13): an "alert policy" that knows the whole path and chooses when to warn,
 * so that the one trader of every policy (trader-model.ts: same action rule, same sizing rule and target,
 * same reaction delay, same fills) is liquidated as rarely as any warning schedule could make it. It is
 * never a product policy; it says how far the goal is from what is possible on these paths.
 *
 * The pushes go through the trader's own `hear`/`observe`/`isDue`/`act`, in the order the other policies'
 * runs use, so every schedule searched is one the trader's rule allows. The schedules searched, for every
 * first push minute k0 whose action would not be idle (an idle first action changes nothing, or is the
 * same as a later k0 of the repeating schedule):
 * - `once`: one push at k0, so one action, `delay` later;
 * - `repeat`: a push at k0 and then, each minute, as soon as the trader would take it (nothing pending and
 *   no episode open, or a worse tier than the one acted on): as many actions as the rule allows, the
 *   levels climbing the ladder's pushed tiers (0.8, 0.9, 1) within an episode.
 * On a path the account survives untouched, the bound is no push at all. The best schedule is the one
 * not liquidated, then the one that adds the least (top-up) or closes the least notional (reduce).
 *
 * With protection (`stop` in the outcome): on top of the best schedule, the engine's protective stop
 * placed once at the best minute (the buffer from the worst one-minute move the monitor would know then,
 * fills as in protected-run.ts: first mark at or past the trigger, slippage against the trader, a gap
 * through liquidation is a liquidation). No monitor is needed: the account is valued every minute.
 */

const model = marginModels.binance;
/** The pushed tiers of the default ladder, lowest first: an episode can climb them, one action each. */
const PUSHED_LEVELS = [0.8, 0.9, 1] as const;

interface Stop {
  readonly symbol: string;
  readonly side: Position['side'];
  readonly trigger: number;
  readonly qty: number;
  readonly falls: boolean;
}

/** What nobody acting meets, minute by minute: shared by every schedule's replay. */
export interface OracleContext {
  readonly path: BacktestPath;
  readonly account0: Account;
  readonly times: readonly number[];
  /** The account untouched, with each minute's marks. */
  readonly accounts: readonly Account[];
  readonly rhos: readonly number[];
  /** First minute the untouched account is liquidated; null if it survives. */
  readonly liquidation: number | null;
  /** Each symbol's worst one-minute move the monitor would know at each minute (the stop's buffer). */
  readonly moves: ReadonlyArray<Readonly<Record<string, number | null>>>;
}

export function oracleContext(path: BacktestPath, account0: Account): OracleContext {
  const times: number[] = [];
  const accounts: Account[] = [];
  const rhos: number[] = [];
  const moves: Array<Record<string, number | null>> = [];
  const state: Record<string, MinuteMoveState> = {};
  for (const [t, marks] of path.history) for (const [s, m] of Object.entries(marks)) state[s] = updateMinuteMove(state[s] ?? EMPTY_MINUTE_MOVE, m, t);
  let account = account0;
  let liquidation: number | null = null;
  for (const [t, marks] of path.ticks) {
    for (const [s, m] of Object.entries(marks)) state[s] = updateMinuteMove(state[s] ?? EMPTY_MINUTE_MOVE, m, t);
    account = withMarks(account, marks);
    const rho = worstRiskRatio(account, model);
    times.push(t);
    accounts.push(account);
    rhos.push(rho);
    moves.push(Object.fromEntries(Object.keys(state).map((s) => [s, worstMinuteMove(state[s], t)])));
    if (liquidation === null && rho >= 1) liquidation = times.length - 1;
  }
  return { path, account0, times, accounts, rhos, liquidation, moves };
}

/** A warning schedule: the first push, whether pushes follow as soon as the trader would act on them, and a stop minute. */
export interface OraclePlan {
  readonly firstPush: number | null;
  readonly repeat: boolean;
  readonly stopAt: number | null;
}

/** What the protected trader's run reports (protected-run.ts), and the plan that gave it. */
export interface OracleOutcome extends ProtectedOutcome {
  readonly plan: OraclePlan;
}

const NO_PUSH: OraclePlan = { firstPush: null, repeat: false, stopAt: null };

/** The first minute at or after `k` whose time is `delayMs` past minute k's: when a push at k falls due. */
function dueIndex(ctx: OracleContext, k: number, delayMs: number): number | null {
  const at = (ctx.times[k] ?? 0) + delayMs;
  for (let j = k; j < ctx.times.length; j += 1) if ((ctx.times[j] ?? 0) >= at) return j;
  return null;
}

/**
 * The repeating schedule's push this minute: none while an action is pending; the lowest pushed tier
 * outside an episode; within one, the next tier up (a worse tier brings another action), except on the
 * minute the episode ends (a push then would keep it open: the next minute starts a new one).
 */
function repeatLevel(trader: TraderState, rho: number): number | null {
  if (trader.pending !== null) return null;
  if (trader.actedLevel === null) return PUSHED_LEVELS[0];
  if (rho < trader.actedLevel - EPISODE_MARGIN) return null;
  return PUSHED_LEVELS.find((l) => l > (trader.actedLevel ?? 0)) ?? null;
}

function stopsOn(account: Account, moves: Readonly<Record<string, number | null>>): Stop[] {
  return account.positions.flatMap((p): Stop[] => {
    const s = protectiveStop(account, model, p, { worstMinuteMove: moves[p.symbol] ?? null });
    return s.kind === 'stop' ? [{ symbol: p.symbol, side: p.side, trigger: s.triggerPrice, qty: s.qty, falls: s.liquidationPrice < p.markPrice }] : [];
  });
}

/** Plays one schedule with the trader of `rule`; the minutes before anything happens are the untouched ones. */
export function replayPlan(ctx: OracleContext, plan: OraclePlan, rule: TraderRule): OracleOutcome {
  const n = ctx.times.length;
  const due = plan.firstPush === null ? null : dueIndex(ctx, plan.firstPush, rule.delayMs);
  const starts = [plan.firstPush, plan.stopAt].filter((k): k is number => k !== null);
  const start = starts.length === 0 ? n : Math.min(...starts);
  let trader = NEW_TRADER;
  let stops: Stop[] = [];
  let stopsPlaced = 0;
  let stopsFilled = 0;
  let stopsClosedQty = 0;
  let realisedUsdt = 0;
  if (start >= n || (ctx.liquidation !== null && ctx.liquidation <= start) || (due === null && plan.stopAt === null)) {
    const end = ctx.liquidation ?? n - 1;
    const liquidatedAt = ctx.liquidation === null ? null : (ctx.times[end] ?? 0);
    return { plan, trader, liquidatedAt, account: ctx.accounts[end] ?? ctx.account0, stopsPlaced, stopsFilled, stopsClosedQty, realisedUsdt };
  }
  let account = ctx.accounts[start] ?? ctx.account0;
  for (let k = start; k < n; k += 1) {
    const t = ctx.times[k] ?? 0;
    const marks = ctx.path.ticks[k]?.[1] ?? {};
    if (k > start) account = withMarks(account, marks);
    const rho = worstRiskRatio(account, model);
    const level = plan.firstPush === null || k < plan.firstPush ? null : k === plan.firstPush ? PUSHED_LEVELS[0] : plan.repeat ? repeatLevel(trader, rho) : null;
    trader = observe(hear(trader, level === null ? [] : [level], t, rule), rho);
    if (rho >= 1) return { plan, trader, liquidatedAt: t, account, stopsPlaced, stopsFilled, stopsClosedQty, realisedUsdt };
    for (const stop of stops) {
      const mark = marks[stop.symbol];
      if (mark === undefined || (stop.falls ? mark > stop.trigger : mark < stop.trigger)) continue;
      const p = account.positions.find((o) => o.symbol === stop.symbol && o.side === stop.side);
      if (p === undefined) continue;
      const fill = stop.falls ? mark * (1 - DEFAULT_STOP_SLIPPAGE) : mark * (1 + DEFAULT_STOP_SLIPPAGE);
      const after = stopFill(account, p, fill, stop.qty);
      realisedUsdt += capitalOf(after.account) - capitalOf(account);
      stopsFilled += 1;
      stopsClosedQty += p.qty - (after.rest?.qty ?? 0);
      account = after.account;
    }
    stops = stops.filter((s) => {
      const mark = marks[s.symbol];
      const filled = mark !== undefined && (s.falls ? mark <= s.trigger : mark >= s.trigger);
      return !filled && account.positions.some((o) => o.symbol === s.symbol && o.side === s.side && o.qty > 0);
    });
    if (stopsFilled > 0 && worstRiskRatio(account, model) >= 1) return { plan, trader, liquidatedAt: t, account, stopsPlaced, stopsFilled, stopsClosedQty, realisedUsdt };
    if (k === plan.stopAt) {
      stops = stopsOn(account, ctx.moves[k] ?? {});
      stopsPlaced = stops.length;
    }
    if (isDue(trader, t)) {
      const done = act(trader, account, rule);
      trader = done.state;
      account = done.account;
    }
  }
  return { plan, trader, liquidatedAt: null, account, stopsPlaced, stopsFilled, stopsClosedQty, realisedUsdt };
}

/** What the trader gave: collateral added (top-up), or notional at entry closed by its reductions (reduce). */
function cost(ctx: OracleContext, o: OracleOutcome): number {
  const entry = Object.fromEntries((ctx.accounts[0]?.positions ?? []).map((p) => [positionKey(p), p.entryPrice]));
  return o.trader.topUpUsdt + Object.entries(o.trader.closed).reduce((s, [key, q]) => s + q * (entry[key] ?? 0), 0);
}

/** Not liquidated first, then the cheapest; among stops, the one that realised the smallest loss. */
function better(ctx: OracleContext, a: OracleOutcome, b: OracleOutcome): boolean {
  if ((a.liquidatedAt === null) !== (b.liquidatedAt === null)) return a.liquidatedAt === null;
  const ca = cost(ctx, a) - a.realisedUsdt;
  const cb = cost(ctx, b) - b.realisedUsdt;
  return ca < cb - 1e-9;
}

/** The best schedule, and the first and last minute (ms) a first push could come and still save the account; null if none can. */
export interface OracleSearch {
  readonly best: OracleOutcome;
  readonly saveWindow: { readonly firstMs: number; readonly lastMs: number } | null;
}

/** The best warning schedule for this trader on this path (module comment). */
export function oracleTrader(ctx: OracleContext, rule: TraderRule, schedules: readonly ('once' | 'repeat')[] = ['once', 'repeat']): OracleSearch {
  let best = replayPlan(ctx, NO_PUSH, rule);
  if (ctx.liquidation === null) return { best, saveWindow: null };
  let saveWindow: OracleSearch['saveWindow'] = null;
  let firstSave: number | null = null;
  for (let k0 = 0; k0 < ctx.liquidation; k0 += 1) {
    const due = dueIndex(ctx, k0, rule.delayMs);
    if (due === null || due >= ctx.liquidation) break;
    if ((ctx.rhos[due] ?? 0) <= rule.targetRho) continue;
    for (const repeat of schedules.map((x) => x === 'repeat')) {
      const o = replayPlan(ctx, { firstPush: k0, repeat, stopAt: null }, rule);
      if (o.liquidatedAt === null) {
        const t = ctx.times[k0] ?? 0;
        // k0 only grows: the first saving push is the first one found, the last the latest.
        saveWindow = { firstMs: firstSave ?? t, lastMs: t };
        firstSave = firstSave ?? t;
      }
      if (better(ctx, o, best)) best = o;
    }
  }
  return { best, saveWindow };
}

/** The best schedule with the engine's stop placed once at the best minute (or none, if none helps). */
export function oracleWithStop(ctx: OracleContext, rule: TraderRule, schedule: OracleOutcome): OracleOutcome {
  let best = schedule;
  if (schedule.liquidatedAt === null) return best;
  for (let k = 0; k < ctx.times.length && (ctx.times[k] ?? 0) < schedule.liquidatedAt; k += 1) {
    const o = replayPlan(ctx, { ...schedule.plan, stopAt: k }, rule);
    if (better(ctx, o, best)) best = o;
  }
  return best;
}
