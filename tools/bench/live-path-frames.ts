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

export function liveBench(n: number, seconds: number, venue: BenchVenue = 'binance', seed = 11): LiveBench {
  const stream = VENUE_STREAMS[venue];
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

  const prices = coins.map((c) => c.price);
  const frames: BenchFrame[][] = [];
  const every = 1_000 / stream.perSecond;
  for (let s = 0; s < seconds; s += 1) {
    const second: BenchFrame[] = [];
    for (let k = 0; k < stream.perSecond; k += 1) {
      coins.forEach((c, i) => {
        // About 60 %/year of volatility per coin.
        prices[i] = (prices[i] ?? c.price) * Math.exp(1.07e-4 * Math.sqrt(1 / stream.perSecond) * random.normal());
        const at = LIVE_BENCH_START + s * 1_000 + k * every + Math.floor(random.next() * every);
        second.push({ text: stream.frame(c.symbol, (prices[i] ?? c.price).toFixed(8), at), at });
      });
    }
    second.sort((a, b) => a.at - b.at);
    frames.push(second);
  }
  return { account, feedState, seconds: frames };
}
