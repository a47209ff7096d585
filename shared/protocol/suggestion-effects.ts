import { crossParts, isolatedParts, riskRatio } from '../engine/margin/risk-parts.ts';
import type { MarginModel } from '../engine/margin/margin-model.ts';
import type { Reduction } from '../engine/margin/suggested-actions.ts';
import { tierPrice } from '../engine/margin/tier-price.ts';
import { unrealisedPnl, type Account, type Position } from '../engine/positions/account.ts';
import { qty, usdt, type Price } from '../units/units.ts';
import type { ReductionSuggestion, TopUpSuggestion } from './account-report.ts';
import { finiteOrNull, priceOf, qtyOf, ratioOf, usdtOf } from './protocol-numbers.ts';

/**
 * What a suggestion buys: the account as it would be after the trader follows it, valued by the same
 * engine functions (risk parts, tier price), so "rho after" and "liquidation after" are the engine's
 * own figures for that account, not an estimate.
 */

/** A probability as the protocol carries it: finite and in [0, 1], else null. */
export const probabilityOrNull = (p: number | null | undefined): number | null => {
  const f = finiteOrNull(p);
  return f === null ? null : Math.min(1, Math.max(0, f));
};

export const positionKey = (p: { readonly symbol: string; readonly side: string }): string => `${p.symbol}:${p.side}`;

const liquidationOf = (account: Account, model: MarginModel, p: Position): Price | null => {
  const at = finiteOrNull(tierPrice(account, model, p, 1));
  return at === null || !(at > 0) ? null : priceOf(at);
};

const replaced = (account: Account, old: Position, next: Position | null): Account => ({
  ...account,
  positions: next === null ? account.positions.filter((o) => o !== old) : account.positions.map((o) => (o === old ? next : o)),
});

/**
 * The top-up of `amountUsdt` to the wallet (cross: `isolated` null) or to an isolated position's
 * margin, and what it buys. Zero is "none needed".
 */
export function topUpSuggestion(account: Account, model: MarginModel, isolated: Position | null, amountUsdt: number, oddsAfter: number | null = null): TopUpSuggestion {
  const liquidationOddsAfter = probabilityOrNull(oddsAfter);
  if (!(amountUsdt > 0)) return { kind: 'none-needed' };
  if (isolated === null) {
    const after: Account = { ...account, walletBalance: usdtOf(account.walletBalance + amountUsdt) };
    const rho = finiteOrNull(riskRatio(crossParts(after, model)));
    return {
      kind: 'top-up',
      amountUsdt: usdtOf(amountUsdt),
      to: 'wallet',
      riskRatioAfter: rho === null ? null : ratioOf(rho),
      liquidationPricesAfter: after.positions.filter((p) => p.marginMode === 'cross').map((p) => ({ key: positionKey(p), price: liquidationOf(after, model, p) })),
      liquidationOddsAfter,
    };
  }
  const p: Position = { ...isolated, isolatedMargin: usdtOf((isolated.isolatedMargin ?? 0) + amountUsdt) };
  const after = replaced(account, isolated, p);
  const rho = finiteOrNull(riskRatio(isolatedParts(p, model)));
  return {
    kind: 'top-up',
    amountUsdt: usdtOf(amountUsdt),
    to: 'position',
    riskRatioAfter: rho === null ? null : ratioOf(rho),
    liquidationPricesAfter: [{ key: positionKey(p), price: liquidationOf(after, model, p) }],
    liquidationOddsAfter,
  };
}

/**
 * The engine's reduction of `p` and what it buys: closing turns that share of the unrealised PnL into
 * wallet balance less the taker fee (cross), or releases that share of the isolated margin.
 */
export function reductionSuggestion(account: Account, model: MarginModel, p: Position, reduction: Reduction, oddsAfter: number | null = null): ReductionSuggestion {
  if (reduction.kind === 'none-needed') return { kind: 'none-needed' };
  if (reduction.kind === 'unreachable') return { kind: 'unreachable', reason: reduction.reason };
  const keep = reduction.closesPosition ? 0 : Math.max(0, p.qty - reduction.qty);
  const share = p.qty > 0 ? (p.qty - keep) / p.qty : 1;
  let rho: number;
  let liquidationPriceAfter: Price | null = null;
  if (p.marginMode === 'isolated') {
    const rest: Position = { ...p, qty: qtyOf(keep), isolatedMargin: usdtOf(((p.isolatedMargin ?? 0) * keep) / (p.qty || 1)) };
    rho = keep === 0 ? 0 : riskRatio(isolatedParts(rest, model));
    if (keep > 0) liquidationPriceAfter = liquidationOf(replaced(account, p, rest), model, rest);
  } else {
    const realised = unrealisedPnl(p, p.markPrice) * share - reduction.feeUsdt;
    const rest: Position | null = keep === 0 ? null : { ...p, qty: qtyOf(keep) };
    const after: Account = { ...replaced(account, p, rest), walletBalance: usdtOf(account.walletBalance + realised) };
    rho = riskRatio(crossParts(after, model));
    if (rest !== null) liquidationPriceAfter = liquidationOf(after, model, rest);
  }
  const rhoAfter = finiteOrNull(rho);
  return {
    kind: 'reduce',
    key: positionKey(p),
    symbol: p.symbol,
    side: p.side,
    qty: qtyOf(reduction.qty),
    feeUsdt: usdtOf(reduction.feeUsdt),
    closesPosition: reduction.closesPosition,
    riskRatioAfter: rhoAfter === null ? null : ratioOf(rhoAfter),
    liquidationPriceAfter,
    liquidationOddsAfter: probabilityOrNull(oddsAfter),
  };
}
