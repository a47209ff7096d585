import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BRACKET_COPIES, btcusdtBrackets } from './binance-brackets.ts';
import { readFixture } from './shared-design.ts';

describe('the repository copies of the team bracket payloads', () => {
  for (const [copy, original] of Object.values(BRACKET_COPIES)) {
    test(`${copy} is byte for byte ${original}`, () => {
      const ours = readFileSync(new URL(`../../shared/exchanges/binance/fixtures/${copy}`, import.meta.url), 'utf8');
      expect(ours).toBe(readFixture(original));
    });
  }
  test('the BTCUSDT table reads as Binance prints it (cum 50 at the second bracket)', () => {
    expect(btcusdtBrackets().tiers[1]?.deduction).toBe(50);
  });
});
