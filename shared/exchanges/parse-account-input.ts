import { FieldRefusal } from '../units/field-refusal.ts';
import { buildTierTable, flatTierTable, type TierInput } from '../engine/margin/maintenance-tiers.ts';
import type { EvaluateOptions } from '../engine/margin/evaluate-account.ts';
import { VENUE_IDS, type Account, type Position, type TierTable, type VenueId } from '../engine/positions/account.ts';
import {
  isUnitError,
  parseFiniteNumber,
  parsePrice,
  parseQty,
  parseUsdt,
  price,
  qty,
  ratio,
  usdt,
  type UnitError,
} from '../units/units.ts';
import { defaultTakerFeeRate } from './venues.ts';

/**
 * The account document `calc` and `replay` read (README "The calc command"). Untrusted: every field is
 * checked here once, and a refusal names the field, so nothing downstream ever sees NaN or a
 * negative quantity.
 */
export interface AccountInput {
  readonly account: Account;
  readonly options: EvaluateOptions;
}

export interface InputError {
  readonly kind: 'input-error';
  /** Path of the bad field, e.g. `positions[1].markPrice`. */
  readonly field: string;
  readonly message: string;
}

export const isInputError = (v: unknown): v is InputError =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'input-error';


type Obj = Record<string, unknown>;

function objectAt(raw: unknown, field: string): Obj {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new FieldRefusal(field, 'expected an object');
  return raw as Obj;
}

function unit<T>(result: T | UnitError, field: string): T {
  if (isUnitError(result)) throw new FieldRefusal(field, result.message);
  return result;
}

function numberIn(raw: unknown, field: string, ok: (n: number) => boolean, rule: string): number {
  const n = unit(parseFiniteNumber(raw), field);
  if (!ok(n)) throw new FieldRefusal(field, `expected ${rule}, got ${n}`);
  return n;
}

function oneOf<T extends string>(raw: unknown, field: string, allowed: readonly T[]): T {
  if (typeof raw === 'string' && (allowed as readonly string[]).includes(raw)) return raw as T;
  throw new FieldRefusal(field, `expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(raw ?? null)?.slice(0, 40)}`);
}

function parseTiers(raw: unknown, field: string, basis: TierTable['basis']): TierTable {
  if (!Array.isArray(raw) || raw.length === 0) throw new FieldRefusal(field, 'expected a non-empty array of tiers');
  const rows: TierInput[] = raw.map((t, i) => {
    const f = `${field}[${i}]`;
    const o = objectAt(t, f);
    const floor = numberIn(o['floor'] ?? 0, `${f}.floor`, (n) => n >= 0, 'a floor >= 0');
    const mmr = numberIn(o['mmr'], `${f}.mmr`, (n) => n > 0 && n < 1, 'a maintenance rate in (0, 1)');
    const row: { floor: number; mmr: number; cap?: number; deduction?: number } = { floor, mmr };
    if (o['cap'] !== undefined && o['cap'] !== null) {
      row.cap = numberIn(o['cap'], `${f}.cap`, (n) => n > floor, `a cap above the floor ${floor}`);
    }
    if (o['deduction'] !== undefined && o['deduction'] !== null) {
      row.deduction = numberIn(o['deduction'], `${f}.deduction`, (n) => n >= 0, 'a deduction >= 0');
    }
    return row;
  });
  const floors = rows.map((r) => r.floor).sort((a, b) => a - b);
  if (floors[0] !== 0) throw new FieldRefusal(field, 'the first tier must start at floor 0');
  if (new Set(floors).size !== floors.length) throw new FieldRefusal(field, 'two tiers share a floor');
  return buildTierTable(rows, basis);
}

