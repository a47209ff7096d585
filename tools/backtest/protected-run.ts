import type { AlertDecision } from '../../shared/engine/alerts/alert-decision.ts';
import { monitorStep, type Monitor } from '../../shared/engine/monitor/account-monitor.ts';
import { protectiveStop, stopFill, DEFAULT_STOP_SLIPPAGE } from '../../shared/engine/margin/protective-stop.ts';
import type { Account, Position } from '../../shared/engine/positions/account.ts';
import { worstMinuteMove } from '../../shared/engine/projection/minute-move.ts';
import { marginModels } from '../../shared/exchanges/venues.ts';
import type { BacktestPath } from './backtest-paths.ts';
import { act, capitalOf, hear, isDue, NEW_TRADER, observe, type TraderRule, type TraderState } from './trader-model.ts';

/**
 * Issue 13, ask 4 in the backtest: ours' trader (same pushes, same action and sizing rule, topping up
 * or reducing as `rule.sizing` says) who also
 * places the engine's protective stop (shared/engine/margin/protective-stop.ts) on every position when
 * first warned: at the first notice of any kind (the in-app Watch notice included), or `delayMs` after it
 * for a trader who needs the same reaction time as for a top-up; or with the position, on the first
 * tick, before any warning (protection set in advance in the strict sense). Each stop is placed once,
 * with the buffer from the monitor's worst one-minute move at that moment; a stop the engine calls too
 * close (the mark already inside the buffer) is not placed.
 *
 * Fills. A stop fills at the first mark at or past its trigger, moved by the slippage against the
 * trader: a gap fills worse than the trigger, never better. If at that mark the account is already past
 * liquidation (the mark jumped from above the trigger through the liquidation price in one tick), the
 * venue liquidates first and the path counts as liquidated: no stop helps there.
 */

const model = marginModels.binance;

export interface ProtectedOutcome {
  readonly trader: TraderState;
  readonly liquidatedAt: number | null;
  readonly account: Account;
  /** Stops placed, stops filled, and the PnL they realised (fees included), USDT. */
  readonly stopsPlaced: number;
  readonly stopsFilled: number;
  /** Base quantity the stops closed. */
  readonly stopsClosedQty: number;
  readonly realisedUsdt: number;
}

interface Placed {
  readonly symbol: string;
  readonly side: Position['side'];
  readonly trigger: number;
  readonly qty: number;
  readonly falls: boolean;
}

const noticed = (decisions: readonly AlertDecision[]): boolean => decisions.some((d) => d.kind === 'notify');
const pushedLevels = (decisions: readonly AlertDecision[]): number[] =>
  decisions.flatMap((d) => (d.kind === 'notify' && d.alert.channel === 'push' && d.alert.tier !== null ? [Number(d.alert.tier)] : []));

/** The stops the engine suggests for every position of the monitor's account at `t`. */
function stopsFor(monitor: Monitor, t: number, closeAll: boolean): Placed[] {
  const { account } = monitor;
  return account.positions.flatMap((p): Placed[] => {
    const s = protectiveStop(account, model, p, { worstMinuteMove: worstMinuteMove(monitor.state.minuteMoves[p.symbol], t) });
    return s.kind === 'stop' ? [{ symbol: p.symbol, side: p.side, trigger: s.triggerPrice, qty: closeAll ? p.qty : s.qty, falls: s.liquidationPrice < p.markPrice }] : [];
  });
}

/** When the trader places the stops: with the position (the first tick), or this long after the first notice. */
export type StopPlacement = ({ readonly kind: 'with-position' } | { readonly kind: 'after-notice'; readonly delayMs: number }) & {
  /** Close the whole position at the trigger instead of the engine's quantity (a plain stop-loss, for comparison). */
  readonly closeAll?: boolean;
};

export function protectedRun(path: BacktestPath, monitor0: Monitor, rule: TraderRule, placement: StopPlacement): ProtectedOutcome {
  let monitor = monitor0;
  let trader = NEW_TRADER;
  let liquidatedAt: number | null = null;
  let placeAt: number | null = null;
  let placed = false;
  let stops: Placed[] = [];
  let stopsPlaced = 0;
  let stopsFilled = 0;
  let stopsClosedQty = 0;
  let realisedUsdt = 0;
  const rhoOf = (m: Monitor): number => m.view?.risk.worstRiskRatio ?? 0;
  for (const [t, marks] of path.ticks) {
    const step = monitorStep(monitor, { kind: 'marks', marks }, t);
    monitor = step.monitor;
    if (placeAt === null && (placement.kind === 'with-position' || noticed(step.decisions))) placeAt = t + (placement.kind === 'with-position' ? 0 : placement.delayMs);
    trader = observe(hear(trader, pushedLevels(step.decisions), t, rule), rhoOf(monitor));
    if (rhoOf(monitor) >= 1) {
      liquidatedAt = t;
      break;
    }
    // Stops whose trigger this mark reached fill now, at the mark with the slippage.
    for (const stop of stops) {
      const mark = marks[stop.symbol];
      if (mark === undefined || (stop.falls ? mark > stop.trigger : mark < stop.trigger)) continue;
      const p = monitor.account.positions.find((o) => o.symbol === stop.symbol && o.side === stop.side);
      if (p === undefined) continue;
      const fill = stop.falls ? mark * (1 - DEFAULT_STOP_SLIPPAGE) : mark * (1 + DEFAULT_STOP_SLIPPAGE);
      const after = stopFill(monitor.account, p, fill, stop.qty);
      // Released isolated margin only moves to the wallet; what changes the capital is the PnL and the fee.
      realisedUsdt += capitalOf(after.account) - capitalOf(monitor.account);
      stopsFilled += 1;
      stopsClosedQty += p.qty - (after.rest?.qty ?? 0);
      monitor = monitorStep(monitor, { kind: 'account', account: after.account }, t).monitor;
    }
    // A reduce-only stop stays while its position does (a reduction since leaves it closing what is left).
    stops = stops.filter((s) => monitor.account.positions.some((o) => o.symbol === s.symbol && o.side === s.side && o.qty > 0) && !filledAt(s, marks));
    if (rhoOf(monitor) >= 1) {
      liquidatedAt = t;
      break;
    }
    if (!placed && placeAt !== null && t >= placeAt) {
      placed = true;
      stops = stopsFor(monitor, t, placement.closeAll === true);
      stopsPlaced = stops.length;
    }
    if (isDue(trader, t)) {
      const done = act(trader, monitor.account, rule);
      trader = done.state;
      if (done.account !== monitor.account) {
        const s2 = monitorStep(monitor, { kind: 'account', account: done.account }, t);
        monitor = s2.monitor;
        trader = hear(trader, pushedLevels(s2.decisions), t, rule);
      }
    }
  }
  return { trader, liquidatedAt, account: monitor.account, stopsPlaced, stopsFilled, stopsClosedQty, realisedUsdt };
}

const filledAt = (stop: Placed, marks: Readonly<Record<string, number>>): boolean => {
  const mark = marks[stop.symbol];
  return mark !== undefined && (stop.falls ? mark <= stop.trigger : mark >= stop.trigger);
};
