import type { Account, Position } from '../positions/account.ts';
import { unrealisedPnl } from '../positions/account.ts';
import type { MarginModel } from './margin-model.ts';
import { refineRoot } from './piecewise-linear-roots.ts';
import type { RiskParts } from './risk-parts.ts';

/**
 * Tier prices of a position: for each level, the mark of its symbol at which its risk ratio equals the
 * level, every other symbol frozen at its mark (level 1 is the liquidation price). For a cross position
 * the ratio is the cross pool's, and every cross position on the same symbol moves with it (hedge mode
 * shares one price). Where several prices qualify (a hedge can go wrong both ways) the one nearest the
 * mark is returned; null when no positive price reaches the level (a fully collateralised long).
 *
 * Generalises Binance's P_k = (WB - TMM1/k + UPNL1 + cum/k - side x q x EP) / (q x MMR/k - side x q)
 * (docs/margin-math.md §1.1, vector #4) to every venue and bracket: requirement and equity are linear in the
 * price between tier bounds (the MarginModel contract), so each slice is fitted once and every level is
 * solved on it in closed form. The bracket "at the liquidation price" is whichever slice holds the root.
 */
export function tierPrices(account: Account, model: MarginModel, p: Position, levels: readonly number[]): (number | null)[] {
  return levels.map(tierPriceSolver(account, model, p));
}

/**
 * The tier price of any level, the slices fitted once: `tierPrices` one level at a time (the same
 * numbers), for a caller that needs only the level a rule is about.
 */
export function tierPriceSolver(account: Account, model: MarginModel, p: Position): (level: number) => number | null {
  const at = partsAtPrice(account, model, p);
  const breakpoints = moversOf(account, p).flatMap((o) => model.priceBreakpoints(o));
  const slices = fitSlices(at, breakpoints, p.markPrice);
  return (level) => nearest(rootsFor(slices, level, at, breakpoints), p.markPrice);
}

/** One level; see `tierPrices`. */
export const tierPrice = (account: Account, model: MarginModel, p: Position, level: number): number | null =>
  tierPrices(account, model, p, [level])[0] ?? null;

const moversOf = (account: Account, p: Position): readonly Position[] =>
  p.marginMode === 'isolated' ? [p] : account.positions.filter((o) => o.marginMode === 'cross' && o.symbol === p.symbol);

/**
 * Requirement and equity as functions of the symbol's price, with the frozen part (other symbols'
 * positions) summed once rather than at every evaluation.
 */
function partsAtPrice(account: Account, model: MarginModel, p: Position): (price: number) => RiskParts {
  if (p.marginMode === 'isolated') {
    return (price) => ({ requirement: model.requirement(p, price), equity: model.isolatedEquity(p, price) });
  }
  let frozenRequirement = 0;
  let frozenEquity = account.walletBalance as number;
  const movers: Position[] = [];
  for (const o of account.positions) {
    if (o.marginMode !== 'cross') continue;
    if (o.symbol === p.symbol) {
      movers.push(o);
    } else {
      frozenRequirement += model.requirement(o, o.markPrice);
      frozenEquity += unrealisedPnl(o, o.markPrice);
    }
  }
  return (price) => {
    let requirement = frozenRequirement;
    let equity = frozenEquity;
    for (const o of movers) {
      requirement += model.requirement(o, price);
      equity += unrealisedPnl(o, price);
    }
    return { requirement, equity };
  };
}

/** A price interval on which requirement = r0 + r1 x price and equity = e0 + e1 x price. */
interface Slice {
  readonly lo: number;
  readonly hi: number;
  readonly r0: number;
  readonly r1: number;
  readonly e0: number;
  readonly e1: number;
}

function fitSlices(at: (price: number) => RiskParts, breakpoints: readonly number[], scale: number): Slice[] {
  const inner = breakpoints.filter((b) => b > 0 && Number.isFinite(b)).sort((a, b) => a - b);
  const edges = [0, ...inner, Number.POSITIVE_INFINITY];
  const slices: Slice[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const lo = edges[i] as number;
    const hi = edges[i + 1] as number;
    if (!(hi > lo)) continue;
    const span = Number.isFinite(hi) ? hi - lo : Math.max(lo, scale, 1);
    const x1 = lo + span / 4;
    const x2 = lo + (3 * span) / 4;
    const a = at(x1);
    const b = at(x2);
    const r1 = (b.requirement - a.requirement) / (x2 - x1);
    const e1 = (b.equity - a.equity) / (x2 - x1);
    slices.push({ lo, hi, r1, e1, r0: a.requirement - r1 * x1, e0: a.equity - e1 * x1 });
  }
  return slices;
}

/**
 * Prices where requirement - level x equity changes sign: inside a slice (closed form) or at a tier
 * bound the requirement jumps across (OKX charges a whole position its tier's rate). Each root is
 * checked against the real functions: the ratio there must be the level (refined once if a far-away
 * fit lost digits), or the root must be a bound. That also drops rounding noise such as a "root" near
 * zero for a fully collateralised long, whose ratio is constant in price.
 */
function rootsFor(slices: readonly Slice[], level: number, at: (price: number) => RiskParts, bounds: readonly number[]): number[] {
  const roots: number[] = [];
  for (let i = 0; i < slices.length; i++) {
    const s = slices[i] as Slice;
    const prev = slices[i - 1];
    if (prev !== undefined) {
      const left = gapOf(prev, s.lo, level);
      const right = gapOf(s, s.lo, level);
      if (left !== 0 && right !== 0 && left < 0 !== right < 0 && at(s.lo).equity > 0) roots.push(s.lo);
    }
    const slope = s.r1 - level * s.e1;
    if (slope === 0) continue;
    const root = (level * s.e0 - s.r0) / slope;
    if (!(root >= s.lo && root < s.hi && root > 0 && Number.isFinite(root))) continue;
    if (bounds.includes(root) ? at(root).equity > 0 : isAtLevel(at(root), level, 1e-7)) {
      roots.push(root);
      continue;
    }
    const refined = refineRoot((x) => gapAt(at(x), level), root, s.lo, s.hi);
    if (isAtLevel(at(refined), level, 1e-7)) roots.push(refined);
  }
  return roots;
}

const gapOf = (s: Slice, x: number, level: number): number => s.r0 + s.r1 * x - level * (s.e0 + s.e1 * x);
const gapAt = ({ requirement, equity }: RiskParts, level: number): number => requirement - level * equity;

const isAtLevel = ({ requirement, equity }: RiskParts, level: number, tolerance: number): boolean =>
  equity > 0 && Math.abs(requirement / equity - level) <= tolerance * level;

function nearest(roots: readonly number[], mark: number): number | null {
  let best: number | null = null;
  for (const r of roots) {
    if (best === null || Math.abs(r - mark) < Math.abs(best - mark)) best = r;
  }
  return best;
}
