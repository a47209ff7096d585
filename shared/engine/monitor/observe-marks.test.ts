import { describe, expect, it } from 'vitest';
import { btcusdtBrackets, ethusdtBrackets } from '../../../tools/test-support/binance-brackets.ts';
import { marginModels } from '../../exchanges/venues.ts';
import { price, qty, ratio, usdt } from '../../units/units.ts';
import type { Account, Position } from '../positions/account.ts';
import { createMonitor, monitorStep, viewProjection, type Monitor } from './account-monitor.ts';
import { snapshotMonitor } from './monitor-snapshot.ts';

/**
 * The marks step copies a per-symbol record (volatility, jump/trend, minute moves) only when an entry
 * moves, which is once a minute per symbol; in between the record is the previous state's own object.
 * Shared, never written: a snapshot taken before a step reads the same after it.
 */
const START = Date.UTC(2026, 10, 24, 9, 0);
const position = (symbol: string, mark: number): Position => ({
  symbol, side: 'long', qty: qty(1), entryPrice: price(mark), markPrice: price(mark), marginMode: 'cross',
  tiers: symbol === 'BTCUSDT' ? btcusdtBrackets() : ethusdtBrackets(), takerFeeRate: ratio(0.0005),
});
const account: Account = { exchange: 'binance', walletBalance: usdt(20_000), positions: [position('BTCUSDT', 97_000), position('ETHUSDT', 3_500)] };

function ticked(seconds: number): Monitor[] {
  const out: Monitor[] = [];
  let m = createMonitor({ account, model: marginModels.binance, options: { accountId: 'a' } });
  for (let s = 0; s <= seconds; s += 1) {
    m = monitorStep(m, { kind: 'marks', marks: { BTCUSDT: 97_000 + 10 * Math.sin(s), ETHUSDT: 3_500 + Math.cos(s) } }, START + s * 1_000).monitor;
    out.push(m);
  }
  return out;
}

describe('the marks step, copy on write', () => {
  const monitors = ticked(125);

  it('keeps the records between the minutes and moves them at each minute, every symbol heard', () => {
    const [first, second] = monitors;
    expect(second!.state.volatility).toBe(first!.state.volatility);
    expect(second!.state.shape).toBe(first!.state.shape);
    expect(second!.state.minuteMoves).toBe(first!.state.minuteMoves);
    expect(second!.state.marks).not.toBe(first!.state.marks);
    // A minute on: each symbol's volatility and minute move have taken a return.
    const later = monitors[61]!;
    expect(later.state.volatility).not.toBe(first!.state.volatility);
    expect(Object.keys(later.state.volatility)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(later.state.volatility['BTCUSDT']).not.toEqual(first!.state.volatility['BTCUSDT']);
    expect(monitors[121]!.state.minuteMoves['ETHUSDT']?.hours.length).toBe(1);
  });

  it('a snapshot taken before a step reads the same after it', () => {
    // A run of its own: the monitors above were stepped further, a record written in place would show there.
    let m = ticked(59)[59]!;
    const snapshot = snapshotMonitor(m);
    const saved = JSON.stringify(snapshot);
    for (let s = 60; s < 130; s += 1) m = monitorStep(m, { kind: 'marks', marks: { BTCUSDT: 96_000 + s, ETHUSDT: 3_400 + s } }, START + s * 1_000).monitor;
    expect(JSON.stringify(snapshot)).toBe(saved);
    expect(JSON.stringify(snapshotMonitor(m))).not.toBe(saved);
  });
});

describe('the evaluation reuses the previous one curves only on the same records', () => {
  it('gives the projection and decisions of an evaluation with no previous view, minute after minute', () => {
    let kept = createMonitor({ account, model: marginModels.binance, options: { accountId: 'a' } });
    let fresh = kept;
    for (let s = 0; s <= 185; s += 1) {
      // A fall, so that the volatility moves at every minute and the projection with it.
      const marks = { BTCUSDT: 97_000 * (1 - s / 2_000) + 30 * Math.sin(s), ETHUSDT: 3_500 * (1 - s / 1_500) };
      const a = monitorStep(kept, { kind: 'marks', marks }, START + s * 1_000);
      const b = monitorStep({ ...fresh, view: null }, { kind: 'marks', marks }, START + s * 1_000);
      expect(a.decisions).toEqual(b.decisions);
      kept = a.monitor;
      fresh = b.monitor;
      if (s % 30 === 0) expect(JSON.stringify(viewProjection(kept.view!))).toBe(JSON.stringify(viewProjection(fresh.view!)));
    }
    expect(kept.view!.curves).not.toBe(fresh.view!.curves);
  });
});
