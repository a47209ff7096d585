import { readFileSync } from 'node:fs';
import { isFieldError } from '../../shared/units/field-error.ts';
import type { Account } from '../../shared/engine/positions/account.ts';
import { applyVenueEvent, emptyAccountState, type AccountState } from '../../shared/engine/positions/account-state.ts';
import type { VenueEvent } from '../../shared/engine/positions/venue-events.ts';
import { parseAccountInput } from '../../shared/exchanges/parse-account-input.ts';
import { epochMs } from '../../shared/units/units.ts';
import { seededRandom } from '../market-paths/seeded-random.ts';

/**
 * What the live-path bench feeds: an account of `n` positions, one per symbol (every tenth isolated,
 * the rest in one cross pool near the Watch tier so that the policy looks ahead to Margin call on every
 * evaluation), and `seconds` of the venue's per-symbol mark frames as they arrive on the socket, each
 * at its own millisecond, every coin on its own seeded random walk. The tiers are the same three
 * brackets for every venue (examples/binance-cross.json): the bench measures the live path, not a
 * venue's table.
 */
export interface LiveBench {
  readonly account: Account;
  /** The feed's state once positions, balance and tiers are in (before any mark frame). */
  readonly feedState: AccountState;
  /** Frames per second of data, in arrival order, each with the time it arrives (ms). */
  readonly seconds: readonly (readonly BenchFrame[])[];
}

export interface BenchFrame {
  readonly text: string;
  readonly at: number;
}

export type BenchVenue = 'binance' | 'bybit' | 'okx' | 'hyperliquid';

/**
 * Each venue's per-symbol mark stream: how often it pushes (per symbol per second) and its frame.
 * Binance `<symbol>@markPrice@1s`: every second. Bybit `tickers.<symbol>`: every 100 ms for
 * derivatives (the delta carries the mark). OKX `mark-price`: every 200 ms while the mark moves.
 * Hyperliquid `activeAssetCtx`: taken as once a second (it follows the blocks; the frame has no time,
 * so the parser stamps its arrival).
 */
export const VENUE_STREAMS: Readonly<Record<BenchVenue, { readonly perSecond: number; readonly symbol: (i: number) => string; readonly frame: (symbol: string, price: string, at: number) => string }>> = {
  binance: {
    perSecond: 1,
    symbol: (i) => `C${String(i).padStart(3, '0')}USDT`,
    frame: (s, p, at) =>
      `{"stream":"${s.toLowerCase()}@markPrice@1s","data":{"e":"markPriceUpdate","E":${at},"s":"${s}","p":"${p}","i":"${p}","P":"${p}","r":"0.00010000","T":${LIVE_BENCH_START + 8 * 3_600_000}}}`,
  },
  bybit: {
    perSecond: 10,
    symbol: (i) => `C${String(i).padStart(3, '0')}USDT`,
    frame: (s, p, at) => `{"topic":"tickers.${s}","type":"delta","data":{"symbol":"${s}","markPrice":"${p}","indexPrice":"${p}","lastPrice":"${p}"},"cs":${at},"ts":${at}}`,
  },
  okx: {
    perSecond: 5,
    symbol: (i) => `C${String(i).padStart(3, '0')}-USDT-SWAP`,
    frame: (s, p, at) => `{"arg":{"channel":"mark-price","instId":"${s}"},"data":[{"instType":"SWAP","instId":"${s}","markPx":"${p}","ts":"${at}"}]}`,
  },
  hyperliquid: {
    perSecond: 1,
    symbol: (i) => `C${String(i).padStart(3, '0')}`,
    frame: (s, p) =>
      `{"channel":"activeAssetCtx","data":{"coin":"${s}","ctx":{"funding":"0.0000125","openInterest":"39338.76","prevDayPx":"${p}","dayNtlVlm":"3096053627.56","premium":"-0.0001","oraclePx":"${p}","markPx":"${p}","midPx":"${p}","impactPxs":["${p}","${p}"],"dayBaseVlm":"36757.56"}}}`,
  },
};

export const LIVE_BENCH_START = Date.UTC(2025, 9, 10, 0, 0);

/**
 * How the frames arrive: `perSecond` overrides the venue's rate per symbol (the latency bench pushes
 * 1,000 frames a second); `allSymbols` makes Binance's `!markPrice@arr@1s` stream, one frame a second
 * carrying the mark of every listed symbol, the account's `n` among them.
 */
export interface StreamOptions {
  readonly perSecond?: number;
  readonly allSymbols?: number;
}

/** Binance's all-symbol mark frame: one array of markPriceUpdate objects a second. */
const binanceArrayFrame = (marks: readonly { readonly symbol: string; readonly price: string }[], at: number): string =>
  `{"stream":"!markPrice@arr@1s","data":[${marks
    .map(({ symbol, price }) => `{"e":"markPriceUpdate","E":${at},"s":"${symbol}","p":"${price}","i":"${price}","P":"${price}","r":"0.00010000","T":${LIVE_BENCH_START + 8 * 3_600_000}}`)
    .join(',')}]}`;

export function liveBench(n: number, seconds: number, venue: BenchVenue = 'binance', seed = 11, options: StreamOptions = {}): LiveBench {
  const { account, feedState, second } = liveBenchStream(n, venue, seed, options);
  return { account, feedState, seconds: Array.from({ length: seconds }, (_, s) => second(s)) };
}

