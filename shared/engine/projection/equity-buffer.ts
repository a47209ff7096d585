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
  /** The current mark of each of those symbols. */
  readonly marks: Readonly<Record<string, number>>;
  /** Equity (USDT) at the given marks; a symbol missing from `marks` stays at its position's mark. */
  equityAt(marks: Readonly<Record<string, number>>): number;
  /** Maintenance requirement (USDT) at the given marks. */
  requirementAt(marks: Readonly<Record<string, number>>): number;
}

const markFor = (p: Position, marks: Readonly<Record<string, number>>): number => marks[p.symbol] ?? p.markPrice;

/** The cross pool: wallet balance plus every cross position's PnL, against their requirements. */
export function crossGroup(account: Account, model: MarginModel): RiskGroup {
  const positions = account.positions.filter((p) => p.marginMode === 'cross');
  return {
    symbols: [...new Set(positions.map((p) => p.symbol))],
    marks: Object.fromEntries(positions.map((p) => [p.symbol, p.markPrice as number])),
    equityAt: (marks) => positions.reduce((e, p) => e + unrealisedPnl(p, markFor(p, marks)), account.walletBalance as number),
    requirementAt: (marks) => positions.reduce((r, p) => r + model.requirement(p, markFor(p, marks)), 0),
  };
}

/** One isolated position against its own margin. */
export function isolatedGroup(p: Position, model: MarginModel): RiskGroup {
  return {
    symbols: [p.symbol],
    marks: { [p.symbol]: p.markPrice },
    equityAt: (marks) => model.isolatedEquity(p, markFor(p, marks)),
    requirementAt: (marks) => model.requirement(p, markFor(p, marks)),
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
 */
export function bufferGradient(group: RiskGroup, level: number): Record<string, number> {
  const { marks } = group;
  const gradient: Record<string, number> = {};
  for (const symbol of group.symbols) {
    const mark = marks[symbol];
    if (mark === undefined) continue;
    const up = bufferAt(group, level, { ...marks, [symbol]: mark * Math.exp(LOG_STEP) });
    const down = bufferAt(group, level, { ...marks, [symbol]: mark * Math.exp(-LOG_STEP) });
    gradient[symbol] = (up - down) / (2 * LOG_STEP);
  }
  return gradient;
}
