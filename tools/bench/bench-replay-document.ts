import { readFileSync } from 'node:fs';
import { scenarioPath } from '../market-paths/scenarios.ts';

/**
 * The replay document the speed requirement of issue 5 talks about: ten thousand ticks for a
 * five-position Binance account (4 cross, 1 isolated, 3 brackets each), every symbol in every tick, one
 * second apart, each coin on its own seeded `crash` path so that alerts fire along the way. The bench
 * times it; `write-replay-document.ts` writes it out for `time npm run -s replay`.
 */
export const BENCH_TICKS = 10_000;
const START = Date.UTC(2025, 9, 10, 0, 0);

export const BENCH_COINS = [
  { symbol: 'BTCUSDT', price: 97_000, qty: 0.3 },
  { symbol: 'ETHUSDT', price: 3_400, qty: 6 },
  { symbol: 'SOLUSDT', price: 190, qty: 80 },
  { symbol: 'XRPUSDT', price: 2.4, qty: 6_000 },
  { symbol: 'DOGEUSDT', price: 0.3, qty: 40_000 },
] as const;

export type BenchTick = [number, Record<string, number>];

export function benchReplayDocument(): { account: Record<string, unknown>; ticks: BenchTick[] } {
  const brackets = JSON.parse(readFileSync(new URL('../../examples/binance-cross.json', import.meta.url), 'utf8'));
  const account = {
    exchange: 'binance',
    walletBalance: 9_000,
    positions: BENCH_COINS.map((c, i) => ({
      ...brackets.positions[0],
      symbol: c.symbol,
      qty: c.qty,
      entryPrice: c.price,
      markPrice: c.price,
      side: i % 2 === 0 ? 'long' : 'short',
      marginMode: i === 4 ? 'isolated' : 'cross',
      isolatedMargin: 1_500,
    })),
  };
  const paths = BENCH_COINS.map((c, i) =>
    scenarioPath('crash', { startPrice: c.price, startMs: START, stepMs: 1_000, durationMs: BENCH_TICKS * 1_000, seed: 100 + i }),
  );
  const ticks = Array.from(
    { length: BENCH_TICKS },
    (_, k): BenchTick => [START + k * 1_000, Object.fromEntries(BENCH_COINS.map((c, i) => [c.symbol, paths[i]?.[k]?.price ?? c.price]))],
  );
  return { account, ticks };
}
