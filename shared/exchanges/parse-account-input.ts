import { flatTierTable, type TierInput } from '../engine/margin/maintenance-tiers.ts';
import { checkedTierTable } from '../engine/margin/tier-table-check.ts';
import type { EvaluateOptions } from '../engine/margin/evaluate-account.ts';
import { VENUE_IDS, type Account, type Position, type TierTable, type VenueId } from '../engine/positions/account.ts';
import { readFields, refuse, type FieldError } from '../units/field-error.ts';
import {
  at,
  checked,
  decimal,
  item,
  MAX_MONEY,
  name,
  nonEmptyArr,
  num,
  oneOf,
  priceOf,
  sizeOf,
  strictObj,
  arr,
  type FieldObject,
} from '../units/field-readers.ts';
import { qty, ratio, usdt } from '../units/units.ts';
import { defaultTakerFeeRate } from './venues.ts';

/**
 * The account document `calc` and `replay` read (README "The calc command"), and what a home's form
 * for a hand-entered account produces. Untrusted: every field is checked here once, through the same
 * readers and bounds as the venue parsers and the same tier-table check as the feed
 * (docs/input-validation.md), and a refusal names the field, so nothing downstream ever sees NaN, a
 * negative quantity, a falling tier table or a figure that overflows.
 */
export interface AccountInput {
  readonly account: Account;
  readonly options: EvaluateOptions;
}

const ACCOUNT_FIELDS = ['exchange', 'walletBalance', 'positions', 'callLevels', 'target'];
const POSITION_FIELDS = [
  'symbol',
  'side',
  'qty',
  'entryPrice',
  'markPrice',
  'marginMode',
  'takerFeeRate',
  'leverage',
  'accountType',
  'isolatedMargin',
  'tierBasis',
  'tiers',
  'maxLeverage',
];
const TIER_FIELDS = ['floor', 'cap', 'mmr', 'deduction'];

/** Defined and not null: an optional field the document gives. */
const given = (o: FieldObject, key: string): boolean => o[key] !== undefined && o[key] !== null;

/** A bounded figure: a tier bound or deduction in USDT (or base units for a qty-based table). */
const bound = (raw: unknown, path: string): number => num(raw, path, MAX_MONEY);

function tierRows(raw: unknown, path: string): TierInput[] {
  return nonEmptyArr(raw, path, 'tiers').map((t, i) => {
    const f = item(path, i);
    const o = strictObj(t, f, TIER_FIELDS);
    const floor = o['floor'] === undefined ? 0 : checked(bound(o['floor'], at(f, 'floor')), at(f, 'floor'), (n) => n >= 0, 'a floor >= 0');
    const mmr = checked(decimal(o['mmr'], at(f, 'mmr')), at(f, 'mmr'), (n) => n > 0 && n < 1, 'a maintenance rate in (0, 1)');
    return {
      floor,
      mmr,
      ...(given(o, 'cap') ? { cap: checked(bound(o['cap'], at(f, 'cap')), at(f, 'cap'), (n) => n > floor, `a cap above the floor ${floor}`) } : {}),
      ...(given(o, 'deduction') ? { deduction: checked(bound(o['deduction'], at(f, 'deduction')), at(f, 'deduction'), (n) => n >= 0, 'a deduction >= 0') } : {}),
    };
  });
}

/** The same check the feed applies to a venue's table: first floor 0, rising floors, no overlap, rates that do not fall. */
function tiersAt(raw: unknown, path: string, basis: TierTable['basis']): TierTable {
  const table = checkedTierTable(tierRows(raw, path), basis);
  return typeof table === 'string' ? refuse(path, table) : table;
}

