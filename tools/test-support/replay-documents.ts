import type { Account, Position, VenueId } from '../../shared/engine/positions/account.ts';
import { defaultTakerFeeRate } from '../../shared/exchanges/venues.ts';
import { price, qty, ratio, usdt } from '../../shared/units/units.ts';
import { DEFAULT_START_PRICES, MARKET_COINS, scenarioMarket, type MarketCoin, type ScenarioName } from '../market-paths/scenarios.ts';
import { DEMO_ACCOUNTS } from '../simulator/accounts/demo-accounts.ts';
import { BINANCE_BRACKETS } from '../simulator/accounts/tier-tables.ts';
import { COIN_LISTINGS } from '../simulator/market/coins.ts';
import { engineTiers } from './engine-view.ts';
import { accountDocument } from '../../shared/protocol/account-document.ts';

/**
 * Replay documents built from the simulator's scenarios: the Binance demo account (the one the
 * `crash` scenario walks through every tier into liquidation), in the calc account format with the
 * simulator's Binance brackets, and the scenario's marks under Binance's symbol names.
 */

export type Series = Array<[number, Record<string, number>]>;

/** The Binance demo account as the calc command takes it, opened at the scenario's start prices. */
export function binanceDemoAccountJson(): Record<string, unknown> {
  const demo = DEMO_ACCOUNTS.binance;
  return {
    exchange: 'binance',
    walletBalance: demo.walletBalance,
    positions: demo.positions.map((p) => {
      const mark = DEFAULT_START_PRICES[p.coin];
      return {
        symbol: COIN_LISTINGS[p.coin].binance,
        side: p.side,
        qty: p.qty,
        entryPrice: mark,
        markPrice: mark,
        marginMode: p.marginMode,
        leverage: p.leverage,
        ...(p.marginMode === 'isolated' ? { isolatedMargin: (p.qty * mark) / p.leverage } : {}),
        tiers: BINANCE_BRACKETS[p.coin].map((t) => ({ floor: t.floor, cap: t.cap, mmr: t.mmr })),
      };
    }),
  };
}

/**
 * A venue's demo account (the simulator's, opened at the scenario's start prices) in the calc format,
 * under the venue's own symbols (BTCUSDT, BTC-USDT-SWAP, BTC) and tier tables as its wire serves them:
 * what a phone would send the relay for that venue.
 */
export function demoAccountJson(venue: VenueId): Record<string, unknown> {
  const demo = DEMO_ACCOUNTS[venue];
  return accountJsonOf({
    exchange: venue,
    walletBalance: usdt(demo.walletBalance),
    positions: demo.positions.map((p): Position => {
      const mark = DEFAULT_START_PRICES[p.coin];
      return {
        symbol: COIN_LISTINGS[p.coin][venue],
        side: p.side,
        qty: qty(p.qty),
        entryPrice: price(mark),
        markPrice: price(mark),
        marginMode: p.marginMode,
        ...(p.marginMode === 'isolated' ? { isolatedMargin: usdt((p.qty * mark) / p.leverage) } : {}),
        leverage: p.leverage,
        ...(venue === 'bybit' ? { accountType: 'unified' as const } : {}),
        tiers: engineTiers(venue, p.coin),
        takerFeeRate: ratio(defaultTakerFeeRate[venue]),
      };
    }),
  });
}

/** Any account in the calc format (what a home would write out to replay later): the homes' own writer. */
export const accountJsonOf = (account: Account): Record<string, unknown> => ({ ...accountDocument(account) });

export interface MarketSpan {
  readonly startMs: number;
  readonly stepMs: number;
  readonly durationMs: number;
  readonly seed: number;
}

/** Rounds a price to the venue's tick, as the wire would carry it. */
const onTick = (coin: MarketCoin, price: number): number => Number(price.toFixed(COIN_LISTINGS[coin].priceDecimals));

/**
 * The scenario's marks for BTC, ETH and SOL on one grid: `together` puts every symbol of an instant in
 * one tick, otherwise each mark is its own tick (as a feed delivers them, one event at a time).
 */
export function scenarioSeries(name: ScenarioName, span: MarketSpan, together = true): Series {
  const market = scenarioMarket(name, span);
  const out: Series = [];
  (market.BTC).forEach((point, i) => {
    const marks = MARKET_COINS.map((coin) => [COIN_LISTINGS[coin].binance, onTick(coin, market[coin][i]?.price ?? point.price)] as const);
    if (together) out.push([point.t, Object.fromEntries(marks)]);
    else for (const [symbol, price] of marks) out.push([point.t, { [symbol]: price }]);
  });
  return out;
}

export const CRASH_START = Date.UTC(2025, 9, 10, 21, 0);

/**
 * The document behind examples/replay-crash.json: one hour of the crash scenario at 5 s marks, after
 * an hour of calm minute marks to warm the volatility estimate.
 */
export function crashReplayDocument(): Record<string, unknown> {
  const hour = 3_600_000;
  const calm = scenarioSeries('calm', { startMs: CRASH_START - hour, stepMs: 60_000, durationMs: hour - 60_000, seed: 41 });
  return {
    accountId: 'binance:demo',
    account: binanceDemoAccountJson(),
    history: calm,
    ticks: scenarioSeries('crash', { startMs: CRASH_START, stepMs: 5_000, durationMs: hour, seed: 42 }),
  };
}

/**
 * A replay document as text, one tick per line (diffable, still plain JSON). The example is written with
 *   npx tsx -e 'import("./test-support/replay-documents.ts").then((m) => process.stdout.write(m.replayDocumentText(m.crashReplayDocument())))' > examples/replay-crash.json
 */
/** Puts every object that holds no object or array on one line: `{ "floor": 0, "mmr": 0.004 }`. */
const flatLeaves = (json: string): string => json.replace(/\{\n\s+([^{}[\]]*?)\n\s*\}/g, (_m, body: string) => `{ ${body.replace(/\n\s+/g, ' ')} }`);

export function replayDocumentText(document: Record<string, unknown>): string {
  const lines = Object.entries(document).map(([key, value]) =>
    Array.isArray(value) && Array.isArray(value[0])
      ? `  ${JSON.stringify(key)}: [\n${value.map((v) => `    ${JSON.stringify(v)}`).join(',\n')}\n  ]`
      : `  ${JSON.stringify(key)}: ${flatLeaves(JSON.stringify(value, null, 2)).replace(/\n/g, '\n  ')}`,
  );
  return `{\n${lines.join(',\n')}\n}\n`;
}
