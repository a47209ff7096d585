import {
  guardParse,
  malformed,
  parsed,
  unknownFrame,
  type ParseResult,
  type VenueEvent,
  type VenuePosition,
} from '../../engine/positions/venue-events.ts';
import type { ParseContext, RestCall } from '../../ports/venue-adapter.ts';
import { checkedTierTable } from '../../engine/margin/tier-table-check.ts';
import type { TierTable } from '../../engine/positions/account.ts';
import { refuse } from '../../units/field-error.ts';
import { epochMs, qty, type EpochMs } from '../../units/units.ts';
import {
  arr,
  at,
  epochOf,
  field,
  isBlank,
  leverageOf,
  moneyOf,
  name,
  num,
  obj,
  oneOf,
  optional,
  parseJsonText,
  priceOf,
  signedRateOf,
  signedSizeOf,
  sizeOf,
  str,
  type FieldObject,
} from '../../units/field-readers.ts';
import { hyperliquidTierRows, type MarginTier } from './margin.ts';

/**
 * Hyperliquid frames and info replies to normalised events.
 * Docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api (pages named per parser).
 */

/**
 * Subscriptions › activeAssetCtx, https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket/subscriptions
 *   {"channel":"activeAssetCtx","data":{"coin":"BTC","ctx":{"funding":"0.0000125","markPx":"83757.0","oraclePx":"83778.1"}}}
 * No time in the frame: the receive time stands in. `funding` is the hourly rate of the payment made
 * on the next full hour (Hyperliquid pays funding every hour, https://hyperliquid.gitbook.io/hyperliquid-docs/trading/funding),
 * so the next funding time is that hour.
 */
const HOUR_MS = 3_600_000;

function activeAssetCtx(data: FieldObject, now: EpochMs): VenueEvent[] {
  const ctx = field(data, 'ctx', 'data', obj);
  const funding = optional(ctx, 'funding', 'data.ctx', signedRateOf);
  return [
    {
      kind: 'mark',
      symbol: field(data, 'coin', 'data', name),
      price: field(ctx, 'markPx', 'data.ctx', priceOf),
      time: now,
      source: 'mark',
      ...(funding === undefined ? {} : { fundingRate: funding, nextFundingTime: epochMs(Math.floor(now / HOUR_MS + 1) * HOUR_MS) }),
    },
  ];
}

/**
 * Subscriptions › allMids: `{"channel":"allMids","data":{"mids":{"BTC":"83757.5"}}}`. Mid prices, not
 * marks: tagged `mid`, a stand-in until the coin's activeAssetCtx speaks. Spot pairs (`@1`) are skipped.
 */
function allMids(data: FieldObject, now: EpochMs): VenueEvent[] {
  const mids = field(data, 'mids', 'data', obj);
  return Object.entries(mids)
    .filter(([coin]) => !coin.startsWith('@'))
    .map(([coin, mid]): VenueEvent => ({ kind: 'mark', symbol: name(coin, 'data.mids'), price: priceOf(mid, `data.mids.${coin}`), time: now, source: 'mid' }));
}

/**
 * Info › clearinghouseState, https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint/perpetuals
 * (the subscription sends the same state, possibly wrapped as `{dex, user, clearinghouseState}`)
 *   {"assetPositions":[{"type":"oneWay","position":{"coin":"ETH","szi":"0.0335","entryPx":"2986.3",
 *    "leverage":{"type":"isolated","value":20,"rawUsd":"-95.059824"},"positionValue":"100.02765",
 *    "unrealizedPnl":"-0.0134","marginUsed":"4.967826","liquidationPx":"2866.26936529","maxLeverage":50}}],
 *    "crossMarginSummary":{"accountValue":"13104.514502"},"time":1708622398623}
 * Every push is the whole state, so it is a snapshot. Conversions (docs/margin-math.md §5.1):
 * - isolated margin without PnL = marginUsed - unrealizedPnl (marginUsed = rawUsd + positionValue);
 * - cross wallet = cross accountValue - the cross positions' unrealised PnL;
 * - the mark = positionValue / |szi| (the state has no mark field).
 */
