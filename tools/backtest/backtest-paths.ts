import type { MarkHistory } from '../../shared/engine/monitor/account-monitor.ts';
import { pricePath, type PricePathParams, type PricePoint } from '../market-paths/price-path.ts';
import { MARKET_CORRELATION, scenarioMarket, type ScenarioName } from '../market-paths/scenarios.ts';
import { deriveSeed, seededRandom } from '../market-paths/seeded-random.ts';

/**
 * The price paths the backtest plays: every one comes from shared/market-paths, seeded, for BTC and ETH
 * on one time grid. Families:
 * - `storm`: geometric Brownian motion with GARCH volatility clustering and jumps (pricePath), BTC and
 *   ETH sharing a market factor the way scenarioMarket does (loading 0.8);
 * - `calm`, `trend`, `crash`, `wick`: the simulator's named scenarios (scenarioMarket).
 * Each path comes with a day of history before its start (calm-scenario noise, or the storm's own
 * process), rescaled to end at the start price, to warm the volatility estimate as a live session
 * would from klines.
 */

export const PATH_FAMILIES = ['storm', 'calm', 'trend', 'crash', 'wick'] as const;
export type PathFamily = (typeof PATH_FAMILIES)[number];

export const SYMBOLS = { BTC: 'BTCUSDT', ETH: 'ETHUSDT' } as const;

export interface BacktestPath {
  readonly family: PathFamily;
  readonly seed: number;
  /** Mark ticks in time order: [t, {BTCUSDT, ETHUSDT}]. */
  readonly ticks: MarkHistory;
  /** The day before the first tick, for the warm start. */
  readonly history: MarkHistory;
}

export interface PathGrid {
  readonly startMs: number;
  readonly stepMs: number;
  readonly durationMs: number;
}

export const DEFAULT_GRID: PathGrid = { startMs: Date.UTC(2026, 0, 5), stepMs: 60_000, durationMs: 86_400_000 };
const START_PRICES = { BTC: 97_000, ETH: 3_400 } as const;

/** The storm family's process: twice the calm volatility, stronger clustering, and fat-tailed jumps both ways. */
const STORM: Omit<PricePathParams, 'startPrice' | 'startMs' | 'stepMs' | 'steps'> = {
  sigmaAnnual: 0.8,
  clustering: { alpha: 0.1, beta: 0.85 },
  jumps: { perDay: 2, meanLog: 0, sdLog: 0.03 },
};
/** ETH moves more than BTC (as scenarioMarket scales its noise by 1.25). */
const ETH_SCALE = 1.25;

function stormMarket(grid: PathGrid, seed: number): { BTC: PricePoint[]; ETH: PricePoint[] } {
  const steps = Math.floor(grid.durationMs / grid.stepMs);
  const marketRng = seededRandom(deriveSeed(seed, 'market'));
  const factor = Array.from({ length: steps }, () => marketRng.normal());
  const own = Math.sqrt(1 - MARKET_CORRELATION ** 2);
  const build = (coin: 'BTC' | 'ETH', scale: number) => {
    const rng = seededRandom(deriveSeed(seed, coin));
    return pricePath(
      {
        ...STORM,
        sigmaAnnual: STORM.sigmaAnnual * scale,
        ...(STORM.jumps === undefined ? {} : { jumps: { ...STORM.jumps, sdLog: STORM.jumps.sdLog * scale } }),
        startPrice: START_PRICES[coin],
        startMs: grid.startMs,
        stepMs: grid.stepMs,
        steps,
      },
      rng,
      (i) => MARKET_CORRELATION * (factor[i] ?? 0) + own * rng.normal(),
    );
  };
  return { BTC: build('BTC', 1), ETH: build('ETH', ETH_SCALE) };
}

const marketFor = (family: PathFamily, grid: PathGrid, seed: number) =>
  family === 'storm'
    ? stormMarket(grid, seed)
    : scenarioMarket(family as ScenarioName, { ...grid, seed, startPrices: START_PRICES });

/** Pairs the two coins' points into ticks; both paths share one grid. */
function toTicks(market: { BTC: PricePoint[]; ETH: PricePoint[] }, scale = { BTC: 1, ETH: 1 }): MarkHistory {
  return market.BTC.map((p, i) => [p.t, { [SYMBOLS.BTC]: p.price * scale.BTC, [SYMBOLS.ETH]: (market.ETH[i]?.price ?? 0) * scale.ETH }] as const);
}

export function backtestPath(family: PathFamily, seed: number, grid: PathGrid = DEFAULT_GRID): BacktestPath {
  const ticks = toTicks(marketFor(family, grid, seed));
  const before: PathGrid = { ...grid, startMs: grid.startMs - grid.durationMs };
  const past = family === 'storm' ? stormMarket(before, deriveSeed(seed, 'history')) : scenarioMarket('calm', { ...before, seed: deriveSeed(seed, 'history'), startPrices: START_PRICES });
  const end = (points: PricePoint[]) => points[points.length - 1]?.price ?? 1;
  // Rescale so the history ends where the path starts; returns, and so volatility, are unchanged.
  const history = toTicks(past, { BTC: START_PRICES.BTC / end(past.BTC), ETH: START_PRICES.ETH / end(past.ETH) }).slice(0, -1);
  return { family, seed, ticks, history };
}
