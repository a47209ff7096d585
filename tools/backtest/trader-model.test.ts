import { describe, expect, it } from 'vitest';
import { accountFor } from './backtest-accounts.ts';
import { SYMBOLS } from './backtest-paths.ts';
import { ratio, usdt } from '../../shared/units/units.ts';
import { evaluateAccount } from '../../shared/engine/margin/evaluate-account.ts';
import { DEFAULT_STOP_SLIPPAGE } from '../../shared/engine/margin/protective-stop.ts';
import { marginModels } from '../../shared/exchanges/venues.ts';
import { act, capitalOf, hear, isDue, NEW_TRADER, observe, qtyOf, reductionTo, topUpTo } from './trader-model.ts';

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

  it('the reducing trader closes the engine\'s reduction to the target, at the mark less the slippage, fee paid, nothing added', () => {
    const at50x = accountFor({ leverage: 50, shape: 'cross-long' }, { [SYMBOLS.BTC]: 97_000, [SYMBOLS.ETH]: 3_400 });
    const account = { ...at50x, walletBalance: usdt(at50x.walletBalance * 0.3) }; // rho about 0.7
    const model = marginModels.binance;
    // The engine's reduction with the slippage counted as a fee (a cost of the same form: a fraction of what is closed).
    const withSlippage = { ...account, positions: account.positions.map((p) => ({ ...p, takerFeeRate: ratio(p.takerFeeRate + DEFAULT_STOP_SLIPPAGE) })) };
    const engine = evaluateAccount(withSlippage, model, { callLevels: [0.5], target: 0.5 }).positions[0]?.reduction;
    if (engine?.kind !== 'reduce') throw new Error(`expected a reduction, got ${engine?.kind}`);
    const r = reductionTo(account, 0.5);
    expect(r.closed).toEqual({ [`${SYMBOLS.BTC}:long`]: engine.qty });
    expect(qtyOf(r.account)).toBeCloseTo(1 - engine.qty, 12);
    // Entry at the mark: what closing realises is the slippage and the fee, both against the trader.
    const fill = 97_000 * (1 - DEFAULT_STOP_SLIPPAGE);
    const expected = engine.qty * (fill - 97_000) - engine.qty * fill * account.positions[0]!.takerFeeRate;
    expect(r.realisedUsdt).toBeCloseTo(expected, 6);
    expect(capitalOf(r.account) - capitalOf(account)).toBeCloseTo(expected, 6);
    // Back to the target after the slippage and the fee (the fee is paid on the fill, a hair below the mark).
    const after = evaluateAccount(r.account, model).worstRiskRatio;
    expect(after).toBeGreaterThan(0.499);
    expect(after).toBeLessThanOrEqual(0.5);
    expect(r.account.positions[0]?.markPrice).toBe(97_000);
    // Below the target: nothing to close, the account untouched.
    expect(reductionTo(r.account, 0.9)).toEqual({ account: r.account, closed: {}, realisedUsdt: 0 });
    const done = act({ ...NEW_TRADER, pending: { at: 0, level: 0.8 } }, account, { ...rule, sizing: 'reduce' });
    expect(done.amount).toBe(0);
    expect(done.state).toMatchObject({ actions: 1, topUpUsdt: 0, closed: r.closed, reducedPnlUsdt: r.realisedUsdt });
    expect(done.account).toEqual(r.account);
    // An action that falls due below the target does nothing, and is counted as idle (both traders).
    for (const sizing of ['reduce', 'topup'] as const) {
      const idle = act({ ...NEW_TRADER, pending: { at: 0, level: 0.8 } }, r.account, { ...rule, targetRho: 0.9, sizing });
      expect(idle.account).toBe(r.account);
      expect(idle.state).toMatchObject({ actions: 0, idleActions: 1, actedLevel: 0.8 });
    }
  });

  it('a hedged pool neither leg can bring back alone: the larger requirement is closed, then the pool judged again', () => {
    const hedge = accountFor({ leverage: 50, shape: 'cross-hedge' }, { [SYMBOLS.BTC]: 97_000, [SYMBOLS.ETH]: 3_400 });
    // The BTC long 8 % down, the ETH short 8 % up: both legs lose.
    const account = {
      ...hedge,
      positions: hedge.positions.map((p) => ({ ...p, markPrice: (p.side === 'long' ? p.entryPrice * 0.99 : p.entryPrice * 1.01) as typeof p.markPrice })),
    };
    const model = marginModels.binance;
    const before = evaluateAccount(account, model, { callLevels: [0.1], target: 0.1 });
    expect(before.riskRatio).toBeGreaterThan(0.1);
    expect(before.positions.every((p) => p.reduction.kind === 'unreachable')).toBe(true);
    const r = reductionTo(account, 0.1);
    expect(Object.keys(r.closed).length).toBe(2);
    expect(evaluateAccount(r.account, model).riskRatio).toBeLessThanOrEqual(0.1);
  });

  it('an isolated position is reduced by its own reduction; released margin moves to the wallet, the capital by what closing realised', () => {
    const iso = accountFor({ leverage: 20, shape: 'isolated-long' }, { [SYMBOLS.BTC]: 97_000, [SYMBOLS.ETH]: 3_400 });
    // 4.2 % down at 20x (5 % margin): the isolated position's own rho above 0.5.
    const account = { ...iso, positions: iso.positions.map((p) => ({ ...p, markPrice: (p.entryPrice * 0.958) as typeof p.markPrice })) };
    const model = marginModels.binance;
    const before = evaluateAccount(account, model, { callLevels: [0.5], target: 0.5 });
    expect(before.worstRiskRatio).toBeGreaterThan(0.5);
    const r = reductionTo(account, 0.5);
    const q = r.closed[`${SYMBOLS.BTC}:long`] ?? 0;
    expect(q).toBeGreaterThan(0);
    expect(qtyOf(r.account)).toBeCloseTo(1 - q, 12);
    expect(r.account.walletBalance).toBeGreaterThan(0); // the released margin, less the loss and the fee
    expect(capitalOf(r.account) - capitalOf(account)).toBeCloseTo(r.realisedUsdt, 9);
    expect(r.realisedUsdt).toBeLessThan(0);
    expect(evaluateAccount(r.account, model).worstRiskRatio).toBeLessThanOrEqual(0.5);
  });
});