function clearinghouse(state: FieldObject, now: EpochMs): VenueEvent[] {
  const time = optional(state, 'time', '', epochOf) ?? now;
  const open: VenuePosition[] = [];
  let crossPnl = 0;
  field(state, 'assetPositions', '', arr).forEach((raw, i) => {
    const path = `assetPositions[${i}].position`;
    const p = field(obj(raw, `assetPositions[${i}]`), 'position', `assetPositions[${i}]`, obj);
    const coin = field(p, 'coin', path, name);
    const szi = field(p, 'szi', path, signedSizeOf);
    if (szi === 0) return;
    const leverage = field(p, 'leverage', path, obj);
    const type = field(leverage, 'type', at(path, 'leverage'), (v, q) => oneOf(v, q, ['cross', 'isolated'] as const));
    const pnl = field(p, 'unrealizedPnl', path, moneyOf);
    const positionValue = field(p, 'positionValue', path, sizeOf);
    const liq = isBlank(p['liquidationPx']) ? undefined : field(p, 'liquidationPx', path, (v, q) => num(v, q, 1e12));
    if (type === 'cross') crossPnl += pnl;
    open.push({
      key: coin,
      symbol: coin,
      side: szi > 0 ? 'long' : 'short',
      qty: qty(Math.abs(szi)),
      entryPrice: field(p, 'entryPx', path, priceOf),
      marginMode: type,
      leverage: field(leverage, 'value', at(path, 'leverage'), leverageOf),
      ...(type === 'isolated' ? { isolatedMargin: moneyOf(field(p, 'marginUsed', path, moneyOf) - pnl, at(path, 'marginUsed')) } : {}),
      ...(positionValue > 0 ? { markPrice: priceOf(positionValue / Math.abs(szi), at(path, 'positionValue')) } : {}),
      ...(liq !== undefined && liq > 0 ? { venueLiquidationPrice: priceOf(liq, at(path, 'liquidationPx')) } : {}),
    });
  });
  const accountValue = field(field(state, 'crossMarginSummary', '', obj), 'accountValue', 'crossMarginSummary', moneyOf);
  return [
    { kind: 'positions', mode: 'snapshot', open, closed: [], time },
    { kind: 'balance', walletBalance: moneyOf(accountValue - crossPnl, 'crossMarginSummary.accountValue'), includesIsolatedMargin: false, time },
  ];
}

/** The subscription's data: the state itself, or `{dex, user, clearinghouseState}`. */
const stateOf = (data: FieldObject): FieldObject => ('clearinghouseState' in data ? field(data, 'clearinghouseState', 'data', obj) : data);

/**
 * Control messages: `{"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":{...}}}`,
 * `{"channel":"pong"}`, `{"channel":"error","data":"Invalid subscription ..."}`.
 */
export function parseFrame(text: string, ctx: ParseContext): ParseResult {
  if (text === 'Websocket connection established.') return parsed([{ kind: 'ack', op: 'other', ok: true, message: text }]);
  const json = parseJsonText(text);
  if (json === undefined) return malformed('', 'not JSON');
  return guardParse(() => {
    const o = obj(json.value, '');
    const channel = field(o, 'channel', '', str);
    switch (channel) {
      case 'pong':
        return [{ kind: 'pong' }];
      case 'subscriptionResponse':
        return [{ kind: 'ack', op: 'subscribe', ok: true, message: JSON.stringify(o['data'] ?? null).slice(0, 120) }];
      case 'error':
        return [{ kind: 'venue-error', code: 'error', message: String(o['data'] ?? '').slice(0, 200) }];
      case 'activeAssetCtx':
        return activeAssetCtx(field(o, 'data', '', obj), ctx.now);
      case 'allMids':
        return allMids(field(o, 'data', '', obj), ctx.now);
      case 'clearinghouseState':
        return clearinghouse(stateOf(field(o, 'data', '', obj)), ctx.now);
      default:
        return unknownFrame(`channel ${channel}`);
    }
  });
}

