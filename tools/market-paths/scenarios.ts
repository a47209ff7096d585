import { price } from '../../shared/units/units.ts';
import { pricePath, type PricePathParams, type PricePoint, type ShockSource } from './price-path.ts';
import { crashOffset, trendOffset, wickOffset } from './scenario-shapes.ts';
import { deriveSeed, seededRandom, type SeededRandom } from './seeded-random.ts';

/**
 * Named, seeded market scenarios. Each is calm noise (GBM with clustering and small jumps) plus a
 * deterministic shape (scenario-shapes.ts). `disconnects` and `garbage` are calm markets: the
 * simulator adds the misbehaviour, the price path does not.
 */
export const SCENARIO_NAMES = ['calm', 'trend', 'crash', 'wick', 'disconnects', 'garbage'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export const isScenarioName = (s: string): s is ScenarioName => (SCENARIO_NAMES as readonly string[]).includes(s);

export const SCENARIO_DESCRIPTIONS: Readonly<Record<ScenarioName, string>> = {
  calm: 'sideways market, ~50 %/yr volatility with clustering and rare small jumps',
  trend: 'calm noise on a steady 1 %/hour decline',
  crash: 'calm until 5 min, then a 12 % fall over 45 min, then a settle to about -8 %',
  wick: 'calm, then at 10 min an 8 % spike down in 1 min and back within 3 min',
  disconnects: 'calm market; the simulator drops connections at random (seeded)',
  garbage: 'calm market; the simulator mixes malformed frames into its streams',
};

export interface ScenarioOptions {
  readonly startPrice: number;
  readonly startMs: number;
  readonly stepMs: number;
  readonly durationMs: number;
  readonly seed: number;
}

/** The noise under every scenario; volatility is annualised, jumps are rare and small. */
const CALM_NOISE = {
  sigmaAnnual: 0.5,
  clustering: { alpha: 0.05, beta: 0.94 },
  jumps: { perDay: 3, meanLog: 0, sdLog: 0.003 },
} as const;

const shapeOf = (name: ScenarioName): ((sinceStartMs: number) => number) => {
  switch (name) {
    case 'crash':
      return crashOffset;
    case 'wick':
      return wickOffset;
    case 'trend':
      return trendOffset;
    case 'calm':
    case 'disconnects':
    case 'garbage':
      return () => 0;
  }
};

/** One deterministic path for a scenario: same name, options and seed give the same points. */
export function scenarioPath(name: ScenarioName, options: ScenarioOptions): PricePoint[] {
  return shapedPath(name, options, 1, seededRandom(options.seed));
}

/** The coins the simulator and the backtest trade; every venue lists them. */
export const MARKET_COINS = ['BTC', 'ETH', 'SOL'] as const;
export type MarketCoin = (typeof MARKET_COINS)[number];

/** Start prices near late-2025 levels, so tier tables and lot sizes look like the real ones. */
export const DEFAULT_START_PRICES: Readonly<Record<MarketCoin, number>> = { BTC: 97_000, ETH: 3_400, SOL: 190 };

/** Alts move more than BTC: their noise is scaled by this (the shapes are the same for every coin). */
const NOISE_SCALE: Readonly<Record<MarketCoin, number>> = { BTC: 1, ETH: 1.25, SOL: 1.6 };

/** Correlation of the coins' diffusion shocks with the shared market factor. */
export const MARKET_CORRELATION = 0.8;

export interface MarketOptions {
  readonly startMs: number;
  readonly stepMs: number;
  readonly durationMs: number;
  readonly seed: number;
  readonly startPrices?: Partial<Readonly<Record<MarketCoin, number>>>;
}

/**
 * Paths for BTC, ETH and SOL on the same time grid, their shocks correlated through one market
 * factor (correlation MARKET_CORRELATION), each with the scenario's shape. Each coin draws its own
 * shocks from a sub-stream of the seed, so the result does not depend on the order coins are built.
 */
export function scenarioMarket(name: ScenarioName, options: MarketOptions): Record<MarketCoin, PricePoint[]> {
  const steps = stepCount(options);
  const marketRng = seededRandom(deriveSeed(options.seed, 'market'));
  const marketShocks = Array.from({ length: steps }, () => marketRng.normal());
  const own = Math.sqrt(1 - MARKET_CORRELATION * MARKET_CORRELATION);
  const build = (coin: MarketCoin): PricePoint[] => {
    const rng = seededRandom(deriveSeed(options.seed, coin));
    const shock: ShockSource = (i) => MARKET_CORRELATION * (marketShocks[i] ?? 0) + own * rng.normal();
    const startPrice = options.startPrices?.[coin] ?? DEFAULT_START_PRICES[coin];
    return shapedPath(name, { ...options, startPrice }, NOISE_SCALE[coin], rng, shock);
  };
  return { BTC: build('BTC'), ETH: build('ETH'), SOL: build('SOL') };
}

function stepCount(o: { stepMs: number; durationMs: number }): number {
  if (!(o.stepMs >= 1 && o.durationMs >= 0)) throw new RangeError('scenario: stepMs >= 1 and durationMs >= 0 required');
  return Math.floor(o.durationMs / o.stepMs);
}

function shapedPath(
  name: ScenarioName,
  o: ScenarioOptions,
  noiseScale: number,
  rng: SeededRandom,
  shock?: ShockSource,
): PricePoint[] {
  const params: PricePathParams = {
    startPrice: o.startPrice,
    startMs: o.startMs,
    stepMs: o.stepMs,
    steps: stepCount(o),
    sigmaAnnual: CALM_NOISE.sigmaAnnual * noiseScale,
    clustering: CALM_NOISE.clustering,
    jumps: { ...CALM_NOISE.jumps, sdLog: CALM_NOISE.jumps.sdLog * noiseScale },
  };
  const noise = pricePath(params, rng, shock);
  const shape = shapeOf(name);
  return noise.map((p) => ({ t: p.t, price: price(p.price * Math.exp(shape(p.t - o.startMs))) }));
}
