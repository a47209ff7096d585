import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateAccount } from '../engine/margin/evaluate-account.ts';
import { isFieldError } from '../units/field-error.ts';
import { parseAccountInput } from './parse-account-input.ts';
import { marginModels } from './venues.ts';

/**
 * The account document is what a file, stdin and a home's form give the engine. Whatever it holds, the
 * parser answers with an account or a FieldError naming a field of the document, never a fault; and an
 * account it accepts evaluates to finite figures (no Infinity from an overflowing sum, no NaN).
 */
const sane = fc.double({ min: 1e-3, max: 1e6, noNaN: true });
const wild = fc.oneof(
  fc.constantFrom(1e308, -1e308, 1e300, 1e200, 1e16, 1e13, 1e12, -1, 0, -0, 1e-300, Infinity, -Infinity, Number.NaN),
  fc.constantFrom('1e400', '1e308', 'NaN', '', ' 12 ', '0x10', '12', null, true, [], {}),
  fc.double(),
);
/** Finite, but a product or sum of two overflows to Infinity: only the readers' bounds stop them. */
const huge = fc.constantFrom(1e308, 1.7e308, 1e307, -1e308);
const figure = fc.oneof({ arbitrary: sane, weight: 30 }, { arbitrary: huge, weight: 1 }, { arbitrary: wild, weight: 1 });
const rate = fc.oneof({ arbitrary: fc.double({ min: 0.001, max: 0.2, noNaN: true }), weight: 30 }, { arbitrary: wild, weight: 1 });

const tier = fc.record({ floor: figure, mmr: rate, cap: fc.option(figure, { nil: undefined }), deduction: fc.option(figure, { nil: undefined }) }, { requiredKeys: ['mmr'] });
const position = fc.record({
  symbol: fc.constantFrom('BTCUSDT', 'ETHUSDT', 'SOLUSDT'),
  side: fc.constantFrom('long', 'short'),
  qty: figure,
  entryPrice: figure,
  markPrice: figure,
  marginMode: fc.constantFrom('cross', 'isolated'),
  isolatedMargin: figure,
  leverage: fc.oneof({ arbitrary: fc.constantFrom(5, 20, 125), weight: 30 }, { arbitrary: wild, weight: 1 }),
  tiers: fc.oneof({ arbitrary: fc.constant([{ floor: 0, mmr: 0.01 }]), weight: 3 }, { arbitrary: fc.array(tier, { minLength: 1, maxLength: 3 }), weight: 1 }),
});
const document = fc.record({
  exchange: fc.constantFrom('binance', 'bybit', 'okx', 'hyperliquid'),
  walletBalance: figure,
  positions: fc.array(position, { minLength: 1, maxLength: 3 }),
});

describe('parseAccountInput on garbage', () => {
  it('any JSON value: an account or a FieldError naming a field, never a parser fault', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), document, fc.anything()), (raw) => {
        const r = parseAccountInput(raw);
        if (isFieldError(r)) {
          expect(r.field).not.toBe('?');
          expect(r.message.length).toBeGreaterThan(5);
        }
      }),
      { seed: 8, numRuns: 1000 },
    );
  });

  it('an accepted account evaluates to finite figures; a refused one names a field of the document', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(document, (raw) => {
        const r = parseAccountInput(raw);
        if (isFieldError(r)) {
          refused += 1;
          expect(r.field).toMatch(/^(walletBalance|positions\[\d\]\.(qty|entryPrice|markPrice|isolatedMargin|leverage|tiers(\[\d\]\.(floor|mmr|cap|deduction))?))$/);
          return;
        }
        accepted += 1;
        const risk = evaluateAccount(r.account, marginModels[r.account.exchange], r.options);
        expect(Number.isFinite(risk.equity)).toBe(true);
        expect(Number.isFinite(risk.maintenanceMargin)).toBe(true);
        expect(Number.isNaN(risk.riskRatio)).toBe(false);
        for (const p of risk.positions) {
          for (const v of [p.notional, p.unrealisedPnl, p.maintenanceMargin, p.topUp]) expect(Number.isFinite(v)).toBe(true);
          expect(Number.isNaN(p.riskRatio)).toBe(false);
          expect(p.liquidationPrice === null || Number.isFinite(p.liquidationPrice)).toBe(true);
          for (const v of Object.values(p.tierPrices)) expect(v === null || Number.isFinite(v)).toBe(true);
        }
      }),
      { seed: 8, numRuns: 600 },
    );
    // Both sides of the property were exercised, not just one.
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });

  it('the issue-8 examples: figures of 1e308 and a falling, overlapping tier table are refused by name', () => {
    const base = { exchange: 'binance', walletBalance: 1000, positions: [{ symbol: 'BTCUSDT', side: 'long', qty: 1, entryPrice: 60_000, markPrice: 60_000, marginMode: 'cross', tiers: [{ floor: 0, mmr: 0.004 }] }] };
    const withPosition = (patch: object) => ({ ...base, positions: [{ ...base.positions[0], ...patch }] });
    const cases: Array<[object, string, RegExp]> = [
      [withPosition({ qty: 1e308 }), 'positions[0].qty', /past the bound 1000000000000/],
      [withPosition({ markPrice: 1e308 }), 'positions[0].markPrice', /past the bound/],
      [withPosition({ entryPrice: '1e400' }), 'positions[0].entryPrice', /out of range/],
      [{ ...base, walletBalance: -1e308 }, 'walletBalance', /past the bound/],
      [withPosition({ tiers: [{ floor: 0, cap: 10, mmr: 0.5 }, { floor: 5, cap: 100, mmr: 0.01 }] }), 'positions[0].tiers', /floor 5 is inside tier 1/],
      [withPosition({ tiers: [{ floor: 0, cap: 10, mmr: 0.5 }, { floor: 10, cap: 100, mmr: 0.01 }] }), 'positions[0].tiers', /rate falls from 0.5 to 0.01/],
      // The rows may come in any order; the check sorts them by floor, as it does for a venue's table.
      [withPosition({ tiers: [{ floor: 10, mmr: 0.01 }, { floor: 0, cap: 10, mmr: 0.5 }] }), 'positions[0].tiers', /rate falls from 0.5 to 0.01/],
      // The engine keys records by symbol: a name every object has would read the prototype's member.
      [withPosition({ symbol: 'constructor' }), 'positions[0].symbol', /every object has/],
      [withPosition({ symbol: '   ' }), 'positions[0].symbol', /1..64 characters/],
      [withPosition({ symbol: 'X'.repeat(65) }), 'positions[0].symbol', /1..64 characters/],
    ];
    for (const [raw, field, message] of cases) {
      const r = parseAccountInput(raw);
      expect(isFieldError(r) ? [r.field, r.message] : 'accepted').toEqual([field, expect.stringMatching(message)]);
    }
  });
});
