import { evaluateAccount } from '../../shared/engine/margin/evaluate-account.ts';
import type { Account } from '../../shared/engine/positions/account.ts';
import { marginModels } from '../../shared/exchanges/venues.ts';

/**
 * The one trader every policy gets (issue 13, ask 1). The policies differ only in which pushes they send
 * and when; what the trader does with a push is this file:
 * - **Action rule**: a push about level L (the tier entered or forecast; 0.8 for the static call) schedules
 *   an action `delayMs` later, unless one is pending or the trader has already acted in this episode at a
 *   level >= L. So reminders and a second alert about the same tier change nothing; only a worse tier
 *   brings a second action. The episode ends when the account has clearly left the tier acted on (rho below
 *   that level less EPISODE_MARGIN): a warning after that is news again, as the alert policy's own
 *   episodes are.
 * - **Sizing rule**: when the action falls due, add the collateral that brings the worst subject's rho back
 *   to `targetRho` (the engine's top-up for that target: evaluateAccount), nothing if it is already there.
 *   The monitor's own suggestion (which adds the 24 h odds part) is not used, so no policy buys its
 *   result with a larger cheque.
 */

const model = marginModels.binance;

export const EPISODE_MARGIN = 0.1;

export interface TraderRule {
  readonly delayMs: number;
  /** rho the top-up brings the worst subject back to. */
  readonly targetRho: number;
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

/** The trader's memory: pushes heard, the pending action, the episode, the money added. Plain and copyable. */
export interface TraderState {
  readonly pushes: number;
  readonly actions: number;
  readonly topUpUsdt: number;
  /** When the pending action falls due and the worst level it answers; null when none is pending. */
  readonly pending: { readonly at: number; readonly level: number } | null;
  /** The worst level acted on in this episode; null outside an episode. */
  readonly actedLevel: number | null;
}

export const NEW_TRADER: TraderState = { pushes: 0, actions: 0, topUpUsdt: 0, pending: null, actedLevel: null };

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

/** The action falls due: the amount to add to `account` now, and the trader after it. */
export function act(state: TraderState, account: Account, rule: TraderRule): { amount: number; state: TraderState } {
  const level = state.pending?.level ?? 0;
  const amount = topUpTo(account, rule.targetRho);
  const actedLevel = Math.max(state.actedLevel ?? 0, level);
  return {
    amount,
    state: {
      ...state,
      pending: null,
      actedLevel,
      actions: state.actions + (amount > 0 ? 1 : 0),
      topUpUsdt: state.topUpUsdt + amount,
    },
  };
}
