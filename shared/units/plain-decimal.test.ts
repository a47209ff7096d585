import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimal, isPlainDecimal } from './field-readers.ts';
import { readFields } from './field-error.ts';

/** The rule `decimal` has always applied to a string (the reference the hand scan must agree with). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Strings made of the characters a decimal is made of, plus whitespace and near misses. */
const decimalish = fc.string({ unit: fc.constantFrom('0', '1', '9', '.', '+', '-', 'e', 'E', ' ', '\t', '\u00a0', 'x', '_', ','), maxLength: 12 });

describe('the hand-written decimal scan', () => {
  it('accepts only what the regex accepts, and refuses nothing the regex accepts once trimmed', () => {
    fc.assert(
      fc.property(fc.oneof(decimalish, fc.string({ maxLength: 8 })), (s) => {
        if (isPlainDecimal(s)) expect(DECIMAL.test(s)).toBe(true);
        if (DECIMAL.test(s)) expect(isPlainDecimal(s)).toBe(true);
        // What decimal() decides: the scan, else the regex on the trimmed string.
        const accepted = !('kind' in Object(readFields(() => decimal(s, 'p'))));
        expect(accepted).toBe(DECIMAL.test(s.trim()) && Number.isFinite(Number(s)));
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads the strings the venues send, and refuses the near misses', () => {
    for (const s of ['11794.15000000', '-0.005', '0', '+1', '1.', '.5', '1e-7', '1E+3', '66666.60']) expect(isPlainDecimal(s)).toBe(true);
    for (const s of ['', '.', '+', '-.', '1e', '1e+', 'e5', '0x1A', 'Infinity', 'NaN', '1_000', '1,5', ' 1', '1 ', '1..2', '--1']) expect(isPlainDecimal(s)).toBe(false);
    expect(readFields(() => decimal(' 12.5 ', 'p'))).toBe(12.5);
    expect(readFields(() => decimal('0x1A', 'p'))).toEqual({ kind: 'field-error', field: 'p', message: 'expected a decimal number, got "0x1A"' });
  });
});
