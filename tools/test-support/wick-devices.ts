import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import { epochMs, price, type EpochMs, type Price } from '../../shared/units/units.ts';
import { scenarioMarket, type MarketCoin } from '../market-paths/scenarios.ts';
import { COIN_LISTINGS } from '../simulator/market/coins.ts';
import { demoAccountJson } from './replay-documents.ts';

/**
 * The simulator's wick (8 % down within a minute, back within three) fed to a monitor shard in-process,
 * at each venue's mark rate, to devices like the relay bench's: for tests and benches that step the
 * shard without sockets, threads or a store.
 */
export const WICK_T0 = 1_764_000_000_000;
const MIN = 60_000;
/** The wick begins about 10 min into the scenario; the relay bench's flash market loads 15 s before it. */
export const WICK_COLD_FROM_MS = WICK_T0 + 9.75 * MIN;
export const WICK_END_MS = WICK_T0 + 12.5 * MIN;
export const VENUE_MARK_MS: Readonly<Record<VenueId, number>> = { binance: 1_000, bybit: 100, okx: 200, hyperliquid: 500 };

const market = scenarioMarket('wick', { startMs: WICK_T0, stepMs: 100, durationMs: 13 * MIN, seed: 7 });
const COINS = Object.keys(market) as MarketCoin[];

/** Device i's size against the venue's demo account: 0.3 to ~1.96, spread over the devices. */
export const deviceScale = (i: number): number => 0.3 + ((i * 7919) % 1000) / 600;

/**
 * The venue's demo account scaled per device, plus two short positions: the relay load bench's devices
 * (which swap the two shorts of a Binance device for two of ~100 other perpetuals).
 */
export function wickDeviceAccount(i: number, venue: VenueId): Record<string, unknown> {
  type P = Record<string, unknown> & { qty: number; entryPrice: number; leverage: number; marginMode: string };
  const demo = demoAccountJson(venue) as { walletBalance: number; positions: P[] };
  const scale = deviceScale(i);
  const positions = demo.positions.map((p) => ({ ...p, qty: p.qty * scale, ...(p.marginMode === 'isolated' ? { isolatedMargin: (p.qty * scale * p.entryPrice) / p.leverage } : {}) }));
  const more = positions.slice(0, 2).map((p) =>
    venue === 'bybit' ? { ...p, side: 'short', qty: p.qty / 4 } : { ...p, side: 'short', marginMode: 'isolated', leverage: 10, qty: p.qty / 4, isolatedMargin: (p.qty / 4) * p.entryPrice / 10 },
  );
  return { ...demo, walletBalance: demo.walletBalance * scale * (0.9 + ((i * 31) % 20) / 100), positions: [...positions, ...more] };
}

/** N devices of one venue, one account each, as the shard's first load. */
export const wickDeviceLoads = (venue: VenueId, devices: number): { deviceId: string; body: string; monitors: null }[] =>
  Array.from({ length: devices }, (_, i) => ({
    deviceId: `d${i}`,
    body: JSON.stringify({ takenAtMs: WICK_T0, accounts: [{ accountId: `${venue}:main`, account: wickDeviceAccount(i, venue) }] }),
    monitors: null,
  }));

/** The feed's prices as the shard takes them (relay/watch/monitor-shard.ts, FeedPrices): marks only. */
export interface WickPrices {
  readonly marks: readonly (readonly [string, { readonly price: Price; readonly time: EpochMs }])[];
  readonly mids: readonly never[];
  readonly funding: readonly never[];
}

/** The venue's batches from `fromMs` to `toMs`: one a mark interval, every coin's mark in it, and the feed's prices then. */
export function* wickBatches(venue: VenueId, fromMs: number, toMs: number = WICK_END_MS): Generator<{ atMs: number; events: FeedEvent[]; prices: WickPrices }> {
  const symbol = (coin: MarketCoin): string => COIN_LISTINGS[coin][venue];
  for (let t = fromMs; t < toMs; t += VENUE_MARK_MS[venue]) {
    const at = (coin: MarketCoin): number => market[coin][Math.floor((t - WICK_T0) / 100)]!.price;
    const events: FeedEvent[] = COINS.map((c) => ({ kind: 'venue', event: { kind: 'mark', symbol: symbol(c), price: price(at(c)), time: epochMs(t), source: 'mark' } }));
    const marks = COINS.map((c) => [symbol(c), { price: price(at(c)), time: epochMs(t) }] as const);
    yield { atMs: t, events, prices: { marks, mids: [], funding: [] } };
  }
}