/**
 * Info › meta, https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint/perpetuals
 *   {"universe":[{"name":"BTC","maxLeverage":40,"marginTableId":56},{"name":"ATOM","maxLeverage":5,"marginTableId":5}],
 *    "marginTables":[[56,{"description":"tiered 40x","marginTiers":[{"lowerBound":"0.0","maxLeverage":40},
 *    {"lowerBound":"150000000.0","maxLeverage":20}]}]]}
 * "For IDs less than 50, there is a single tier with max leverage equal to the ID." Tiers become
 * rates through `hyperliquidTierRows` (margin.ts owns the formula) and the check every tier table goes
 * through (a first bound not 0, falling bounds, a rising max leverage or a max leverage of 0.5 or less refused).
 */
/** A margin table through the same check as every venue's and every file's tier table (engine/margin/tier-table-check.ts). */
function checkedTable(tiers: readonly MarginTier[], path: string, id: number): TierTable {
  const table = checkedTierTable(hyperliquidTierRows(tiers), 'notional');
  return typeof table === 'string' ? refuse(path, `table ${id}: ${table}`) : table;
}

function meta(body: FieldObject, wanted: readonly string[] | undefined, fetchedAt: EpochMs): VenueEvent[] {
  const tablesById = new Map<number, TierTable>();
  field(body, 'marginTables', '', arr).forEach((raw, i) => {
    const p = `marginTables[${i}]`;
    const pair = arr(raw, p);
    const id = num(pair[0], `${p}[0]`, 1e9);
    const tiers = field(obj(pair[1], `${p}[1]`), 'marginTiers', `${p}[1]`, arr).map((t, j) => {
      const q = `${p}[1].marginTiers[${j}]`;
      const row = obj(t, q);
      return { lowerBound: field(row, 'lowerBound', q, sizeOf), maxLeverage: field(row, 'maxLeverage', q, leverageOf) };
    });
    tablesById.set(id, checkedTable(tiers, p, id));
  });
  const tables = field(body, 'universe', '', arr).flatMap((raw, i) => {
    const p = `universe[${i}]`;
    const asset = obj(raw, p);
    const coin = field(asset, 'name', p, name);
    if (wanted !== undefined && !wanted.includes(coin)) return [];
    const id = optional(asset, 'marginTableId', p, (v, q) => num(v, q, 1e9)) ?? field(asset, 'maxLeverage', p, leverageOf);
    const table = id < 50 ? checkedTable([{ lowerBound: 0, maxLeverage: leverageOf(id, `${p}.marginTableId`) }], `${p}.marginTableId`, id) : tablesById.get(id);
    if (table === undefined) return refuse(`${p}.marginTableId`, `no margin table ${id} for ${coin}`);
    return [{ symbol: coin, table }];
  });
  return [{ kind: 'tiers', tables, fetchedAt }];
}

/** An info reply. Errors come back as a non-2xx status with a text or JSON body. */
export function parseRest(call: RestCall, status: number, body: string, ctx: ParseContext): ParseResult {
  if (status < 200 || status >= 300) return parsed([{ kind: 'venue-error', code: String(status), message: body.slice(0, 200) }]);
  const json = parseJsonText(body);
  if (json === undefined) return malformed('', 'not JSON');
  return guardParse(() => {
    const o = obj(json.value, '');
    switch (call.purpose) {
      case 'positions':
        return clearinghouse(o, ctx.now);
      case 'tiers':
        return meta(o, call.symbols, ctx.now);
      default:
        return unknownFrame(`no Hyperliquid call for ${call.purpose}`);
    }
  });
}
