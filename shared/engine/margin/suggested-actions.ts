import { qty as asQty, usdt } from '../../units/units.ts';
import type { Account, Position } from '../positions/account.ts';
import type { MarginModel } from './margin-model.ts';
import { zeroCrossings } from './piecewise-linear-roots.ts';
import { crossParts, isolatedParts, type RiskParts } from './risk-parts.ts';

/**
 * Collateral (USDT) to add so that rho comes down to `target`: requirement / target - equity, divided
 * by what one USDT of margin is worth to the venue (Bybit UTA isolated counts added margin scaled).
 * Cross: to the wallet; isolated: to the position. 0 when already at or below target.
 * Rounded up to the cent so that adding it really reaches the target.
 */
export function topUpAmount(parts: RiskParts, target: number, gainPerUsdt = 1): number {
  if (!(parts.requirement > 0)) return 0;
  const needed = (parts.requirement / target - parts.equity) / gainPerUsdt;
  return needed > 0 ? Math.ceil(needed * 100 - 1e-9) / 100 : 0;
}

export type Reduction =
  | { readonly kind: 'none-needed' }
  | { readonly kind: 'reduce'; readonly qty: number; readonly feeUsdt: number; readonly closesPosition: boolean }
  | { readonly kind: 'unreachable'; readonly reason: string };

/**
 * The smallest quantity of `p` to close at its mark so that its risk ratio comes down to `target`.
 * Closing turns unrealised PnL into realised PnL, which leaves equity unchanged except for the taker
 * fee; the requirement falls with the smaller size and may drop a tier. An isolated position releases
 * its margin in proportion, so reducing one helps only through a lower tier: often the honest answer
 * is "close it". Cross: when the other positions alone keep rho above target, no reduction of this
 * one can reach it, and the result says so. `pool`: the account's cross parts at its marks, when the
 * caller has them already (evaluateAccount asks for every position's reduction on the same pool).
 */
export function reduction(account: Account, model: MarginModel, p: Position, target: number, pool?: RiskParts): Reduction {
  const mark = p.markPrice;
  const fee = p.takerFeeRate;
  let cross: CrossRest | null = null;
  if (p.marginMode !== 'isolated') {
    const { requirement: poolRequirement, equity: poolEquity } = pool ?? crossParts(account, model);
    const own = model.requirement(p, mark);
    // The gap with all of p kept, as the search's gap(p.qty) computes it: p's requirement at its own
    // quantity is `own`, and no fee is paid (fee * 0 * mark = 0). Decided here, before the search's
    // closures are made: the policy asks every cross position in turn, every evaluation.
    if (!(p.qty > 0) || poolRequirement - own + own - target * (poolEquity - fee * (p.qty - p.qty) * mark) <= 0) return NONE_NEEDED;
    // A requirement is never negative and a reduction's fee only lowers equity, so when the other
    // positions alone keep rho above target (by more than rounding), no quantity kept closes the gap:
    // the search below would only confirm it. In a pool of many small positions that is every one of
    // them (issue 12's profile).
    const others = poolRequirement - own - target * poolEquity;
    if (fee >= 0 && target > 0 && others > 1e-9 * (Math.abs(poolRequirement) + Math.abs(own) + target * Math.abs(poolEquity))) return UNREACHABLE;
    cross = { poolRequirement, poolEquity, own };
  }
  if (!(p.qty > 0) || gapAfter(model, p, target, cross, p.qty) <= 0) return NONE_NEEDED;
  // The search's function is made here only, as an argument: a closure named by a binding would cost
  // the relay (tsx keeps names) a defineProperty per position per evaluation.
  const roots = zeroCrossings((keep) => gapAfter(model, p, target, cross, keep), model.qtyBreakpoints(p, mark), 0, p.qty, p.qty).filter((k) => k < p.qty);
  const keep = roots.length > 0 ? Math.max(...roots) : gapAfter(model, p, target, cross, 0) <= 0 ? 0 : null;
  if (keep === null) return UNREACHABLE;
  const closesPosition = keep <= p.qty * 1e-12;
  const qty = closesPosition ? p.qty : Math.min(p.qty, roundUp(p.qty - keep));
  return { kind: 'reduce', qty, feeUsdt: fee * qty * mark, closesPosition };
}

/** A cross position's pool at its marks: the pool's requirement and equity, and p's own requirement. */
interface CrossRest {
  readonly poolRequirement: number;
  readonly poolEquity: number;
  readonly own: number;
}

/**
 * requirement - target * equity with `keep` of p left (closed at its mark, paying the taker fee). An
 * isolated position (`cross` null) releases its margin in proportion; a cross one changes the pool by
 * its own requirement and the fee.
 */
function gapAfter(model: MarginModel, p: Position, target: number, cross: CrossRest | null, keep: number): number {
  if (cross === null) {
    const margin = p.isolatedMargin ?? 0;
    const { requirement, equity } = isolatedParts({ ...p, qty: asQty(keep), isolatedMargin: usdt((margin * keep) / p.qty) }, model);
    return requirement - target * equity;
  }
  const mark = p.markPrice;
  const requirement = cross.poolRequirement - cross.own + model.requirement({ ...p, qty: asQty(keep) }, mark);
  const equity = cross.poolEquity - p.takerFeeRate * (p.qty - keep) * mark;
  return requirement - target * equity;
}

const NONE_NEEDED: Reduction = { kind: 'none-needed' };

const UNREACHABLE: Reduction = { kind: 'unreachable', reason: 'the other positions keep the risk ratio above target even with this one closed' };

/** Up to 8 decimals, rounding up so the reduction is enough. */
const roundUp = (q: number): number => Math.ceil(q * 1e8 - 1e-6) / 1e8;
