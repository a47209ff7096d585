import { evaluateAccount } from '../../shared/engine/margin/evaluate-account.ts';
import { DEFAULT_STOP_SLIPPAGE, stopFill } from '../../shared/engine/margin/protective-stop.ts';
import type { Account, Position } from '../../shared/engine/positions/account.ts';
import { marginModels } from '../../shared/exchanges/venues.ts';
import { ratio } from '../../shared/units/units.ts';
import { withTopUp } from './backtest-accounts.ts';

/**
 * The one trader every policy gets (issue 13, ask 1). The policies differ only in which pushes they send
 * and when; what the trader does with a push is this file:
 * - **Action rule**: a push about level L (the tier entered or forecast; 0.8 for the static call) schedules
 *   an action `delayMs` later, unless one is pending or the trader has already acted in this episode at a
 *   level >= L. So reminders and a second alert about the same tier change nothing; only a worse tier
 *   brings a second action. The episode ends when the account has clearly left the tier acted on (rho below
 *   that level less EPISODE_MARGIN): a warning after that is news again, as the alert policy's own
 *   episodes are.
 * - **Sizing rule**, one of two traders (`sizing`), the same for every policy:
 *   - `topup`: add the collateral that brings the worst subject's rho back to `targetRho` (the engine's
 *     top-up for that target: evaluateAccount), nothing if it is already there. The monitor's own
 *     suggestion (which adds the 24 h odds part) is not used, so no policy buys its result with a larger
 *     cheque.
 *   - `reduce`: close the engine's reduction that brings the worst subject back to `targetRho`
 *     (reductionTo), at the mark moved by the stop's slippage, taker fee paid (the reduction is sized
 *     with both); the realised PnL stays in the account. No money is added, so every policy of this trader is at equal capital by construction.
 */

const model = marginModels.binance;

export const EPISODE_MARGIN = 0.1;

export type Sizing = 'topup' | 'reduce';

export interface TraderRule {
  readonly delayMs: number;
  /** rho the top-up or the reduction brings the worst subject back to. */
  readonly targetRho: number;
  readonly sizing: Sizing;
}

/** The collateral that brings the worst subject of the account back to `targetRho` (0 if it is below). */
export function topUpTo(account: Account, targetRho: number): number {
  const risk = evaluateAccount(account, model, { callLevels: [targetRho], target: targetRho });
  return Math.max(0, ...risk.positions.map((p) => p.topUp));
}

/** Collateral the trader has put in: the wallet plus every isolated margin (marks do not change it). */
export function capitalOf(account: Account): number {
  return account.walletBalance + account.positions.reduce((s, p) => s + (p.marginMode === 'isolated' ? (p.isolatedMargin ?? 0) : 0), 0);
}

/** What one reduction did: the account after it, and what it closed and realised. */
export interface Reduced {
  readonly account: Account;
  /** Base quantity closed, by `symbol:side`. */
  readonly closed: Readonly<Record<string, number>>;
  /** PnL realised by the closes, fee and slippage included (USDT; the change of capitalOf). */
  readonly realisedUsdt: number;
}

export const positionKey = (p: Pick<Position, 'symbol' | 'side'>): string => `${p.symbol}:${p.side}`;

/**
 * Closes `qty` of `p` at its mark moved by `slippage` against the trader (a market order), taker fee
 * paid; the symbol keeps its mark (the fill price is the trader's, not the market's).
 */
export function closeAtMark(account: Account, p: Position, qty: number, slippage = DEFAULT_STOP_SLIPPAGE): Account {
  const fill = p.side === 'long' ? p.markPrice * (1 - slippage) : p.markPrice * (1 + slippage);
  const after = stopFill(account, p, fill, qty).account;
  return { ...after, positions: after.positions.map((o) => (o.symbol === p.symbol ? { ...o, markPrice: p.markPrice } : o)) };
}

/**
 * The reducing trader's sizing rule: the engine's reduction (evaluateAccount's per position, exact
 * with brackets and the fee) that brings the worst subject back to `targetRho`, worst subject first,
 * each subject above the target once. An isolated position is reduced by its own reduction. In a cross
 * pool the position whose reduction closes the least notional is reduced; when no single position can
 * bring the pool back (a hedge: each leg's reduction is unreachable alone), the position with the
 * largest requirement is closed and the pool judged again.
 */
