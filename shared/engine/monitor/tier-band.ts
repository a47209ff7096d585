import { unrealisedPnl, type Position } from '../positions/account.ts';
import type { FeedEvent } from '../positions/feed-notices.ts';
import type { MarginModel } from '../margin/margin-model.ts';
import { isolatedParts, riskRatio } from '../margin/risk-parts.ts';
import type { Monitor } from './account-monitor.ts';

/**
 * The price band inside which no position's tier can change, per symbol: while every symbol's mark stays
 * strictly inside its band, no risk subject's rho (the cross pool's, each isolated position's) reaches a
 * ladder level it is not already past, nor falls below one it is at. The homes coalesce marks for up to
 * a batch window; a mark that leaves its band may have crossed a tier, so its batch is handed on at once
 * (shared/feed/event-batcher.ts, `endsBatch`) and the notice it raises does not wait for the window.
 *
 * Why not each symbol's tier prices with the others held: crypto marks move together, and in a cross
 * pool two symbols each short of its own tier price can cross a tier jointly (BTC and ETH down 1.7 %
 * together take the simulator's Binance demo pool from rho 0.2 to 0.95 while neither alone reaches
 * Watch). So the band shares out the pool's slack: rho = R / E crosses level L where R - L x E = 0, and
 * R - L x E is a sum of one term per symbol (its positions' requirement less L x their PnL); with m
 * symbols in a subject, each symbol's edge is where its own term has used 1/m of the distance to 0
 * (or the share `BandShares` gives it: any shares that sum to 1 do). Inside every band the sum cannot
 * reach 0; with every symbol at its edge it does (tier-band.test.ts).
 * Only the nearest level each way counts (rho cannot reach a farther one without crossing it).
 *
 * Plain data, rebuilt after each evaluation from the monitor's account (valued at its marks) and model:
 * per position a few requirement evaluations on the tier slices next to the mark.
 *
 * What it does not cover (each costs only the wait for the window, never a decision): leaving a tier
 * happens below its level (hysteresis), so inside the band; the predictive alerts' odds move with
 * volatility inside it; account events (positions, balance) are coalesced as before.
 */
export interface PriceBand {
  /** Below the mark: at or under this price a tier may change; null: no price that way does. */
  readonly below: number | null;
  /** Above the mark: at or over this price a tier may change; null: none. */
  readonly above: number | null;
}

/** Symbol -> its band. A symbol the account does not hold has none (its marks cannot move a tier). */
export type TierBand = Readonly<Record<string, PriceBand>>;

type Edges = { below: number | null; above: number | null };

/**
 * How a subject's way to a level is shared between its symbols (each symbol's positions, in the
 * subject's order): shares that sum to 1. Without one, 1/m each (the homes: tier-band-shares.ts is
 * the relay's, kept out of the extension's worker).
 */
export type BandShares = (symbols: readonly (readonly Position[])[], model: MarginModel, level: number) => readonly number[];

const levelsOf = new WeakMap<readonly { readonly level: number }[], readonly number[]>();

/**
 * The ladder's levels and liquidation (1), ascending, without repeats. Kept per ladder (a policy's
 * ladder is not changed in place, a new policy brings a new one): the relay asks for them on every
 * band and crossing, tens of thousands of times a second in a burst.
 */
export function ladderLevels(ladder: readonly { readonly level: number }[]): readonly number[] {
  let levels = levelsOf.get(ladder);
  if (levels === undefined) {
    levels = [...new Set([...ladder.map((r) => r.level), 1])].sort((a, b) => a - b);
    levelsOf.set(ladder, levels);
  }
  return levels;
}

/** The band of the monitor's account at its marks (null, before the first evaluation: no band). */
export function tierBand(monitor: Pick<Monitor, 'account' | 'config'> | null, shares?: BandShares): TierBand {
  const band: Record<string, Edges> = {};
  if (monitor === null) return band;
  const { account, config } = monitor;
  const levels = ladderLevels(config.policy.ladder);
  const cross = account.positions.filter((p) => p.marginMode === 'cross');
  if (cross.length > 0) narrow(band, cross, config.model, account.walletBalance, levels, false, shares);
  for (const p of account.positions) if (p.marginMode === 'isolated') narrow(band, [p], config.model, 0, levels);
  return band;
}

/** Equity a position brings to its subject at `price`: PnL in the cross pool, its own equity isolated. */
const equityOf = (p: Position, model: MarginModel, price: number): number =>
  p.marginMode === 'isolated' ? model.isolatedEquity(p, price) : unrealisedPnl(p, price);

