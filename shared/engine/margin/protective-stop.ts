import { qty as asQty, price as asPrice, usdt } from '../../units/units.ts';
import { sideSign, type Account, type Position } from '../positions/account.ts';
import type { MarginModel } from './margin-model.ts';
import { zeroCrossings } from './piecewise-linear-roots.ts';
import { crossParts, isolatedParts, riskRatio, type RiskParts } from './risk-parts.ts';
import { tierPrice } from './tier-price.ts';

/**
 * Protection set in advance (issue 13, ask 4): a reduce-only stop-market order that a trader places
 * before the move, for moves faster than anyone can answer a push (a wick, a crash).
 *
 * Where. The trigger sits a buffer before the liquidation price L (every other symbol frozen, as the
 * tier prices are), measured towards the mark: `L x (1 + b)` for a position liquidated by a fall,
 * `L x (1 - b)` by a rise. The buffer is wider than the symbol's recent worst one-minute move `w`
 * (minute-move.ts keeps it from the marks the monitor sees) plus the slippage `s`:
 * `b = 1.5 max(w, 0.1 %) + s`, so a fill that gaps by the worst minute seen past the trigger still lands
 * before L. Without a history `w` is taken as 1 %.
 *
 * How much. The fill is assumed at the trigger moved by the slippage, `F = S (1 -/+ s)`, paying the
 * taker fee on what it closes. The quantity is the smallest whose closing at F leaves the rest, valued
 * at the old liquidation price L (the move that would have liquidated the whole position), at a rho of
 * at most `restRho` (0.8 by default: the rest is at worst in Margin call where the whole would have
 * been liquidated). Exactly as the reduction (suggested-actions.ts): the requirement of the rest with
 * its own bracket, the PnL realised at F, the fee; solved on the piecewise-linear segments of the
 * venue's formula, not by iteration. An isolated position releases its margin in proportion, so
 * closing part of it barely changes its rho: the honest stop usually closes it all.
 *
 * What it cannot do. A gap from above the trigger to past L in one tick fills (if at all) after the
 * venue has liquidated: no stop helps there, and the backtest counts it as liquidated. The rest is
 * protected against the move to L, not against a crash that keeps going.
 */

export interface StopOptions {
  /** The symbol's worst one-minute move seen recently, |ln(p1 / p0)|; null: no history (1 % is assumed). */
  readonly worstMinuteMove: number | null;
  /** Fill slippage of a stop-market order, a fraction of the trigger (0.3 % by default). */
  readonly slippage?: number;
  /** The rest's rho at the old liquidation price, at most (0.8 by default). */
  readonly restRho?: number;
}

export const DEFAULT_STOP_SLIPPAGE = 0.003;
export const DEFAULT_REST_RHO = 0.8;
/** The buffer is this many worst minutes wide (plus the slippage). */
const BUFFER_MULTIPLE = 1.5;
const MIN_MINUTE_MOVE = 0.001;
const UNKNOWN_MINUTE_MOVE = 0.01;

export type ProtectiveStop =
  /** Nothing to protect: the position is closed, or no positive mark liquidates it. */
  | { readonly kind: 'none-needed'; readonly reason: string }
  /** The mark is already inside the buffer: a stop would fire at once; reduce or add now. */
  | { readonly kind: 'too-close'; readonly liquidationPrice: number; readonly triggerPrice: number; readonly bufferFraction: number }
  /** Cross: the other positions keep the pool past restRho at L even with this one closed. */
  | { readonly kind: 'unreachable'; readonly liquidationPrice: number; readonly triggerPrice: number; readonly reason: string }
  | {
      readonly kind: 'stop';
      /** Reduce-only stop-market trigger (the venue's mark-price trigger). */
      readonly triggerPrice: number;
      /** Where it is assumed to fill: the trigger moved by the slippage against the trader. */
      readonly fillPrice: number;
      /** Quantity to close (base units), rounded up to 8 decimals. */
      readonly qty: number;
      /** Taker fee of closing it at the fill price, USDT. */
      readonly feeUsdt: number;
      readonly closesPosition: boolean;
      /** Distance from the liquidation price to the trigger, a fraction of the liquidation price. */
      readonly bufferFraction: number;
      /** The liquidation price the stop guards (the whole position, others frozen). */
      readonly liquidationPrice: number;
      /** The rest's rho at that price after the fill (at most restRho); 0 when it closes the position. */
      readonly restRiskRatio: number;
      /** The rest's own liquidation price after the fill; null when it closes the position or none. */
      readonly restLiquidationPrice: number | null;
    };

/** The account right after closing `closeQty` of `p` at `fill` (taker fee paid), the symbol's mark at `fill`. */
export interface StopFill {
  readonly account: Account;
  /** What is left of the position; null when it is closed. */
  readonly rest: Position | null;
  readonly feeUsdt: number;
}

/**
 * Closing part of a position at a price: the realised PnL and the fee go to the wallet; an isolated
 * position also releases its margin in proportion. Every position on the symbol is marked at `fill`.
 */
