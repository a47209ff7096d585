import { buildTierTable } from '../../shared/engine/margin/maintenance-tiers.ts';
import type { TierTable } from '../../shared/engine/positions/account.ts';
import { readFixtureJson } from './shared-design.ts';

/**
 * Real Binance bracket tables from the payloads in shared/exchanges/binance/fixtures/, so tests and the
 * backtest use the exchange's own numbers rather than made-up ones (brackets change over time: a
 * client fetches them, never hard-codes them).
 */

interface RawBracket {
  readonly notionalFloor: string | number;
  readonly notionalCap: string | number;
  readonly maintMarginRatio: string | number;
  readonly cum: string | number;
}

const toTable = (brackets: readonly RawBracket[]): TierTable =>
  buildTierTable(
    brackets.map((b) => ({ floor: Number(b.notionalFloor), cap: Number(b.notionalCap), mmr: Number(b.maintMarginRatio), deduction: Number(b.cum) })),
  );

/** BTCUSDT: the freqtrade snapshot of GET /fapi/v1/leverageBracket (raw Binance objects under `info`). */
export function btcusdtBrackets(): TierTable {
  const raw = readFixtureJson('binance-rest-leverageBracket.freqtrade-snapshot-BTCUSDT.json') as Record<string, Array<{ info: RawBracket }>>;
  const rows = raw['BTC/USDT:USDT'];
  if (rows === undefined) throw new Error('fixture without BTC/USDT:USDT');
  return toTable(rows.map((r) => r.info));
}

/**
 * ETHUSDT: the Binance doc example (zh-CN) shows only the first bracket (0 to 10,000 at 0.65 %), so the
 * table is that bracket extended flat. That is stricter than the real ETH table for large notionals,
 * which errs towards more risk, never less.
 */
export function ethusdtBrackets(): TierTable {
  const raw = readFixtureJson('binance-rest-leverageBracket.doc-example-zh.jsonc') as Array<{ symbol: string; brackets: RawBracket[] }>;
  const eth = raw.find((r) => r.symbol === 'ETHUSDT');
  const first = eth?.brackets[0];
  if (first === undefined) throw new Error('fixture without an ETHUSDT bracket');
  return buildTierTable([{ floor: 0, mmr: Number(first.maintMarginRatio), deduction: Number(first.cum) }]);
}
