import { describe, expect, it } from 'vitest';
import { btcusdtBrackets } from '../../../tools/test-support/binance-brackets.ts';
import { marginModels } from '../../exchanges/venues.ts';
import { price, qty, ratio, usdt } from '../../units/units.ts';
import type { Account } from '../positions/account.ts';
import { NO_FORECAST_TERMS, passageShapeOf, DEFAULT_FORECAST_TERMS } from '../projection/market-shape.ts';
import { probabilityWithin } from '../projection/tier-outlook.ts';
import { createMonitor, monitorStep, type Monitor, type MarkHistory } from './account-monitor.ts';
import { snapshotMonitor } from './monitor-snapshot.ts';
import { parseMonitorSnapshot } from './parse-monitor-snapshot.ts';

const START = Date.UTC(2026, 10, 26, 0, 0);
const MIN = 60_000;
const model = marginModels.binance;

/** A cross BTC long at `leverage`, entered at 97,000 (20x: liquidation 4.7 % below; 40x: about 2 %). */
const longAt = (leverage: number): Account => ({
  exchange: 'binance',
  walletBalance: usdt(97_000 / leverage),
  positions: [
    { symbol: 'BTCUSDT', side: 'long', qty: qty(1), entryPrice: price(97_000), markPrice: price(97_000), marginMode: 'cross', tiers: btcusdtBrackets(), takerFeeRate: ratio(0.0005) },
  ],
});

/** Minute marks from 97,000: a deterministic zig-zag of +-0.05 % (36 %/yr) plus `driftPerMin` (log) and the given jumps. */
function marks(minutes: number, driftPerMin: number, jumps: Readonly<Record<number, number>> = {}, from = START): MarkHistory {
  let x = Math.log(97_000);
  const out: Array<readonly [number, Record<string, number>]> = [];
  for (let k = 0; k < minutes; k += 1) {
    if (k > 0) x += driftPerMin + (k % 2 === 0 ? 0.0005 : -0.0005) + (jumps[k] ?? 0);
    out.push([from + k * MIN, { BTCUSDT: Math.exp(x) }]);
  }
  return out;
}

function played(history: MarkHistory, ticks: MarkHistory, terms = DEFAULT_FORECAST_TERMS, leverage = 20): Monitor {
  let monitor = createMonitor({ account: longAt(leverage), model, history, options: { accountId: 'a', forecastTerms: terms } });
  for (const [t, m] of ticks) monitor = monitorStep(monitor, { kind: 'marks', marks: m }, t).monitor;
  return monitor;
}

const pLiquidation = (m: Monitor, horizonSec: number): number => probabilityWithin(m.view?.facts[0]?.searches.reach('1'), horizonSec);

describe('jump and trend terms in the monitor', () => {
  it('a falling market raises the odds of the tier below; off, the figures are the diffusion alone', () => {
    // Two hours of a -1.2 %/h fall, after a flat day.
    const history = marks(1440, 0, {}, START - 1440 * MIN);
    const lastPrice = history[history.length - 1]?.[1]['BTCUSDT'] as number;
    const ticks = marks(120, -0.0002, {}, START).map(([t, m]) => [t, { BTCUSDT: ((m['BTCUSDT'] as number) * lastPrice) / 97_000 }] as const);
    const withTrend = played(history, ticks);
    const without = played(history, ticks, NO_FORECAST_TERMS);
    const jumpsOnly = played(history, ticks, { ...DEFAULT_FORECAST_TERMS, trend: null });
    // 2.4 % down, liquidation 2.3 % further. Two hours is little evidence (t about 2.6, so the drift is
    // shrunk to about 0.4 of itself), yet over a day it turns a 1-in-4 chance into near certainty.
    expect(pLiquidation(without, 86_400)).toBeLessThan(0.3);
    expect(pLiquidation(withTrend, 86_400)).toBeGreaterThan(0.8);
    expect(pLiquidation(withTrend, 3600)).toBeGreaterThan(pLiquidation(without, 3600));
    expect(pLiquidation(jumpsOnly, 86_400)).toBe(pLiquidation(without, 86_400)); // no jump in this history
    expect(withTrend.view?.facts[0]?.searches.reach('1')?.medianTimeSec).toBeLessThan(without.view?.facts[0]?.searches.reach('1')?.medianTimeSec as number);
  });

  it('a -3.5 % minute in the history raises the odds of a tier that far away, not of one beyond the jumps seen', () => {
    const calm = marks(1440, 0, {}, START - 1440 * MIN);
    const jumpy = marks(1440, 0, { 700: -0.035, 701: 0.035 }, START - 1440 * MIN);
    const tick = [[START, { BTCUSDT: 97_000 }]] as const;
    // 20x: liquidation 4.7 % below, beyond every jump seen: no jump term for it.
    expect(pLiquidation(played(jumpy, tick), 14_400)).toBe(pLiquidation(played(jumpy, tick, NO_FORECAST_TERMS), 14_400));
    // 40x: liquidation about 2 % below, within a jump's reach: about one such jump a day, so about 1/6 in 4 h more.
    const jumpTerm = pLiquidation(played(jumpy, tick, DEFAULT_FORECAST_TERMS, 40), 14_400);
    const diffusion = pLiquidation(played(jumpy, tick, NO_FORECAST_TERMS, 40), 14_400);
    expect(jumpTerm).toBeGreaterThan(diffusion + 0.1);
    // No jump in the history: nothing changes.
    expect(pLiquidation(played(calm, tick, DEFAULT_FORECAST_TERMS, 40), 14_400)).toBe(pLiquidation(played(calm, tick, NO_FORECAST_TERMS, 40), 14_400));
  });

  it('only a drift towards the tier counts', () => {
    const rising = { driftPerSec: 1e-6, jumps: null };
    expect(passageShapeOf(rising, -0.02)).toBeNull(); // a long's liquidation is below: a rise does not make it safer
    expect(passageShapeOf(rising, 0.02)).toEqual({ driftPerSec: 1e-6, jumpRatePerSec: 0 });
    expect(passageShapeOf(null, 0.02)).toBeNull();
  });

  it('saves and reads back its state; an older snapshot without it still reads', () => {
    const m = played(marks(1440, 0, { 700: -0.035 }, START - 1440 * MIN), [[START, { BTCUSDT: 97_000 }]]);
    const saved = JSON.parse(JSON.stringify(snapshotMonitor(m))) as Record<string, Record<string, unknown>>;
    const back = parseMonitorSnapshot(saved);
    expect(back).toEqual(JSON.parse(JSON.stringify(snapshotMonitor(m))));
    const { shape: _shape, ...olderState } = saved['state'] as Record<string, unknown>;
    const { forecastTerms: _terms, ...olderOptions } = saved['options'] as Record<string, unknown>;
    const older = parseMonitorSnapshot({ ...saved, state: olderState, options: olderOptions });
    expect('field' in older).toBe(false);
    if (!('field' in older)) {
      expect(older.state.shape).toEqual({});
      expect(older.options.forecastTerms).toEqual(DEFAULT_FORECAST_TERMS);
    }
    const shape = (saved['state'] as { shape: { BTCUSDT: { jumps: { down: unknown[] } } } }).shape;
    shape.BTCUSDT.jumps.down = [1, 2];
    expect(parseMonitorSnapshot(saved)).toMatchObject({ field: 'state.shape.BTCUSDT.jumps.down' });
  });
});
