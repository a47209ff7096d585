import { describe, expect, test } from 'vitest';
import { riskRatio } from './risk-parts.ts';

describe('riskRatio: requirement / equity, 1 at liquidation', () => {
  test('a live account', () => {
    expect(riskRatio({ requirement: 40, equity: 100 })).toBe(0.4);
  });

  test('no requirement is no risk, whatever the equity', () => {
    expect(riskRatio({ requirement: 0, equity: 100 })).toBe(0);
    expect(riskRatio({ requirement: 0, equity: 0 })).toBe(0);
    expect(riskRatio({ requirement: 0, equity: -5 })).toBe(0);
  });

  test('equity at or below zero with a requirement is past liquidation: Infinity, never negative or NaN', () => {
    expect(riskRatio({ requirement: 10, equity: 0 })).toBe(Number.POSITIVE_INFINITY);
    expect(riskRatio({ requirement: 10, equity: -1 })).toBe(Number.POSITIVE_INFINITY);
  });
});
