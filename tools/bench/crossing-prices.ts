import { DEFAULT_START_PRICES, type MarketCoin } from '../market-paths/scenarios.ts';
import type { RunningSimulator } from '../simulator/start-simulator.ts';

export type CrossingPrices = Readonly<Record<MarketCoin, number>>;

/**
 * The marks that put Binance's demo cross pool (BTC and ETH, scaled together from their start prices;
 * SOL, held isolated there, at its start price) at risk ratio `rho` now, found by bisection on the
 * simulator's own formulas. Taken again before every crossing: the simulator pays funding every 8 h
 * of sim time out of the pool's wallet, so the prices found at the start drift; by the third payment
 * (about 19 h in, crossing 69 of the latency bench) the start's "0.95" marks put the pool past 1, and
 * the notice raised is rho >= 1's, which supersedes Critical's.
 *
 * The bisection pins the marks it tries and moves the sim clock by 1 ms per try (the book caches its
 * figures per instant) without a tick, so nothing is sent; the caller pins what it wants sent next.
 */
export function pricesAtRho(sim: RunningSimulator, rho: number): CrossingPrices {
  const at = (f: number): CrossingPrices => ({ BTC: DEFAULT_START_PRICES.BTC * f, ETH: DEFAULT_START_PRICES.ETH * f, SOL: DEFAULT_START_PRICES.SOL });
  const rhoAt = (f: number): number => {
    sim.pinMarks(at(f));
    sim.clock.advance(1);
    return sim.books.binance.figures(sim.clock.now()).crossRiskRatio;
  };
  let lo = 0.5; // rho past 1
  let hi = 1.5; // rho tiny
  for (let i = 0; i < 60; i += 1) {
    const mid = (lo + hi) / 2;
    if (rhoAt(mid) > rho) lo = mid;
    else hi = mid;
  }
  return at((lo + hi) / 2);
}
