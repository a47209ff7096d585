import { describe, expect, it } from 'vitest';
import type { SubjectReport } from '../protocol/account-report.ts';
import { ratio, usdt } from '../units/units.ts';
import { suggestionText } from './suggestion-text.ts';

/** A cross pool at rho 0.43, under its target: no top-up or reduction back to it. */
const within: SubjectReport = {
  subject: 'okx:demo:cross',
  kind: 'cross-pool',
  positions: ['ETH-USDT-SWAP:long'],
  riskRatio: ratio(0.434),
  equityUsdt: usdt(446.45),
  requirementUsdt: usdt(193.76),
  alertTier: null,
  nextTier: '0.5',
  tiers: [],
  topUp: { kind: 'none-needed' },
  oddsTopUp: { kind: 'none-needed' },
  reduction: { kind: 'none-needed' },
  liquidationOdds: { horizonSec: 86_400, probability: 0.62 },
  snooze: null,
};

describe('suggestionText (popup and overlay)', () => {
  // A position 0.7 % from liquidation can be within its rho target: its line must not read as all clear
  // beside "Too close for a stop: reduce or add now" and a large odds top-up.
  it('says rho is within target, not "No action needed", and keeps the odds top-up after it', () => {
    expect(suggestionText(within)).toBe('ρ within target: nothing to add or reduce');
    const odds = { ...within, oddsTopUp: { kind: 'top-up' as const, amountUsdt: usdt(5_179.3), to: 'wallet' as const, riskRatioAfter: ratio(0.2), liquidationPricesAfter: [], liquidationOddsAfter: 0.01 } };
    expect(suggestionText(odds)).toBe('ρ within target: nothing to add or reduce; for 1 % liq. odds in 24 h: add 5,179.30 USDT');
  });

  it('puts the top-up back to the target first, with what it buys', () => {
    const topUp = { ...within, topUp: { kind: 'top-up' as const, amountUsdt: usdt(412), to: 'wallet' as const, riskRatioAfter: ratio(0.45), liquidationPricesAfter: [], liquidationOddsAfter: 0.05 } };
    expect(suggestionText(topUp)).toBe('Add 412.00 USDT (ρ → 0.450, 24 h liq. odds 5.0 %)');
  });
});
