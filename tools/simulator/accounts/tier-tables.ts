import type { MarketCoin } from '../../market-paths/scenarios.ts';

/**
 * Maintenance tiers the simulator serves and liquidates by, one table per venue and coin, in each
 * venue's own terms (venues/<venue>/figures.ts reads them; the engine gets them only through the wire). BTCUSDT on Binance is the real bracket table (shared/exchanges/binance/fixtures/
 * binance-rest-leverageBracket.freqtrade-snapshot-BTCUSDT.json, first seven brackets); BTCUSDT on
 * Bybit starts with the live risk limits (shared/exchanges/bybit/fixtures/
 * bybit-rest-risk-limit-linear-result.live-capture.json);
 * Hyperliquid's tables are the live `meta` capture. The rest are plausible tables of the same shape:
 * venues change them often, so no client may hard-code them (docs/margin-math.md §0, caution 4).
 */

/** A notional-based tier: floor <= notional < cap (USDT). */
export interface NotionalTier {
  readonly floor: number;
  readonly cap: number;
  readonly mmr: number;
  readonly maxLeverage: number;
}

const tiersFrom = (caps: readonly [cap: number, mmr: number, maxLeverage: number][]): NotionalTier[] =>
  caps.map(([cap, mmr, maxLeverage], i) => ({ floor: i === 0 ? 0 : (caps[i - 1]?.[0] ?? 0), cap, mmr, maxLeverage }));

export const BINANCE_BRACKETS: Readonly<Record<MarketCoin, readonly NotionalTier[]>> = {
  BTC: tiersFrom([[50_000, 0.004, 125], [600_000, 0.005, 100], [3_000_000, 0.0065, 75], [12_000_000, 0.01, 50], [70_000_000, 0.02, 25], [100_000_000, 0.025, 20], [230_000_000, 0.05, 10]]),
  ETH: tiersFrom([[50_000, 0.005, 100], [600_000, 0.0065, 75], [3_000_000, 0.01, 50], [12_000_000, 0.02, 25], [50_000_000, 0.05, 10]]),
  SOL: tiersFrom([[25_000, 0.01, 50], [100_000, 0.015, 25], [1_000_000, 0.025, 20], [5_000_000, 0.05, 10], [10_000_000, 0.1, 5]]),
};

/**
 * Bybit states an initial-margin rate per tier; live tables keep it at twice the maintenance rate and
 * maxLeverage ≈ 1 / initialMargin (tier 1 of BTCUSDT: 0.0033 / 0.0066 / 150x).
 */
export const BYBIT_RISK_LIMITS: Readonly<Record<MarketCoin, readonly NotionalTier[]>> = {
  BTC: tiersFrom([[300_000, 0.0033, 150], [2_000_000, 0.005, 100], [3_800_000, 0.00665, 75], [5_600_000, 0.01, 50], [7_400_000, 0.0125, 40]]),
  ETH: tiersFrom([[200_000, 0.005, 100], [1_400_000, 0.00665, 75], [2_600_000, 0.01, 50], [3_800_000, 0.0125, 40]]),
  SOL: tiersFrom([[100_000, 0.01, 50], [300_000, 0.01665, 30], [500_000, 0.02, 25], [700_000, 0.025, 20]]),
};

/** OKX tiers count contracts: minSz < |pos| <= maxSz (tier 1 starts at 0). */
export interface ContractTier {
  readonly maxSz: number;
  readonly mmr: number;
  readonly imr: number;
  readonly maxLever: number;
}

export const OKX_POSITION_TIERS: Readonly<Record<MarketCoin, readonly ContractTier[]>> = {
  BTC: [
    { maxSz: 2_000, mmr: 0.004, imr: 0.008, maxLever: 125 },
    { maxSz: 4_000, mmr: 0.005, imr: 0.01, maxLever: 100 },
    { maxSz: 20_000, mmr: 0.008, imr: 0.0133, maxLever: 75 },
    { maxSz: 40_000, mmr: 0.01, imr: 0.02, maxLever: 50 },
  ],
  ETH: [
    { maxSz: 5_000, mmr: 0.005, imr: 0.01, maxLever: 100 },
    { maxSz: 10_000, mmr: 0.008, imr: 0.0133, maxLever: 75 },
    { maxSz: 50_000, mmr: 0.01, imr: 0.02, maxLever: 50 },
  ],
  SOL: [
    { maxSz: 20_000, mmr: 0.01, imr: 0.02, maxLever: 50 },
    { maxSz: 100_000, mmr: 0.015, imr: 0.0333, maxLever: 30 },
    { maxSz: 400_000, mmr: 0.02, imr: 0.05, maxLever: 20 },
  ],
};

/** Hyperliquid margin tables as `meta` sends them (ids 54-56 from the live capture). */
export interface HlMarginTable {
  readonly id: number;
  readonly description: string;
  readonly marginTiers: readonly { readonly lowerBound: number; readonly maxLeverage: number }[];
}

export const HL_MARGIN_TABLES: Readonly<Record<MarketCoin, HlMarginTable>> = {
  BTC: { id: 56, description: 'tiered 40x', marginTiers: [{ lowerBound: 0, maxLeverage: 40 }, { lowerBound: 150_000_000, maxLeverage: 20 }] },
  ETH: { id: 55, description: 'tiered 25x', marginTiers: [{ lowerBound: 0, maxLeverage: 25 }, { lowerBound: 100_000_000, maxLeverage: 15 }] },
  SOL: { id: 54, description: 'tiered 20x (2)', marginTiers: [{ lowerBound: 0, maxLeverage: 20 }, { lowerBound: 70_000_000, maxLeverage: 10 }] },
};

/** Maintenance deduction of each notional tier by the recursion of docs/margin-math.md §1 (Binance `cum`, Bybit `mmDeduction`). */
export function deductions(tiers: readonly NotionalTier[]): number[] {
  const out: number[] = [];
  tiers.forEach((t, i) => {
    const prev = tiers[i - 1];
    out.push(prev === undefined ? 0 : (out[i - 1] ?? 0) + t.floor * (t.mmr - prev.mmr));
  });
  return out;
}
