import { describe, expect, it } from 'vitest';
import { price, qty, ratio, usdt } from '../../units/units.ts';
import { buildTierTable } from '../margin/maintenance-tiers.ts';
import type { Account, Position } from '../positions/account.ts';
import { atMark, withMarks } from './with-marks.ts';

/**
 * The re-valued position is written out field by field (with-marks.ts says why); it must be the spread
 * it replaces: the same fields, the same values, in the same order (a report or a saved account
 * serialises it), for every combination of the optional fields.
 */
const tiers = buildTierTable([{ floor: 0, mmr: 0.004 }]);
const base: Position = { symbol: 'BTCUSDT', side: 'short', qty: qty(2), entryPrice: price(97_000), markPrice: price(97_000), marginMode: 'isolated', tiers, takerFeeRate: ratio(0.0005) };
const optional: Array<Partial<Position>> = [{}, { isolatedMargin: usdt(900) }, { leverage: 20 }, { accountType: 'unified' }];

// Every subset of the optional fields, each in Position's order (the feed's accountOf writes them so).
const shapes: Position[] = [];
for (let mask = 0; mask < 8; mask += 1) {
  const { tiers: t, takerFeeRate, ...head } = base;
  const extra = Object.assign({}, ...optional.slice(1).filter((_, i) => (mask >> i) & 1)) as Partial<Position>;
  shapes.push({ ...head, ...extra, tiers: t, takerFeeRate });
}

describe('a position at another mark', () => {
  it.each(shapes.map((p) => [Object.keys(p).join(','), p] as const))('is { ...p, markPrice } to the field and its order: %s', (_, p) => {
    const moved = atMark(p, price(91_500));
    expect(moved).toStrictEqual({ ...p, markPrice: price(91_500) });
    expect(Object.keys(moved)).toEqual(Object.keys(p));
    expect(JSON.stringify(moved)).toBe(JSON.stringify({ ...p, markPrice: 91_500 }));
  });

  it('withMarks re-values only the symbols that moved and keeps the account when none did', () => {
    const account: Account = { exchange: 'bybit', walletBalance: usdt(1_000), positions: [shapes[7]!, { ...base, symbol: 'ETHUSDT', markPrice: price(3_500) }] };
    expect(withMarks(account, { BTCUSDT: 97_000, ETHUSDT: 3_500 })).toBe(account);
    const moved = withMarks(account, { BTCUSDT: 95_000 });
    expect(moved.positions[1]).toBe(account.positions[1]);
    expect(moved.positions[0]).toStrictEqual({ ...account.positions[0], markPrice: 95_000 });
  });
});
