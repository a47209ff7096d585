import type { AlertDecision, AlertRecord } from '../../shared/engine/alerts/alert-decision.ts';
import { createMonitor, monitorStep, type Monitor, type MonitorOptions } from '../../shared/engine/monitor/account-monitor.ts';
import { withMarks } from '../../shared/engine/monitor/with-marks.ts';
import type { Account } from '../../shared/engine/positions/account.ts';
import { marginModels } from '../../shared/exchanges/venues.ts';
import { accountFor, withTopUp, type AccountRecipe } from './backtest-accounts.ts';
import type { BacktestPath, PathFamily } from './backtest-paths.ts';
import { staticCallStep, STATIC_LEVEL, worstRiskRatio } from './static-margin-call.ts';

/**
 * One path, one account, both policies. Two runs per policy:
 * - passive (nobody acts): the counterfactual that says what was coming, so lead time and false alarms
 *   are measured against an outcome no action has changed;
 * - active (the trader model acts): liquidations, pushes and the margin spent.
 * The trader model: on every push, if no action is pending, act `delayMs` later (at the first tick from
 * then) by adding the top-up the engine suggests at that moment (the monitor's figure: back to the
 * Watch level, and P(liquidation within 24 h) <= 1 %). The same model and the same suggestion serve
 * both policies, so the only difference between them is when the trader hears.
 */

const model = marginModels.binance;
const DAY_MS = 86_400_000;

export interface PlayOptions {
  readonly delayMs: number;
  readonly monitor?: Partial<MonitorOptions>;
}

export interface PolicyOutcome {
  readonly liquidated: boolean;
  readonly pushes: number;
  readonly positionDays: number;
  readonly topUpUsdt: number;
  /** Passive run: seconds from the first alert that led up to the event until the event; null without an event. */
  readonly leadTimeSec: number | null;
  /** Passive run: first notices of push alerts whose outcome is known within the path. */
  readonly alarms: number;
  readonly falseAlarms: number;
}

export interface PathOutcome {
  readonly family: PathFamily;
  readonly recipe: AccountRecipe;
  /** What the passive run met: liquidation, else the 0.8 tier, else nothing. */
  readonly event: 'liquidation' | 'margin-call' | null;
  readonly ours: PolicyOutcome;
  readonly static: PolicyOutcome;
}

/** What the passive run keeps: rho per tick and the push notices and resolves, not the monitor states. */
interface PassiveRun {
  readonly times: readonly number[];
  readonly rhos: readonly number[];
  readonly notices: ReadonlyArray<{ readonly k: number; readonly alert: AlertRecord }>;
  readonly resolves: ReadonlyArray<{ readonly k: number; readonly id: string; readonly reason: string }>;
}

const pushesIn = (decisions: readonly AlertDecision[]): AlertRecord[] =>
  decisions.flatMap((d) => (d.kind === 'notify' && d.alert.channel === 'push' ? [d.alert] : []));

/** The top-up the monitor suggests now: that of the subject closest to liquidation. */
function suggestedTopUp(monitor: Monitor): number {
  const facts = monitor.view?.facts ?? [];
  const worst = [...facts].sort((a, b) => b.riskRatio - a.riskRatio)[0];
  return worst === undefined ? 0 : worst.topUpUsdt;
}

interface ActiveResult {
  readonly liquidated: boolean;
  readonly pushes: number;
  readonly positionDays: number;
  readonly topUpUsdt: number;
}

/** The trader's side of a run: pushes heard, the pending action, margin added, liquidation. */
class TraderLedger {
  pushes = 0;
  topUpUsdt = 0;
  actAt: number | null = null;
  liquidatedAt: number | null = null;
  constructor(readonly delayMs: number) {}
  hear(pushes: number, t: number): void {
    this.pushes += pushes;
    if (pushes > 0) this.actAt ??= t + this.delayMs;
  }
  /** True (and the action consumed) when the pending action falls due at t. */
  isActingAt(t: number): boolean {
    if (this.actAt === null || t < this.actAt) return false;
    this.actAt = null;
    return true;
  }
  result(account: Account, t0: number, tEnd: number): ActiveResult {
    const end = this.liquidatedAt ?? tEnd;
    return { liquidated: this.liquidatedAt !== null, pushes: this.pushes, positionDays: (account.positions.length * (end - t0)) / DAY_MS, topUpUsdt: this.topUpUsdt };
  }
}