/**
 * Narrows the bands of one subject's symbols (the cross pool, or one isolated position) to where its
 * rho (requirement over `wallet` plus the positions' equity) crosses one of `levels`. Exported for the
 * forecast band (forecast-band.ts), which asks it about a wallet less a buffer, and with `anyEquity`
 * about one that may be below 0 (the crossing of R - L x E = 0 is the same sum either way).
 */
export function narrow(band: Record<string, Edges>, positions: readonly Position[], model: MarginModel, wallet: number, levels: readonly number[], anyEquity = false, shares?: BandShares): void {
  let requirement = 0;
  let equity = wallet;
  const bySymbol = new Map<string, Position[]>();
  for (const p of positions) {
    requirement += model.requirement(p, p.markPrice);
    equity += equityOf(p, model, p.markPrice);
    const group = bySymbol.get(p.symbol);
    if (group === undefined) bySymbol.set(p.symbol, [p]);
    else group.push(p);
  }
  // No requirement: no risk, whatever the marks do. Past liquidation: only a recovery, which can wait.
  if (!(requirement > 0 && (equity > 0 || anyEquity))) return;
  const rho = requirement / equity;
  // The first level above rho and the last at or below it, in the ladder's order (loops: no copies).
  let next: number | undefined;
  for (const l of levels) {
    if (l > rho) {
      next = l;
      break;
    }
  }
  let current: number | undefined;
  for (let i = levels.length - 1; i >= 0; i -= 1) {
    if (levels[i]! <= rho) {
      current = levels[i];
      break;
    }
  }
  // A symbol's breakpoints do not depend on the level: found once, not once per level. No closure per
  // symbol and level (the relay asks for the band on every step of every device, under tsx).
  const breakpointsOf = new Map<string, number[]>();
  for (const [symbol, movers] of bySymbol) breakpointsOf.set(symbol, breakpointsAlong(movers, model));
  for (const level of [next, current]) {
    if (level === undefined) continue;
    // Each symbol may use its share (1/m, or the relay's) of the way from R - L x E to 0.
    const way = -(requirement - level * equity);
    const parts = shares?.([...bySymbol.values()], model, level);
    let k = 0;
    for (const [symbol, movers] of bySymbol) {
      const mark = movers[0]?.markPrice ?? 0;
      const gap: Gap = { movers, model, level, base: 0, share: parts === undefined ? way / bySymbol.size : way * parts[k++]! };
      gap.base = termAt(gap, mark);
      const breakpoints = breakpointsOf.get(symbol) ?? [];
      const edges = (band[symbol] ??= { below: null, above: null });
      const above = firstRoot(gap, mark, breakpoints, +1);
      const below = firstRoot(gap, mark, breakpoints, -1);
      if (above !== null) edges.above = edges.above === null ? above : Math.min(edges.above, above);
      if (below !== null) edges.below = edges.below === null ? below : Math.max(edges.below, below);
    }
  }
}

const ascending = (a: number, b: number): number => a - b;

/**
 * The price breakpoints of a symbol's positions inside (0, Infinity), each once, ascending. A tier
 * table's are already so for one position (the usual case): kept as they come, without a set and a
 * sort (a fifth of the bands' own time in the flash burst); otherwise made so.
 */
export function breakpointsAlong(movers: readonly Position[], model: MarginModel): number[] {
  const inside: number[] = [];
  let ordered = true;
  for (const p of movers) {
    for (const b of model.priceBreakpoints(p)) {
      if (!(b > 0 && Number.isFinite(b))) continue;
      if (inside.length > 0 && !(b > inside[inside.length - 1]!)) ordered = false;
      inside.push(b);
    }
  }
  return ordered ? inside : [...new Set(inside)].sort(ascending);
}

/** One symbol's share of the way to a level: gap(price) = term(price) - base - share. */
interface Gap {
  readonly movers: readonly Position[];
  readonly model: MarginModel;
  readonly level: number;
  /** term at the mark. */
  base: number;
  readonly share: number;
}

/** The symbol's positions' requirement less level x their equity at `price`, summed in their order. */
function termAt(g: Gap, price: number): number {
  let sum = 0;
  for (const p of g.movers) sum = sum + g.model.requirement(p, price) - g.level * equityOf(p, g.model, price);
  return sum;
}

const gapAt = (g: Gap, price: number): number => termAt(g, price) - g.base - g.share;

