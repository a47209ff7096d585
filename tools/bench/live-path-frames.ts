import { readFileSync } from 'node:fs';
import type { Account } from '../../shared/engine/positions/account.ts';
import { applyVenueEvent, emptyAccountState, type AccountState } from '../../shared/engine/positions/account-state.ts';
import type { VenueEvent } from '../../shared/engine/positions/venue-events.ts';
import { isInputError, parseAccountInput } from '../../shared/exchanges/parse-account-input.ts';
import { epochMs } from '../../shared/units/units.ts';
import { seededRandom } from '../market-paths/seeded-random.ts';

/**
 * What the live-path bench feeds: a Binance account of `n` positions, one per symbol (every tenth
 * isolated, the rest in one cross pool near the Watch tier so that the policy looks ahead to Margin
 * call on every evaluation), and `seconds` of the venue's per-symbol `<symbol>@markPrice@1s` frames as
 * they arrive on the socket: one frame per symbol per second, each at its own millisecond, every coin
 * on its own seeded random walk.
 */
export interface LiveBench {
  readonly account: Account;
  /** The feed's state once positions, balance and tiers are in (before any mark frame). */
  readonly feedState: AccountState;
  /** Frames per second of data, in arrival order. */
  readonly seconds: readonly (readonly string[])[];
}

export const LIVE_BENCH_START = Date.UTC(2025, 9, 10, 0, 0);

export function liveBench(n: number, seconds: number, seed = 11): LiveBench {
  const brackets = JSON.parse(readFileSync(new URL('../../examples/binance-cross.json', import.meta.url), 'utf8'));
  const random = seededRandom(seed);
  const coins = Array.from({ length: n }, (_, i) => {
    const price = Number((5 * 1.07 ** (i % 60) * (1 + i / 7)).toPrecision(6));
    // 20k to 80k USDT of notional: the first and second bracket of the table.
    const qty = Number(((20_000 + 60_000 * random.next()) / price).toPrecision(4));
    return { symbol: `C${String(i).padStart(3, '0')}USDT`, price, qty, side: i % 3 === 2 ? 'short' : 'long', isolated: i % 10 === 9 };
  });
  const doc = {
    exchange: 'binance',
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
    })),
  };
  // Cross wallet for a pool rho of about 0.6 at the start: in Watch, Margin call ahead.
  const input0 = parseAccountInput(doc);
  if (isInputError(input0)) throw new Error(`${input0.field}: ${input0.message}`);
  const crossMm = input0.account.positions.filter((p) => p.marginMode === 'cross').reduce((s, p) => s + p.qty * p.markPrice * 0.0045, 0);
  const input = parseAccountInput({ ...doc, walletBalance: Math.max(1, Math.round(crossMm / 0.6)) });
  if (isInputError(input)) throw new Error(`${input.field}: ${input.message}`);
  const { account } = input;

  const t0 = epochMs(LIVE_BENCH_START - 1_000);
  const setup: VenueEvent[] = [
    {
      kind: 'positions', mode: 'snapshot', closed: [], time: t0,
      open: account.positions.map((p) => ({
        key: `${p.symbol}:${p.side}`, symbol: p.symbol, side: p.side, qty: p.qty, entryPrice: p.entryPrice, marginMode: p.marginMode, markPrice: p.markPrice,
        ...(p.isolatedMargin === undefined ? {} : { isolatedMargin: p.isolatedMargin }),
      })),
    },
    { kind: 'balance', walletBalance: account.walletBalance, includesIsolatedMargin: false, time: t0 },
    { kind: 'tiers', fetchedAt: t0, tables: account.positions.map((p) => ({ symbol: p.symbol, table: p.tiers })) },
  ];
  const feedState = setup.reduce(applyVenueEvent, emptyAccountState('binance'));

  const prices = coins.map((c) => c.price);
  const frames: string[][] = [];
  for (let s = 0; s < seconds; s += 1) {
    const second = coins.map((c, i) => {
      // About 60 %/year of volatility per coin, sampled each second.
      prices[i] = (prices[i] ?? c.price) * Math.exp(1.07e-4 * random.normal());
      const E = LIVE_BENCH_START + s * 1_000 + Math.floor(random.next() * 1_000);
      const p = (prices[i] ?? c.price).toFixed(8);
      const frame = `{"stream":"${c.symbol.toLowerCase()}@markPrice@1s","data":{"e":"markPriceUpdate","E":${E},"s":"${c.symbol}","p":"${p}","i":"${p}","P":"${p}","r":"0.00010000","T":${LIVE_BENCH_START + 8 * 3_600_000}}}`;
      return { E, frame };
    });
    second.sort((a, b) => a.E - b.E);
    frames.push(second.map((f) => f.frame));
  }
  return { account, feedState, seconds: frames };
}
