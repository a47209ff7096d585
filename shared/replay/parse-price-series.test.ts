import { describe, expect, test } from 'vitest';
import { parsePriceSeries } from './parse-price-series.ts';
import { isFieldError } from '../units/field-error.ts';

const known = new Set(['BTCUSDT', 'ETHUSDT']);

describe('parsePriceSeries', () => {
  test('reads ordered ticks with decimal strings or numbers', () => {
    const r = parsePriceSeries([[1000, { BTCUSDT: '58000.5' }], [1000, { ETHUSDT: 3000 }], [2000, { BTCUSDT: 57900, ETHUSDT: 2990 }]], 'ticks', known);
    expect(isFieldError(r)).toBe(false);
    if (isFieldError(r)) return;
    expect(r.map((x) => x.t)).toEqual([1000, 1000, 2000]);
    expect(r[0]!.marks.get('BTCUSDT')).toBe(58000.5);
    expect(r[2]!.marks.size).toBe(2);
  });

  const bad: [string, unknown, string][] = [
    ['not an array', { a: 1 }, 'ticks'],
    ['unordered', [[2000, { BTCUSDT: 1 }], [1000, { BTCUSDT: 1 }]], 'ticks[1][0]'],
    ['unknown symbol', [[1000, { DOGEUSDT: 1 }]], 'ticks[0][1].DOGEUSDT'],
    ['NaN price', [[1000, { BTCUSDT: 'NaN' }]], 'ticks[0][1].BTCUSDT'],
    ['zero price', [[1000, { BTCUSDT: 0 }]], 'ticks[0][1].BTCUSDT'],
    ['negative time', [[-5, { BTCUSDT: 1 }]], 'ticks[0][0]'],
    ['fractional time', [[1.5, { BTCUSDT: 1 }]], 'ticks[0][0]'],
    ['wrong entry shape', [[1000]], 'ticks[0]'],
    ['prices as array', [[1000, [1, 2]]], 'ticks[0][1]'],
  ];
  for (const [name, input, field] of bad) {
    test(`refuses ${name}, naming ${field}`, () => {
      const r = parsePriceSeries(input, 'ticks', known);
      expect(isFieldError(r)).toBe(true);
      if (isFieldError(r)) expect(r.field).toBe(field);
    });
  }
});
