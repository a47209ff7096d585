import { buildTierTable } from '../../shared/engine/margin/maintenance-tiers.ts';
import type { TierTable } from '../../shared/engine/positions/account.ts';
import { readFileSync } from 'node:fs';
import { parseJsonWithComments } from './shared-design.ts';

/** The repository's copies of the team's bracket payloads (shared/exchanges/binance/fixtures/README.md). */
export const BRACKET_COPIES = {
  btcusdt: ['leverage-bracket-btcusdt.freqtrade-snapshot.json', 'binance-rest-leverageBracket.freqtrade-snapshot-BTCUSDT.json'],
  ethusdt: ['leverage-bracket.doc-example-zh.jsonc', 'binance-rest-leverageBracket.doc-example-zh.jsonc'],
} as const;

const readCopy = (name: string): unknown =>
  parseJsonWithComments(readFileSync(new URL(`../../shared/exchanges/binance/fixtures/${name}`, import.meta.url), 'utf8'));

/**
 * Real Binance bracket tables from the team's fixtures, so tests and the backtest use the exchange's
 * own numbers rather than made-up ones (fixtures/README.md: "Brackets change over time - do not
 * hard-code").
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
  const raw = readCopy(BRACKET_COPIES.btcusdt[0]) as Record<string, Array<{ info: RawBracket }>>;
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
  const raw = readCopy(BRACKET_COPIES.ethusdt[0]) as Array<{ symbol: string; brackets: RawBracket[] }>;
  const eth = raw.find((r) => r.symbol === 'ETHUSDT');
  const first = eth?.brackets[0];
  if (first === undefined) throw new Error('fixture without an ETHUSDT bracket');
  return buildTierTable([{ floor: 0, mmr: Number(first.maintMarginRatio), deduction: Number(first.cum) }]);
}