export function reductionTo(account: Account, targetRho: number, slippage = DEFAULT_STOP_SLIPPAGE): Reduced {
  let current = account;
  const closed: Record<string, number> = {};
  const done = new Set<string>();
  for (let pass = 0; pass <= account.positions.length; pass += 1) {
    // The engine's reduction pays the fee on what it closes at the mark; slippage is a cost of the same
    // form (a fraction of the notional closed), so sizing with fee + slippage reaches the target after both.
    const priced = { ...current, positions: current.positions.map((p) => ({ ...p, takerFeeRate: ratio(p.takerFeeRate + slippage) })) };
    const risk = evaluateAccount(priced, model, { callLevels: [targetRho], target: targetRho });
    const subjects = [
      ...(risk.riskRatio > targetRho && !done.has('cross') ? [{ key: 'cross', rho: risk.riskRatio }] : []),
      ...risk.positions.flatMap((r) => (r.marginMode === 'isolated' && r.riskRatio > targetRho && !done.has(positionKey(r)) ? [{ key: positionKey(r), rho: r.riskRatio }] : [])),
    ].sort((a, b) => b.rho - a.rho);
    const worst = subjects[0];
    if (worst === undefined) break;
    let index: number;
    let qty: number;
    if (worst.key === 'cross') {
      const cross = risk.positions.flatMap((r, i) => (r.marginMode === 'cross' && r.qty > 0 ? [{ r, i }] : []));
      const reachable = cross.flatMap(({ r, i }) => (r.reduction.kind === 'reduce' ? [{ i, qty: r.reduction.qty, notional: r.reduction.qty * r.markPrice }] : []));
      const best = reachable.sort((a, b) => a.notional - b.notional)[0];
      if (best !== undefined) {
        done.add('cross');
        index = best.i;
        qty = best.qty;
      } else {
        const biggest = cross.sort((a, b) => b.r.maintenanceMargin - a.r.maintenanceMargin)[0];
        if (biggest === undefined) break;
        index = biggest.i;
        qty = biggest.r.qty;
      }
    } else {
      done.add(worst.key);
      index = risk.positions.findIndex((o) => o.marginMode === 'isolated' && positionKey(o) === worst.key);
      const r = risk.positions[index]?.reduction;
      if (r?.kind !== 'reduce') continue;
      qty = r.qty;
    }
    const p = current.positions[index];
    if (p === undefined || !(qty > 0)) break;
    current = closeAtMark(current, p, qty, slippage);
    closed[positionKey(p)] = (closed[positionKey(p)] ?? 0) + Math.min(qty, p.qty);
  }
  return { account: current, closed, realisedUsdt: capitalOf(current) - capitalOf(account) };
}

/** Base quantity held, all positions together (for the fairness check: start less closed is the end). */
export const qtyOf = (account: Account): number => account.positions.reduce((s, p) => s + p.qty, 0);

/** The trader's memory: pushes heard, the pending action, the episode, the money added, what it closed. Plain and copyable. */
export interface TraderState {
  readonly pushes: number;
  readonly actions: number;
  /** Actions that fell due with nothing to do: the worst subject already at or below the target. */
  readonly idleActions: number;
  readonly topUpUsdt: number;
  /** The reducing trader: base quantity closed by `symbol:side`, and the PnL those closes realised (USDT). */
  readonly closed: Readonly<Record<string, number>>;
  readonly reducedPnlUsdt: number;
  /** When the pending action falls due and the worst level it answers; null when none is pending. */
  readonly pending: { readonly at: number; readonly level: number } | null;
  /** The worst level acted on in this episode; null outside an episode. */
  readonly actedLevel: number | null;
}

export const NEW_TRADER: TraderState = { pushes: 0, actions: 0, idleActions: 0, topUpUsdt: 0, closed: {}, reducedPnlUsdt: 0, pending: null, actedLevel: null };

/** The trader hears pushes about these levels at t. */
export function hear(state: TraderState, levels: readonly number[], t: number, rule: TraderRule): TraderState {
  if (levels.length === 0) return state;
  let pending = state.pending;
  for (const level of levels) {
    if (state.actedLevel !== null && level <= state.actedLevel) continue;
    pending = pending === null ? { at: t + rule.delayMs, level } : { at: pending.at, level: Math.max(pending.level, level) };
  }
  return { ...state, pushes: state.pushes + levels.length, pending };
}

/** The episode: rho seen now ends it once the account is clearly out of the tier acted on. */
export function observe(state: TraderState, rho: number): TraderState {
  const over = state.actedLevel !== null && state.pending === null && rho < state.actedLevel - EPISODE_MARGIN;
  return over ? { ...state, actedLevel: null } : state;
}

/** True when the pending action falls due at t. */
export const isDue = (state: TraderState, t: number): boolean => state.pending !== null && t >= state.pending.at;

/** The action falls due: the account after it (topped up or reduced), the amount added, and the trader after it. */
export function act(state: TraderState, account: Account, rule: TraderRule): { account: Account; amount: number; state: TraderState } {
  const level = state.pending?.level ?? 0;
  const actedLevel = Math.max(state.actedLevel ?? 0, level);
  const after = { ...state, pending: null, actedLevel };
  if (rule.sizing === 'reduce') {
    const r = reductionTo(account, rule.targetRho);
    const acted = Object.keys(r.closed).length > 0;
    const closed = { ...state.closed };
    for (const [key, q] of Object.entries(r.closed)) closed[key] = (closed[key] ?? 0) + q;
    return {
      account: acted ? r.account : account,
      amount: 0,
      state: { ...after, actions: state.actions + (acted ? 1 : 0), idleActions: state.idleActions + (acted ? 0 : 1), closed, reducedPnlUsdt: state.reducedPnlUsdt + r.realisedUsdt },
    };
  }
  const amount = topUpTo(account, rule.targetRho);
  return {
    account: amount > 0 ? withTopUp(account, amount) : account,
    amount,
    state: { ...after, actions: state.actions + (amount > 0 ? 1 : 0), idleActions: state.idleActions + (amount > 0 ? 0 : 1), topUpUsdt: state.topUpUsdt + amount },
  };
}