interface FirstPass {
  readonly run: PassiveRun;
  readonly staticActive: ActiveResult;
  /** Our active run up to the trader's first action (it equals the passive run until then). */
  readonly ours: TraderLedger;
  /** The monitor state at the tick of our first action, and that tick's index; null if none came. */
  readonly fork: { readonly index: number; readonly monitor: Monitor } | null;
}

/**
 * One pass over the ticks drives the passive monitor and, beside it, the static policy's active run
 * (which needs the monitor only for the suggested amount, asked with its own account) and the prefix of
 * our active run, up to the first action, where it forks.
 */
function firstPass(path: BacktestPath, account0: Account, options: PlayOptions): FirstPass {
  let monitor = createMonitor({ account: account0, model, history: path.history, options: { accountId: 'backtest', ...options.monitor } });
  const times: number[] = [];
  const rhos: number[] = [];
  const notices: Array<{ k: number; alert: AlertRecord }> = [];
  const resolves: Array<{ k: number; id: string; reason: string }> = [];
  const ours = new TraderLedger(options.delayMs);
  const stat = new TraderLedger(options.delayMs);
  let staticAccount = account0;
  let call = { isAbove: false };
  let fork: FirstPass['fork'] = null;
  path.ticks.forEach(([t, marks], k) => {
    const step = monitorStep(monitor, { kind: 'marks', marks }, t);
    monitor = step.monitor;
    const rho = monitor.view?.risk.worstRiskRatio ?? 0;
    times.push(t);
    rhos.push(rho);
    const pushed = pushesIn(step.decisions);
    for (const alert of pushed) notices.push({ k, alert });
    for (const d of step.decisions) if (d.kind === 'resolve') resolves.push({ k, id: d.id, reason: d.reason });

    if (fork === null && ours.liquidatedAt === null) {
      ours.hear(pushed.length, t);
      if (rho >= 1) ours.liquidatedAt = t;
      else if (ours.isActingAt(t)) fork = { index: k, monitor };
    }

    if (stat.liquidatedAt === null) {
      staticAccount = withMarks(staticAccount, marks);
      const staticRho = worstRiskRatio(staticAccount, model);
      const called = staticCallStep(call, staticRho);
      call = called.state;
      stat.hear(called.pushes ? 1 : 0, t);
      if (staticRho >= 1) stat.liquidatedAt = t;
      else if (stat.isActingAt(t)) {
        // The same suggestion as ours: the monitor's, for this account, with the market's volatility so far.
        const amount = suggestedTopUp(monitorStep(monitor, { kind: 'account', account: staticAccount }, t).monitor);
        if (amount > 0) {
          stat.topUpUsdt += amount;
          staticAccount = withTopUp(staticAccount, amount);
        }
      }
    }
  });
  const t0 = times[0] ?? 0;
  const tEnd = times[times.length - 1] ?? t0;
  return { run: { times, rhos, notices, resolves }, staticActive: stat.result(account0, t0, tEnd), ours, fork };
}

