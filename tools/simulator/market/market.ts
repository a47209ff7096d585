import { priceAt } from '../../market-paths/price-at.ts';
import type { PricePoint } from '../../market-paths/price-path.ts';
import {
  DEFAULT_START_PRICES,
  scenarioMarket,
  type MarketCoin,
  type ScenarioName,
} from '../../market-paths/scenarios.ts';
import { deriveSeed } from '../../market-paths/seeded-random.ts';

/**
 * The market every venue quotes: one mark per coin at any sim time. The scenario covers the first
 * chunk (6 h of sim time, enough for any shape); later chunks continue calmly from where the last
 * one ended, so a long demo never runs out of prices. Chunks are built lazily and only the two most
 * recent are kept. All venues share the same mark (no cross-venue basis), which keeps tests exact.
 */
export interface Market {
  readonly startMs: number;
  readonly scenario: ScenarioName;
  mark(coin: MarketCoin, t: number): number;
  /** Index price: the mark less a small, steady basis (venues' marks sit a hair above index in contango). */
  index(coin: MarketCoin, t: number): number;
  /** Funding rate per interval, a fraction: small, positive, slowly varying. */
  fundingRate(coin: MarketCoin, t: number): number;
  /** Start-of-run price of a coin (the first point of the path). */
  startPrice(coin: MarketCoin): number;
}

export interface MarketOptions {
  readonly scenario: ScenarioName;
  readonly seed: number;
  readonly startMs: number;
  readonly stepMs?: number;
  readonly chunkMs?: number;
}

type Chunk = Record<MarketCoin, PricePoint[]>;

const HOUR = 3_600_000;
const FUNDING_PHASE: Readonly<Record<MarketCoin, number>> = { BTC: 0, ETH: 1.3, SOL: 2.6 };

export function createMarket(options: MarketOptions): Market {
  const stepMs = options.stepMs ?? 1000;
  const chunkMs = options.chunkMs ?? 6 * HOUR;
  const chunks = new Map<number, Chunk>();
  // Each chunk's last prices, kept forever (three numbers a chunk) so an evicted chunk can be rebuilt
  // from its predecessor's end without rebuilding the whole chain.
  const endPrices = new Map<number, Record<MarketCoin, number>>();

  const build = (index: number): Chunk => {
    if (index > 0 && !endPrices.has(index - 1)) build(index - 1);
    const previous = endPrices.get(index - 1);
    const built = scenarioMarket(index === 0 ? options.scenario : 'calm', {
      startMs: options.startMs + index * chunkMs,
      stepMs,
      durationMs: chunkMs,
      seed: index === 0 ? options.seed : deriveSeed(options.seed, `chunk-${index}`),
      startPrices: previous ?? DEFAULT_START_PRICES,
    });
    const last = (c: MarketCoin): number => built[c].at(-1)?.price ?? DEFAULT_START_PRICES[c];
    endPrices.set(index, { BTC: last('BTC'), ETH: last('ETH'), SOL: last('SOL') });
    return built;
  };

  // A day of history (Bybit's 24 h figures, Hyperliquid's prevDayPx) spans up to five chunks.
  const chunkAt = (index: number): Chunk => {
    const cached = chunks.get(index);
    if (cached !== undefined) return cached;
    const built = build(index);
    chunks.set(index, built);
    for (const key of chunks.keys()) if (Math.abs(key - index) > 5) chunks.delete(key);
    return built;
  };

  const mark = (coin: MarketCoin, t: number): number => {
    const index = Math.max(0, Math.floor((t - options.startMs) / chunkMs));
    return priceAt(chunkAt(index)[coin], t);
  };

  return {
    startMs: options.startMs,
    scenario: options.scenario,
    mark,
    index: (coin, t) => mark(coin, t) * (1 - 0.0002),
    fundingRate: (coin, t) => 0.0001 + 0.00004 * Math.sin((2 * Math.PI * (t - options.startMs)) / (8 * HOUR) + FUNDING_PHASE[coin]),
    startPrice: (coin) => priceAt(chunkAt(0)[coin], options.startMs),
  };
}