function positionAt(raw: unknown, path: string, venue: VenueId): Position {
  const o = strictObj(raw, path, POSITION_FIELDS);
  const f = (key: string): string => at(path, key);
  // The venues' name reader (1..64 characters, no name every object has), and not blank: typed by hand.
  const symbol = name(o['symbol'], f('symbol'));
  if (symbol.trim() === '') refuse(f('symbol'), 'expected a name of 1..64 characters');
  const side = oneOf(o['side'], f('side'), ['long', 'short'] as const);
  const size = checked(sizeOf(o['qty'], f('qty')), f('qty'), (n) => n > 0, 'a quantity > 0');
  const marginMode = oneOf(o['marginMode'], f('marginMode'), ['isolated', 'cross'] as const);
  const position: { -readonly [K in keyof Position]: Position[K] } = {
    symbol,
    side,
    qty: qty(size),
    entryPrice: priceOf(o['entryPrice'], f('entryPrice')),
    markPrice: priceOf(o['markPrice'], f('markPrice')),
    marginMode,
    tiers: flatTierTable(0.01),
    takerFeeRate: ratio(
      o['takerFeeRate'] === undefined
        ? defaultTakerFeeRate[venue]
        : checked(decimal(o['takerFeeRate'], f('takerFeeRate')), f('takerFeeRate'), (n) => n >= 0 && n < 0.1, 'a fee rate in [0, 0.1)'),
    ),
  };
  if (o['leverage'] !== undefined) {
    position.leverage = checked(decimal(o['leverage'], f('leverage')), f('leverage'), (n) => n > 0 && n <= 1000, 'a leverage in (0, 1000]');
  }
  if (o['accountType'] !== undefined) {
    if (venue !== 'bybit') refuse(f('accountType'), 'only Bybit positions have an account type');
    position.accountType = oneOf(o['accountType'], f('accountType'), ['classic', 'unified'] as const);
  }
  if (marginMode === 'isolated') {
    if (o['isolatedMargin'] === undefined) refuse(f('isolatedMargin'), 'required for an isolated position');
    position.isolatedMargin = usdt(checked(num(o['isolatedMargin'], f('isolatedMargin'), MAX_MONEY), f('isolatedMargin'), (n) => n >= 0, 'a margin >= 0'));
    if (venue === 'bybit' && position.accountType !== 'classic' && position.leverage === undefined) {
      refuse(f('leverage'), 'required for a Bybit isolated position (initial vs added margin)');
    }
  }
  const basis = oneOf(o['tierBasis'] ?? 'notional', f('tierBasis'), ['notional', 'qty'] as const);
  if (o['tiers'] !== undefined) {
    position.tiers = tiersAt(o['tiers'], f('tiers'), basis);
  } else if (venue === 'hyperliquid' && o['maxLeverage'] !== undefined) {
    const maxLev = checked(decimal(o['maxLeverage'], f('maxLeverage')), f('maxLeverage'), (n) => n >= 1 && n <= 1000, 'a max leverage in [1, 1000]');
    position.tiers = flatTierTable(1 / (2 * maxLev));
  } else {
    refuse(f('tiers'), venue === 'hyperliquid' ? 'required (or maxLeverage)' : 'required');
  }
  return position;
}

function accountAt(raw: unknown): AccountInput {
  const o = strictObj(raw, '', ACCOUNT_FIELDS);
  const exchange = oneOf(o['exchange'], 'exchange', VENUE_IDS);
  const walletBalance = usdt(num(o['walletBalance'], 'walletBalance', MAX_MONEY));
  const positions = arr(o['positions'], 'positions').map((p, i) => positionAt(p, item('positions', i), exchange));
  const options: { callLevels?: number[]; target?: number } = {};
  if (o['callLevels'] !== undefined) {
    options.callLevels = nonEmptyArr(o['callLevels'], 'callLevels', 'levels').map((l, i) =>
      checked(decimal(l, item('callLevels', i)), item('callLevels', i), (n) => n > 0 && n < 1, 'a level in (0, 1)'),
    );
  }
  if (o['target'] !== undefined) {
    options.target = checked(decimal(o['target'], 'target'), 'target', (n) => n > 0 && n <= 1, 'a target rho in (0, 1]');
  }
  return { account: { exchange, walletBalance, positions }, options };
}

/** Parses an account document; returns the account and options, or the first bad field. */
export const parseAccountInput = (raw: unknown): AccountInput | FieldError => readFields(() => accountAt(raw));
