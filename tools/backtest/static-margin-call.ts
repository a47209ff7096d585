import type { MarginModel } from '../../shared/engine/margin/margin-model.ts';
import { crossParts, isolatedParts, riskRatio } from '../../shared/engine/margin/risk-parts.ts';
import type { Account } from '../../shared/engine/positions/account.ts';

/**
 * The baseline: an exchange-style margin call. One push when the account's risk ratio crosses 0.8
 * from below, nothing before, no forecast, no reminders; it can fire again only after rho has gone
 * back below 0.8 (Binance's MARGIN_CALL event behaves this way: it reports the state, it does not
 * predict it).
 */
export const STATIC_LEVEL = 0.8;

/** The worst rho of the account: its cross pool and every isolated position. */
export function worstRiskRatio(account: Account, model: MarginModel): number {
  let worst = riskRatio(crossParts(account, model));
  for (const p of account.positions) if (p.marginMode === 'isolated') worst = Math.max(worst, riskRatio(isolatedParts(p, model)));
  return worst;
}

export interface StaticCallState {
  readonly isAbove: boolean;
}

/** One tick: whether a margin call is pushed now, and the next state. */
export function staticCallStep(state: StaticCallState, rho: number): { state: StaticCallState; pushes: boolean } {
  const isAbove = rho >= STATIC_LEVEL;
  return { state: { isAbove }, pushes: isAbove && !state.isAbove };
}