export function stopFill(account: Account, p: Position, fill: number, closeQty: number): StopFill {
  const closed = Math.min(p.qty, Math.max(0, closeQty));
  const keep = p.qty - closed <= p.qty * 1e-12 ? 0 : p.qty - closed;
  const feeUsdt = p.takerFeeRate * closed * fill;
  const realised = sideSign(p.side) * closed * (fill - p.entryPrice) - feeUsdt;
  const margin = p.isolatedMargin ?? 0;
  const released = p.marginMode === 'isolated' && p.qty > 0 ? (margin * closed) / p.qty : 0;
  const rest: Position | null =
    keep === 0
      ? null
      : { ...p, qty: asQty(keep), markPrice: asPrice(fill), ...(p.marginMode === 'isolated' ? { isolatedMargin: usdt(margin - released) } : {}) };
  const positions = account.positions.flatMap((o) => (o === p ? (rest === null ? [] : [rest]) : [o.symbol === p.symbol ? { ...o, markPrice: asPrice(fill) } : o]));
  return { account: { ...account, walletBalance: usdt(account.walletBalance + realised + released), positions }, rest, feeUsdt };
}

/**
 * The risk parts the rest of `p` is judged by after a fill, its symbol valued at `mark`: the pool's if
 * cross, its own if isolated (nothing once an isolated position is closed).
 */
export function restParts(after: StopFill, model: MarginModel, p: Position, mark: number): RiskParts {
  if (p.marginMode === 'isolated') return after.rest === null ? { requirement: 0, equity: 0 } : isolatedParts(after.rest, model, mark);
  return crossParts(after.account, model, { symbol: p.symbol, price: mark });
}

/** Buffer between the liquidation price and the trigger, a fraction of the liquidation price. */
export const stopBuffer = (worstMinuteMove: number | null, slippage: number): number =>
  BUFFER_MULTIPLE * Math.max(worstMinuteMove ?? UNKNOWN_MINUTE_MOVE, MIN_MINUTE_MOVE) + slippage;

/** The protective stop of `p` (see the head of this file). Pure; never NaN (a bad input gives none-needed). */
export function protectiveStop(account: Account, model: MarginModel, p: Position, options: StopOptions): ProtectiveStop {
  const slippage = options.slippage ?? DEFAULT_STOP_SLIPPAGE;
  const restRho = options.restRho ?? DEFAULT_REST_RHO;
  if (!(p.qty > 0)) return { kind: 'none-needed', reason: 'the position is closed' };
  const liquidation = tierPrice(account, model, p, 1);
  if (liquidation === null || !(liquidation > 0) || !Number.isFinite(liquidation)) {
    return { kind: 'none-needed', reason: 'no positive mark liquidates it' };
  }
  const buffer = stopBuffer(options.worstMinuteMove, slippage);
  const falls = liquidation < p.markPrice;
  const trigger = falls ? liquidation * (1 + buffer) : liquidation * (1 - buffer);
  if (!(trigger > 0) || (falls ? p.markPrice <= trigger : p.markPrice >= trigger)) {
    return { kind: 'too-close', liquidationPrice: liquidation, triggerPrice: Math.max(0, trigger), bufferFraction: buffer };
  }
  const fill = falls ? trigger * (1 - slippage) : trigger * (1 + slippage);
  const gap = (keep: number): number => {
    const { requirement, equity } = restParts(stopFill(account, p, fill, p.qty - keep), model, p, liquidation);
    return requirement - restRho * equity;
  };
  const roots = zeroCrossings(gap, model.qtyBreakpoints(p, liquidation), 0, p.qty, p.qty).filter((k) => k < p.qty);
  const keep = roots.length > 0 ? Math.max(...roots) : gap(0) <= 0 ? 0 : null;
  if (keep === null) {
    return { kind: 'unreachable', liquidationPrice: liquidation, triggerPrice: trigger, reason: 'the other positions keep the pool past the limit at that price even with this one closed' };
  }
  const closesPosition = keep <= p.qty * 1e-12;
  const closeQty = closesPosition ? p.qty : Math.min(p.qty, roundUp(p.qty - keep));
  const after = stopFill(account, p, fill, closeQty);
  const restRisk = riskRatio(restParts(after, model, p, liquidation));
  const restLiquidation = after.rest === null ? null : tierPrice(after.account, model, after.rest, 1);
  return {
    kind: 'stop',
    triggerPrice: trigger,
    fillPrice: fill,
    qty: closeQty,
    feeUsdt: after.feeUsdt,
    closesPosition: after.rest === null,
    bufferFraction: buffer,
    liquidationPrice: liquidation,
    restRiskRatio: restRisk,
    restLiquidationPrice: restLiquidation !== null && restLiquidation > 0 && Number.isFinite(restLiquidation) ? restLiquidation : null,
  };
}

/** Up to 8 decimals, rounding up so the stop closes enough. */
const roundUp = (q: number): number => Math.ceil(q * 1e8 - 1e-6) / 1e8;
