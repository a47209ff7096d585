import type { MarginModel } from '../margin/margin-model.ts';
import { unrealisedPnl, type Account, type Position } from '../positions/account.ts';

/**
 * The equity buffer of a risk group (a cross pool, or one isolated position) down to a tier:
 *   B_L(marks) = equity(marks) - requirement(marks) / L,
 * positive while rho = requirement / equity is below L, zero exactly at the tier. Projecting a cross
 * account means projecting B: it moves with every symbol in the pool at once.
 */
export interface RiskGroup {
  /** The symbols whose marks move this group, each once. */
  readonly symbols: readonly string[];
  /** Equity (USDT) at the given marks; a symbol missing from `marks` stays at its position's mark. */
  equityAt(marks: Readonly<Record<string, number>>): number;
  /** Maintenance requirement (USDT) at the given marks. */
  requirementAt(marks: Readonly<Record<string, number>>): number;
  /**
   * The part of equity and requirement that moves with one symbol: its positions' PnL and requirement
   * at `price` (the rest of the group does not depend on that symbol's mark).
   */
  partsOn(symbol: string, price: number): { readonly equity: number; readonly requirement: number };
  /** The current mark of each symbol: symbol i's at index i of `symbols`. */
  readonly markVector: Float64Array;
  /**
   * equityAt and requirementAt with symbol i at `marks[i]` (every symbol given): the same sums in the
   * same order, for the searches that move every mark many times per tick (no record per try).
   */
  partsAtVector(marks: ArrayLike<number>): { readonly equity: number; readonly requirement: number };
}

const markFor = (p: Position, marks: Readonly<Record<string, number>>): number => marks[p.symbol] ?? p.markPrice;

/** The cross pool: wallet balance plus every cross position's PnL, against their requirements. */
export function crossGroup(account: Account, model: MarginModel): RiskGroup {
  // One pass: the pool's positions, each symbol once (first seen first) with its positions, each
  // position's symbol as an index into `symbols`, each symbol's mark (its last position's). No record
  // of the marks: the searches read the vector, and a record of n keys per evaluation cost more.
  const positions: Position[] = [];
  const index = new Map<string, number>();
  const symbols: string[] = [];
  const bySymbol: Position[][] = [];
  const markList: number[] = [];
  const symbolIndex: number[] = [];
  for (const p of account.positions) {
    if (p.marginMode !== 'cross') continue;
    positions.push(p);
    let i = index.get(p.symbol);
    if (i === undefined) {
      i = symbols.length;
      index.set(p.symbol, i);
      symbols.push(p.symbol);
      bySymbol.push([]);
    }
    bySymbol[i]?.push(p);
    markList[i] = p.markPrice;
    symbolIndex.push(i);
  }
  // The constructors, not `.from`: the same arrays without the iterator protocol (twice as fast here).
  return new CrossGroup(account.walletBalance as number, model, positions, index, bySymbol, symbols, new Float64Array(markList), new Int32Array(symbolIndex));
}

/**
 * A cross pool's sums. A class, not a record of closures: the monitor builds one per evaluation, and
 * under tsx (the relay) every closure made at run time is also an `Object.defineProperty` of its name.
 * Methods only, no getters; it never crosses a boundary.
 */
class CrossGroup implements RiskGroup {
  constructor(
    private readonly wallet: number,
    private readonly model: MarginModel,
    private readonly positions: readonly Position[],
    private readonly index: ReadonlyMap<string, number>,
    private readonly bySymbol: readonly (readonly Position[])[],
    readonly symbols: readonly string[],
    readonly markVector: Float64Array,
    /** Each position's symbol as an index into `symbols`. */
    private readonly symbolOf: Int32Array,
  ) {}

  equityAt(marks: Readonly<Record<string, number>>): number {
    let e = this.wallet;
    for (const p of this.positions) e = e + unrealisedPnl(p, markFor(p, marks));
    return e;
  }

  requirementAt(marks: Readonly<Record<string, number>>): number {
    let r = 0;
    for (const p of this.positions) r = r + this.model.requirement(p, markFor(p, marks));
    return r;
  }

  partsOn(symbol: string, price: number): { readonly equity: number; readonly requirement: number } {
    let equity = 0;
    let requirement = 0;
    const i = this.index.get(symbol);
    for (const p of i === undefined ? [] : (this.bySymbol[i] ?? [])) {
      equity += unrealisedPnl(p, price);
      requirement += this.model.requirement(p, price);
    }
    return { equity, requirement };
  }

  partsAtVector(at: ArrayLike<number>): { readonly equity: number; readonly requirement: number } {
    const { positions, symbolOf, model } = this;
    let equity = this.wallet;
    let requirement = 0;
    for (let i = 0; i < positions.length; i += 1) {
      const p = positions[i] as Position;
      const mark = at[symbolOf[i] as number] as number;
      equity += unrealisedPnl(p, mark);
      requirement += model.requirement(p, mark);
    }
    return { equity, requirement };
  }
}

/** One isolated position against its own margin. */
export function isolatedGroup(p: Position, model: MarginModel): RiskGroup {
  return {
    symbols: [p.symbol],
    equityAt: (marks) => model.isolatedEquity(p, markFor(p, marks)),
    requirementAt: (marks) => model.requirement(p, markFor(p, marks)),
    partsOn: (symbol, price) =>
      symbol === p.symbol ? { equity: model.isolatedEquity(p, price), requirement: model.requirement(p, price) } : { equity: 0, requirement: 0 },
    markVector: Float64Array.of(p.markPrice),
    partsAtVector: (at) => ({ equity: model.isolatedEquity(p, at[0] as number), requirement: model.requirement(p, at[0] as number) }),
  };
}

export const bufferAt = (group: RiskGroup, level: number, marks: Readonly<Record<string, number>>): number =>
  group.equityAt(marks) - group.requirementAt(marks) / level;

/** Relative step of the central difference: small against any tier width, large against rounding. */
const LOG_STEP = 1e-5;

/**
 * dB_L / d ln(mark) per symbol (USDT per unit log return): the dollar exposure of the equity, less
 * 1/L of how fast the requirement grows with the notional. Central differences, so every venue's
 * requirement formula is used as it is (within a bracket it is linear in the mark, so this is exact
 * there; across an OKX bracket jump it reads the jump as a steep slope, which errs on the safe side).
 * Only the symbol's own positions are re-valued (`partsOn`): the rest of the buffer cancels in the
 * difference, and re-valuing the whole pool per symbol made a pool of n coins cost n^2.
 */
export function bufferGradient(group: RiskGroup, level: number): Record<string, number> {
  const vector = bufferGradientVector(group, level);
  const gradient: Record<string, number> = {};
  group.symbols.forEach((symbol, a) => {
    gradient[symbol] = vector[a] as number;
  });
  return gradient;
}

/** bufferGradient in the order of `symbols` (the same numbers), for the searches: no record of n keys per tier. */
export function bufferGradientVector(group: RiskGroup, level: number): Float64Array {
  const { symbols, markVector } = group;
  const gradient = new Float64Array(symbols.length);
  const up = Math.exp(LOG_STEP);
  const down = Math.exp(-LOG_STEP);
  for (let a = 0; a < symbols.length; a += 1) {
    const mark = markVector[a] as number;
    const above = group.partsOn(symbols[a] as string, mark * up);
    const below = group.partsOn(symbols[a] as string, mark * down);
    gradient[a] = (above.equity - above.requirement / level - (below.equity - below.requirement / level)) / (2 * LOG_STEP);
  }
  return gradient;
}
