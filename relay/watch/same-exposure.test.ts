import { describe, expect, it } from 'vitest';
import { parseAccountInput } from '../../shared/exchanges/parse-account-input.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import { price, qty, usdt } from '../../shared/units/units.ts';
import { binanceDemoAccountJson } from '../../tools/test-support/replay-documents.ts';
import { sameExposure } from './same-exposure.ts';

const input = parseAccountInput(binanceDemoAccountJson());
if (isFieldError(input)) throw new Error(input.message);
const account = input.account;

describe('sameExposure', () => {
  it('is the same exposure when only the marks moved', () => {
    const moved = { ...account, positions: account.positions.map((p) => ({ ...p, markPrice: price(p.markPrice * 0.9) })) };
    expect(sameExposure(account, moved)).toBe(true);
  });

  it('is another when the wallet, a quantity, a position or its tier table changed', () => {
    expect(sameExposure(account, { ...account, walletBalance: usdt(account.walletBalance + 1) })).toBe(false);
    expect(sameExposure(account, { ...account, positions: account.positions.map((p, i) => (i === 0 ? { ...p, qty: qty(p.qty * 2) } : p)) })).toBe(false);
    expect(sameExposure(account, { ...account, positions: account.positions.slice(1) })).toBe(false);
    expect(sameExposure(account, { ...account, positions: account.positions.map((p, i) => (i === 0 ? { ...p, tiers: { ...p.tiers } } : p)) })).toBe(false);
  });
});