function parsePosition(raw: unknown, field: string, venue: VenueId): Position {
  const o = objectAt(raw, field);
  const symbol = o['symbol'];
  if (typeof symbol !== 'string' || symbol.trim() === '') throw new FieldRefusal(`${field}.symbol`, 'expected a non-empty string');
  const side = oneOf(o['side'], `${field}.side`, ['long', 'short'] as const);
  const size = unit(parseQty(o['qty']), `${field}.qty`);
  if (size <= 0) throw new FieldRefusal(`${field}.qty`, 'expected a quantity > 0');
  const marginMode = oneOf(o['marginMode'], `${field}.marginMode`, ['isolated', 'cross'] as const);
  const position: { -readonly [K in keyof Position]: Position[K] } = {
    symbol,
    side,
    qty: qty(size),
    entryPrice: price(unit(parsePrice(o['entryPrice']), `${field}.entryPrice`)),
    markPrice: price(unit(parsePrice(o['markPrice']), `${field}.markPrice`)),
    marginMode,
    tiers: flatTierTable(0.01),
    takerFeeRate: ratio(
      o['takerFeeRate'] === undefined
        ? defaultTakerFeeRate[venue]
        : numberIn(o['takerFeeRate'], `${field}.takerFeeRate`, (n) => n >= 0 && n < 0.1, 'a fee rate in [0, 0.1)'),
    ),
  };
  if (o['leverage'] !== undefined) {
    position.leverage = numberIn(o['leverage'], `${field}.leverage`, (n) => n > 0 && n <= 1000, 'a leverage in (0, 1000]');
  }
  if (o['accountType'] !== undefined) {
    if (venue !== 'bybit') throw new FieldRefusal(`${field}.accountType`, 'only Bybit positions have an account type');
    position.accountType = oneOf(o['accountType'], `${field}.accountType`, ['classic', 'unified'] as const);
  }
  if (marginMode === 'isolated') {
    if (o['isolatedMargin'] === undefined) throw new FieldRefusal(`${field}.isolatedMargin`, 'required for an isolated position');
    const margin = unit(parseUsdt(o['isolatedMargin']), `${field}.isolatedMargin`);
    if (margin < 0) throw new FieldRefusal(`${field}.isolatedMargin`, 'expected a margin >= 0');
    position.isolatedMargin = usdt(margin);
    if (venue === 'bybit' && position.accountType !== 'classic' && position.leverage === undefined) {
      throw new FieldRefusal(`${field}.leverage`, 'required for a Bybit isolated position (initial vs added margin)');
    }
  }
  const basis = oneOf(o['tierBasis'] ?? 'notional', `${field}.tierBasis`, ['notional', 'qty'] as const);
  if (o['tiers'] !== undefined) {
    position.tiers = parseTiers(o['tiers'], `${field}.tiers`, basis);
  } else if (venue === 'hyperliquid' && o['maxLeverage'] !== undefined) {
    const maxLev = numberIn(o['maxLeverage'], `${field}.maxLeverage`, (n) => n >= 1 && n <= 1000, 'a max leverage in [1, 1000]');
    position.tiers = flatTierTable(1 / (2 * maxLev));
  } else {
    throw new FieldRefusal(`${field}.tiers`, venue === 'hyperliquid' ? 'required (or maxLeverage)' : 'required');
  }
  return position;
}

function parseLevels(raw: unknown): number[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new FieldRefusal('callLevels', 'expected a non-empty array of levels');
  return raw.map((l, i) => numberIn(l, `callLevels[${i}]`, (n) => n > 0 && n < 1, 'a level in (0, 1)'));
}

/** Parses an account document; returns the account and options, or the first bad field. */
export function parseAccountInput(raw: unknown): AccountInput | InputError {
  try {
    const o = objectAt(raw, 'input');
    const exchange = oneOf(o['exchange'], 'exchange', VENUE_IDS);
    const walletBalance = usdt(numberIn(o['walletBalance'], 'walletBalance', () => true, 'an amount'));
    if (!Array.isArray(o['positions'])) throw new FieldRefusal('positions', 'expected an array');
    const positions = o['positions'].map((p, i) => parsePosition(p, `positions[${i}]`, exchange));
    const options: { callLevels?: number[]; target?: number } = {};
    if (o['callLevels'] !== undefined) options.callLevels = parseLevels(o['callLevels']);
    if (o['target'] !== undefined) {
      options.target = numberIn(o['target'], 'target', (n) => n > 0 && n <= 1, 'a target rho in (0, 1]');
    }
    return { account: { exchange, walletBalance, positions }, options };
  } catch (e) {
    if (e instanceof FieldRefusal) return { kind: 'input-error', field: e.field, message: e.message };
    throw e;
  }
}