/** The same account and walks as `liveBench`, its frames made one second at a time (in order) for long runs. */
export function liveBenchStream(n: number, venue: BenchVenue = 'binance', seed = 11, options: StreamOptions = {}): Omit<LiveBench, 'seconds'> & { readonly second: (s: number) => BenchFrame[] } {
  const stream = VENUE_STREAMS[venue];
  const perSecond = options.perSecond ?? stream.perSecond;
  const universe = Math.max(n, options.allSymbols ?? 0);
  const brackets = JSON.parse(readFileSync(new URL('../../examples/binance-cross.json', import.meta.url), 'utf8'));
  const random = seededRandom(seed);
  const coins = Array.from({ length: n }, (_, i) => {
    const price = Number((5 * 1.07 ** (i % 60) * (1 + i / 7)).toPrecision(6));
    // 20k to 80k USDT of notional: the first and second bracket of the table.
    const qty = Number(((20_000 + 60_000 * random.next()) / price).toPrecision(4));
    return { symbol: stream.symbol(i), price, qty, side: i % 3 === 2 ? 'short' : 'long', isolated: i % 10 === 9 };
  });
  const doc = {
    exchange: venue,
    walletBalance: 1,
    positions: coins.map((c) => ({
      ...brackets.positions[0],
      symbol: c.symbol,
      qty: c.qty,
      entryPrice: c.price,
      markPrice: c.price,
      side: c.side,
      marginMode: c.isolated ? 'isolated' : 'cross',
      isolatedMargin: (c.qty * c.price) / 15,
      leverage: 15,
    })),
  };
  // Cross wallet for a pool rho of about 0.6 at the start: in Watch, Margin call ahead.
  const input0 = parseAccountInput(doc);
  if (isFieldError(input0)) throw new Error(`${input0.field}: ${input0.message}`);
  const crossMm = input0.account.positions.filter((p) => p.marginMode === 'cross').reduce((s, p) => s + p.qty * p.markPrice * 0.0045, 0);
  const input = parseAccountInput({ ...doc, walletBalance: Math.max(1, Math.round(crossMm / 0.6)) });
  if (isFieldError(input)) throw new Error(`${input.field}: ${input.message}`);
  const { account } = input;

  const t0 = epochMs(LIVE_BENCH_START - 1_000);
  const setup: VenueEvent[] = [
    {
      kind: 'positions', mode: 'snapshot', closed: [], time: t0,
      open: account.positions.map((p) => ({
        key: `${p.symbol}:${p.side}`, symbol: p.symbol, side: p.side, qty: p.qty, entryPrice: p.entryPrice, marginMode: p.marginMode, markPrice: p.markPrice,
        ...(p.isolatedMargin === undefined ? {} : { isolatedMargin: p.isolatedMargin }),
        ...(p.leverage === undefined ? {} : { leverage: p.leverage }),
      })),
    },
    { kind: 'balance', walletBalance: account.walletBalance, includesIsolatedMargin: false, time: t0 },
    { kind: 'tiers', fetchedAt: t0, tables: account.positions.map((p) => ({ symbol: p.symbol, table: p.tiers })) },
  ];
  const feedState = setup.reduce(applyVenueEvent, emptyAccountState(venue));

  // Unwatched symbols of the all-symbol frame walk too; they draw from their own generator so that the
  // watched coins' walks stay those of the per-symbol streams.
  const others = Array.from({ length: universe - n }, (_, i) => ({ symbol: stream.symbol(n + i), price: Number((3 * 1.05 ** (i % 80)).toPrecision(6)) }));
  const otherRandom = seededRandom(seed + 1);
  const prices = coins.map((c) => c.price);
  const otherPrices = others.map((c) => c.price);
  const every = 1_000 / perSecond;
  const second = (s: number): BenchFrame[] => {
    const frames: BenchFrame[] = [];
    if (options.allSymbols !== undefined) {
      coins.forEach((c, i) => (prices[i] = (prices[i] ?? c.price) * Math.exp(1.07e-4 * random.normal())));
      others.forEach((c, i) => (otherPrices[i] = (otherPrices[i] ?? c.price) * Math.exp(1.07e-4 * otherRandom.normal())));
      const at = LIVE_BENCH_START + s * 1_000 + Math.floor(random.next() * 50);
      const marks = [...coins.map((c, i) => ({ symbol: c.symbol, price: (prices[i] ?? c.price).toFixed(8) })), ...others.map((c, i) => ({ symbol: c.symbol, price: (otherPrices[i] ?? c.price).toFixed(8) }))];
      return [{ text: binanceArrayFrame(marks, at), at }];
    }
    for (let k = 0; k < perSecond; k += 1) {
      coins.forEach((c, i) => {
        // About 60 %/year of volatility per coin.
        prices[i] = (prices[i] ?? c.price) * Math.exp(1.07e-4 * Math.sqrt(1 / perSecond) * random.normal());
        const at = LIVE_BENCH_START + s * 1_000 + k * every + Math.floor(random.next() * every);
        frames.push({ text: stream.frame(c.symbol, (prices[i] ?? c.price).toFixed(8), at), at });
      });
    }
    frames.sort((a, b) => a.at - b.at);
    return frames;
  };
  return { account, feedState, second };
}
