import { describe, expect, it } from 'vitest';
import { accountFor } from './backtest-accounts.ts';
import { SYMBOLS } from './backtest-paths.ts';
import { usdt } from '../../shared/units/units.ts';
import { act, hear, isDue, NEW_TRADER, observe, topUpTo } from './trader-model.ts';

const rule = { delayMs: 600_000, targetRho: 0.5, sizing: 'topup' } as const;
const MIN = 60_000;

describe('the one trader model', () => {
  it('acts once per episode: reminders and a second alert about the same tier schedule nothing', () => {
    const account = accountFor({ leverage: 50, shape: 'cross-long' }, { [SYMBOLS.BTC]: 97_000, [SYMBOLS.ETH]: 3_400 });
    let s = hear(NEW_TRADER, [0.8], 0, rule);
    expect(s.pending).toEqual({ at: 10 * MIN, level: 0.8 });
    s = hear(s, [0.8, 0.8], 5 * MIN, rule); // the tier alert after its forecast, a reminder
    expect(s.pending).toEqual({ at: 10 * MIN, level: 0.8 });
    expect(isDue(s, 9 * MIN)).toBe(false);
    expect(isDue(s, 10 * MIN)).toBe(true);
    const done = act(s, account, rule);
    s = done.state;
    expect(s.pending).toBeNull();
    expect(s.actedLevel).toBe(0.8);
    s = hear(s, [0.8], 20 * MIN, rule);
    expect(s.pending).toBeNull();
    expect(s.pushes).toBe(4);
    // A worse tier: a second action.
    s = hear(s, [0.9], 21 * MIN, rule);
    expect(s.pending).toEqual({ at: 31 * MIN, level: 0.9 });
  });

  it('a new episode starts once rho is clearly out of the tier acted on', () => {
    const s = { ...NEW_TRADER, actedLevel: 0.8 };
    expect(observe(s, 0.71).actedLevel).toBe(0.8);
    expect(observe(s, 0.69).actedLevel).toBeNull();
    expect(hear(observe(s, 0.69), [0.8], 0, rule).pending).not.toBeNull();
  });

  it('sizes to the target rho, the same for every policy, and adds nothing below it', () => {
    const at50x = accountFor({ leverage: 50, shape: 'cross-long' }, { [SYMBOLS.BTC]: 97_000, [SYMBOLS.ETH]: 3_400 });
    const account = { ...at50x, walletBalance: usdt(at50x.walletBalance * 0.3) }; // rho about 0.7
    const to05 = topUpTo(account, 0.5);
    const to01 = topUpTo(account, 0.1);
    expect(to05).toBeGreaterThan(0);
    expect(to01).toBeGreaterThan(to05);
    expect(topUpTo({ ...account, walletBalance: usdt(account.walletBalance + to05 + 1) }, 0.5)).toBe(0);
    const done = act({ ...NEW_TRADER, pending: { at: 0, level: 0.8 } }, account, rule);
    expect(done.amount).toBe(to05);
    expect(done.state.topUpUsdt).toBe(to05);
    expect(done.state.actions).toBe(1);
  });
});