function firstRoot(gap: Gap, mark: number, breakpoints: readonly number[], direction: 1 | -1): number | null {
  const start = gapAt(gap, mark);
  if (start === 0) return mark;
  let from = mark;
  // The breakpoints ahead (ascending above the mark, descending below it), then the end of the axis.
  const first = direction > 0 ? firstAbove(breakpoints, mark) : firstBelow(breakpoints, mark);
  for (let i = first; ; i += direction) {
    const inRange = direction > 0 ? i < breakpoints.length : i >= 0;
    const to = inRange ? (breakpoints[i] as number) : direction > 0 ? Number.POSITIVE_INFINITY : 0;
    const span = Number.isFinite(to) ? to - from : Math.max(from, 1);
    // Fitted inside the slice: a breakpoint's own value belongs to one side of it.
    const x1 = from + span / 4;
    const x2 = from + (3 * span) / 4;
    const g1 = gapAt(gap, x1);
    const g2 = gapAt(gap, x2);
    const slope = (g2 - g1) / (x2 - x1);
    const atFrom = g1 + slope * (from - x1);
    if (atFrom === 0 || atFrom > 0 !== start > 0) return from; // a jump at the slice's start
    if (slope !== 0) {
      const root = x1 - g1 / slope;
      if ((root - from) * direction > 0 && (!Number.isFinite(to) || (to - root) * direction >= 0) && root > 0) return root;
    }
    if (!inRange || !Number.isFinite(to) || to <= 0) return null;
    from = to;
  }
}

/** The index of the first breakpoint above `mark` (ascending), or their count. */
function firstAbove(breakpoints: readonly number[], mark: number): number {
  let i = 0;
  while (i < breakpoints.length && !((breakpoints[i] as number) > mark)) i += 1;
  return i;
}

/** The index of the last breakpoint below `mark`, or -1. */
function firstBelow(breakpoints: readonly number[], mark: number): number {
  let i = breakpoints.length - 1;
  while (i >= 0 && !((breakpoints[i] as number) < mark)) i -= 1;
  return i;
}

/** How many of the ascending `levels` rho has reached. */
function reached(levels: readonly number[], rho: number): number {
  let n = 0;
  while (n < levels.length && levels[n]! <= rho) n += 1;
  return n;
}

/**
 * Whether marks moved to `markAt` (a symbol's newest mark; undefined: where the account has it) take a
 * subject's rho over a level of the ladder, up to one it is not past or below one it is at: what the band
 * answers for any marks inside it, asked exactly of these marks (a few requirements per position). A mark
 * out of the band that crosses nothing (the band shares a pool's way between its symbols, so it is
 * narrower than any one path) can then wait like a forecast step. Subjects the band leaves out (no
 * requirement, past liquidation) are left out here too.
 */
export function crossesTier(monitor: Pick<Monitor, 'account' | 'config'>, markAt: (symbol: string) => number | undefined): boolean {
  const { account, config } = monitor;
  const model = config.model;
  const levels = ladderLevels(config.policy.ladder);
  let requirement = 0;
  let equity = account.walletBalance as number;
  let requirementNow = 0;
  let equityNow = account.walletBalance as number;
  let cross = false;
  for (const p of account.positions) {
    const now = markAt(p.symbol) ?? p.markPrice;
    // Not a price: not this function's to judge; the step that takes it (and refuses it) is made at once.
    if (!(now > 0 && Number.isFinite(now))) return true;
    if (p.marginMode === 'isolated') {
      const before = isolatedParts(p, model);
      if (!(before.requirement > 0 && before.equity > 0)) continue;
      if (reached(levels, riskRatio(before)) !== reached(levels, riskRatio(isolatedParts(p, model, now)))) return true;
      continue;
    }
    cross = true;
    requirement += model.requirement(p, p.markPrice);
    equity += unrealisedPnl(p, p.markPrice);
    requirementNow += model.requirement(p, now);
    equityNow += unrealisedPnl(p, now);
  }
  if (!cross || !(requirement > 0 && equity > 0)) return false;
  return reached(levels, requirement / equity) !== reached(levels, riskRatio({ requirement: requirementNow, equity: equityNow }));
}

/** True when `price` is on or past an edge of the symbol's band: a tier may have been crossed. */
export function leavesTierBand(band: TierBand, symbol: string, price: number): boolean {
  const b = band[symbol];
  if (b === undefined) return false;
  return (b.below !== null && price <= b.below) || (b.above !== null && price >= b.above);
}

/** The batcher's `endsBatch` for a home: a mark that leaves its symbol's band. */
export const isMarkLeavingBand = (band: TierBand, event: FeedEvent): boolean =>
  event.kind === 'venue' && event.event.kind === 'mark' && leavesTierBand(band, event.event.symbol, event.event.price);