/** Our active run from its first action on: the trader tops up, the monitor hears of it, and so on. */
function oursActive(path: BacktestPath, pass: FirstPass, account0: Account): ActiveResult {
  const { ours, fork, run } = pass;
  const t0 = run.times[0] ?? 0;
  const tEnd = run.times[run.times.length - 1] ?? t0;
  if (fork === null) return ours.result(account0, t0, tEnd);
  let monitor = fork.monitor;
  const act = (t: number) => {
    const amount = suggestedTopUp(monitor);
    if (amount <= 0) return;
    ours.topUpUsdt += amount;
    const step = monitorStep(monitor, { kind: 'account', account: withTopUp(monitor.account, amount) }, t);
    monitor = step.monitor;
    ours.hear(pushesIn(step.decisions).length, t);
  };
  act(run.times[fork.index] ?? t0);
  for (let k = fork.index + 1; k < path.ticks.length; k += 1) {
    const [t, marks] = path.ticks[k] ?? [0, {}];
    const step = monitorStep(monitor, { kind: 'marks', marks }, t);
    monitor = step.monitor;
    ours.hear(pushesIn(step.decisions).length, t);
    if ((monitor.view?.risk.worstRiskRatio ?? 0) >= 1) {
      ours.liquidatedAt = t;
      break;
    }
    if (ours.isActingAt(t)) act(t);
  }
  return ours.result(account0, t0, tEnd);
}

/** The index of the path's event in the passive run: first liquidation, else first margin call. */
function eventIndex(rhos: readonly number[]): { index: number; kind: PathOutcome['event'] } {
  const liquidation = rhos.findIndex((r) => r >= 1);
  if (liquidation >= 0) return { index: liquidation, kind: 'liquidation' };
  const call = rhos.findIndex((r) => r >= STATIC_LEVEL);
  return call >= 0 ? { index: call, kind: 'margin-call' } : { index: -1, kind: null };
}

/** Lead time and false alarms of our policy, read off the passive run. */
function oursPassive(run: PassiveRun, event: number): Pick<PolicyOutcome, 'leadTimeSec' | 'alarms' | 'falseAlarms'> {
  let alarms = 0;
  let falseAlarms = 0;
  const end = run.times[run.times.length - 1] ?? 0;
  const firstNotice = new Map<string, number>();
  for (const { k, alert } of run.notices) {
    if (alert.reminder !== 0) continue;
    const t = run.times[k] ?? 0;
    firstNotice.set(alert.id, t);
    if (alert.kind !== 'predictive' || alert.forecast === null) {
      alarms += 1; // a tier (or stale) alert reports a fact: its tier is there
      continue;
    }
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
    alarms += 1;
    if (!reached) falseAlarms += 1;
  }
  if (event < 0) return { leadTimeSec: null, alarms, falseAlarms };
  const eventT = run.times[event] ?? 0;
  const over = new Set(run.resolves.filter((r) => (run.times[r.k] ?? 0) < eventT && r.reason !== 'reached').map((r) => r.id));
  // The alerts that led up to the event: notified by then and not withdrawn or recovered before it.
  let first = eventT;
  for (const [id, t] of firstNotice) if (t <= eventT && !over.has(id)) first = Math.min(first, t);
  return { leadTimeSec: (eventT - first) / 1000, alarms, falseAlarms };
}

function staticPassive(run: PassiveRun, event: number): Pick<PolicyOutcome, 'leadTimeSec' | 'alarms' | 'falseAlarms'> {
  let alarms = 0;
  let state = { isAbove: false };
  for (const rho of run.rhos) {
    const step = staticCallStep(state, rho);
    state = step.state;
    if (step.pushes) alarms += 1;
  }
  if (event < 0) return { leadTimeSec: null, alarms, falseAlarms: 0 };
  let start = event;
  while (start > 0 && (run.rhos[start - 1] ?? 0) >= STATIC_LEVEL) start -= 1;
  return { leadTimeSec: ((run.times[event] ?? 0) - (run.times[start] ?? 0)) / 1000, alarms, falseAlarms: 0 };
}

export function playPath(path: BacktestPath, recipe: AccountRecipe, options: PlayOptions): PathOutcome {
  const first = path.ticks[0];
  if (first === undefined) throw new Error('empty path');
  const account = accountFor(recipe, first[1]);
  const pass = firstPass(path, account, options);
  const { index, kind } = eventIndex(pass.run.rhos);
  return {
    family: path.family,
    recipe,
    event: kind,
    ours: { ...oursActive(path, pass, account), ...oursPassive(pass.run, index) },
    static: { ...pass.staticActive, ...staticPassive(pass.run, index) },
  };
}
