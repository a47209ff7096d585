import type { MarginModel } from '../margin/margin-model.ts';
import { unrealisedPnl, type Position } from '../positions/account.ts';
import type { BandShares } from './tier-band.ts';

/**
 * The relay's tier band shares (tier-band.ts, `BandShares`): a subject's way to a level shared between
 * its symbols by sensitivity, how far each symbol's term (its positions' requirement less the level x
 * their equity) moves for the same 1 % move of its mark, with a tenth shared equally so that a hedged
 * symbol's edge is not at its mark. Marks moving together (crypto does) then reach their edges together,
 * near the pool's crossing, instead of at 1/m of the way, where the relay stepped the monitor and drew
 * the band again: a flash market crosses each tier in fewer steps. Any shares that sum to 1 keep the
 * band sound. Apart from tier-band.ts so that the extension's worker, which keeps 1/m, does not carry it.
 */
export const SENSITIVITY_MOVE = 0.01;
export const EQUAL_PART = 0.1;

const termAt = (movers: readonly Position[], model: MarginModel, level: number, price: number): number => {
  let sum = 0;
  for (const p of movers) sum += model.requirement(p, price) - level * (p.marginMode === 'isolated' ? model.isolatedEquity(p, price) : unrealisedPnl(p, price));
  return sum;
};

export const sensitivityShares: BandShares = (symbols, model, level) => {
  const m = symbols.length;
  const moves = symbols.map((movers) => {
    const mark = movers[0]?.markPrice ?? 0;
    return Math.abs(termAt(movers, model, level, mark * (1 + SENSITIVITY_MOVE)) - termAt(movers, model, level, mark * (1 - SENSITIVITY_MOVE)));
  });
  const total = moves.reduce((a, b) => a + b, 0);
  if (!(total > 0 && Number.isFinite(total))) return moves.map(() => 1 / m);
  return moves.map((s) => (s + (EQUAL_PART * total) / m) / (total * (1 + EQUAL_PART)));
};
