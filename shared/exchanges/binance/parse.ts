import { checkedTierTable } from '../../engine/margin/tier-table-check.ts';
import type { MarginMode, Side } from '../../engine/positions/account.ts';
import {
  guardParse,
  malformed,
  markEvent,
  type MarkEvent,
  parsed,
  unknownFrame,
  type MarginCallEvent,
  type ParseResult,
  type VenueEvent,
  type VenuePosition,
} from '../../engine/positions/venue-events.ts';
import type { ParseContext, RestCall } from '../../ports/venue-adapter.ts';
import { refuse } from '../../units/field-error.ts';
import { qty, ratio, type EpochMs } from '../../units/units.ts';
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
  plainEpoch,
  plainName,
  plainNumber,
  plainPrice,
  priceOf,
  rateOf,
  signedRateOf,
  signedSizeOf,
  str,
  token,
  type FieldObject,
} from '../../units/field-readers.ts';

/**
 * Binance USDⓈ-M frames and REST replies to normalised events.
 * Docs: https://developers.binance.com/docs/derivatives/usds-margined-futures (pages named per parser).
 */

/** The collateral asset of a single-asset-mode USDⓈ-M account. */
const QUOTE = 'USDT';

const POSITION_SIDES = ['BOTH', 'LONG', 'SHORT'] as const;
type PositionSide = (typeof POSITION_SIDES)[number];

const slotKey = (symbol: string, ps: PositionSide): string => `${symbol}:${ps}`;

/** Side of a position: the hedge leg says it; one-way (`BOTH`) carries it in the sign of the amount. */
const sideOf = (ps: PositionSide, amount: number): Side => (ps === 'LONG' ? 'long' : ps === 'SHORT' ? 'short' : amount > 0 ? 'long' : 'short');

/**
 * Mark Price Stream, https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Mark-Price-Stream
 *   {"e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT","p":"11794.15000000","r":"0.00038167","T":1562306400000}
 */
function markPriceUpdate(o: FieldObject, path: string): VenueEvent {
  const nextFunding = optional(o, 'T', path, epochOf);
  const fundingRate = optional(o, 'r', path, signedRateOf);
  const symbol = field(o, 's', path, name);
  const price = field(o, 'p', path, priceOf);
  const time = field(o, 'E', path, epochOf);
  return markEvent(symbol, price, time, 'mark', fundingRate, nextFunding === undefined || nextFunding === 0 ? undefined : nextFunding);
}

/**
 * Event: Balance and Position Update, https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Balance-and-Position-Update
 *   {"e":"ACCOUNT_UPDATE","E":1564745798939,"a":{"m":"ORDER",
 *    "B":[{"a":"USDT","wb":"122624.12345678","cw":"100.12345678"}],
 *    "P":[{"s":"BTCUSDT","pa":"20","ep":"6563.66500","mt":"isolated","iw":"13200.70726908","ps":"LONG"}]}}
 * Only changed balances and positions are listed; a funding-fee event carries only `B`.
 */
function accountUpdate(o: FieldObject, path: string): VenueEvent[] {
  const time = field(o, 'E', path, epochOf);
  const a = field(o, 'a', path, obj);
  const events: VenueEvent[] = [];
  const balances = a['B'] === undefined ? [] : field(a, 'B', at(path, 'a'), arr);
  balances.forEach((raw, i) => {
    const p = at(path, `a.B[${i}]`);
    const b = obj(raw, p);
    if (field(b, 'a', p, str) !== QUOTE) return;
    events.push({ kind: 'balance', walletBalance: field(b, 'cw', p, moneyOf), includesIsolatedMargin: false, time });
  });
  const rows = a['P'] === undefined ? [] : field(a, 'P', at(path, 'a'), arr);
  const open: VenuePosition[] = [];
  const closed: string[] = [];
  rows.forEach((raw, i) => {
    const p = at(path, `a.P[${i}]`);
    const r = obj(raw, p);
    const symbol = field(r, 's', p, name);
    const ps = field(r, 'ps', p, (v, q) => oneOf(v, q, POSITION_SIDES));
    const amount = field(r, 'pa', p, signedSizeOf);
    if (amount === 0) {
      closed.push(slotKey(symbol, ps));
      return;
    }
    const marginMode = field(r, 'mt', p, (v, q) => oneOf(v, q, ['isolated', 'cross'] as const));
    open.push({
      key: slotKey(symbol, ps),
      symbol,
      side: sideOf(ps, amount),
      qty: qty(Math.abs(amount)),
      entryPrice: field(r, 'ep', p, priceOf),
      marginMode,
      ...(marginMode === 'isolated' ? { isolatedMargin: field(r, 'iw', p, moneyOf) } : {}),
    });
  });
  if (open.length > 0 || closed.length > 0) events.push({ kind: 'positions', mode: 'update', open, closed, time });
  return events;
}

/**
 * Event: Margin Call, https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Margin-Call
 *   {"e":"MARGIN_CALL","E":1587727187525,"cw":"3.16812045","p":[{"s":"ETHUSDT","ps":"LONG","pa":"1.327",
 *    "mt":"CROSSED","iw":"0","mp":"187.17127","up":"-1.166074","mm":"1.614445"}]}
 */
function marginCall(o: FieldObject, path: string): MarginCallEvent {
  const positions = field(o, 'p', path, arr).map((raw, i) => {
    const p = at(path, `p[${i}]`);
    const r = obj(raw, p);
    const ps = field(r, 'ps', p, (v, q) => oneOf(v, q, POSITION_SIDES));
    const mt = field(r, 'mt', p, (v, q) => oneOf(v, q, ['CROSSED', 'ISOLATED', 'cross', 'isolated'] as const));
    return {
      symbol: field(r, 's', p, name),
      side: sideOf(ps, field(r, 'pa', p, signedSizeOf)),
      marginMode: (mt === 'CROSSED' || mt === 'cross' ? 'cross' : 'isolated') as MarginMode,
      markPrice: field(r, 'mp', p, priceOf),
      maintenanceMargin: field(r, 'mm', p, moneyOf),
    };
  });
  return { kind: 'margin-call', time: field(o, 'E', path, epochOf), positions };
}

/** One user-data or market event object (already unwrapped from `{stream, data}`). */
function eventObject(o: FieldObject, path: string): readonly VenueEvent[] | ParseResult {
  switch (o['e']) {
    case 'markPriceUpdate':
      return [markPriceUpdate(o, path)];
    case 'ACCOUNT_UPDATE':
      return accountUpdate(o, path);
    case 'MARGIN_CALL':
      return [marginCall(o, path)];
    case 'listenKeyExpired':
      // `E` arrives as a number or, in some captures, a string; both are read.
      return [{ kind: 'session-expired', time: field(o, 'E', path, epochOf) }];
    default:
      return unknownFrame(`event ${JSON.stringify(o['e'] ?? null)}`);
  }
}

/**
 * A markPriceUpdate object as `markPriceUpdate` reads it, without the walk's paths: each field checked
 * as its reader checks it (`plainNumber` is `decimal` on what needs no trim; then the same bounds).
 * Undefined when any check fails or needs more than that, and the walk reads the frame again and names
 * the bad field: the same events, the same refusals, and no path string built for a good mark, which
 * is every mark (50 a second per-symbol, 400 in one all-symbol frame).
 */
function plainMark(raw: unknown): MarkEvent | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const o = raw as FieldObject;
  let nextFunding: EpochMs | undefined;
  if (!isBlank(o['T'])) {
    nextFunding = plainEpoch(o['T']);
    if (nextFunding === undefined) return undefined;
  }
  let fundingRate: number | undefined;
  if (!isBlank(o['r'])) {
    fundingRate = plainNumber(o['r']);
    if (fundingRate === undefined || !(Math.abs(fundingRate) <= 1)) return undefined;
  }
  const symbol = plainName(o['s']);
  const markPrice = plainPrice(o['p']);
  const time = plainEpoch(o['E']);
  if (symbol === undefined || markPrice === undefined || time === undefined) return undefined;
  return markEvent(symbol, markPrice, time, 'mark', fundingRate === undefined ? undefined : ratio(fundingRate), nextFunding === undefined || nextFunding === 0 ? undefined : nextFunding);
}

/** Every entry of a mark array by `plainMark`, or undefined when one needs the walk. */
function plainMarks(list: readonly unknown[]): MarkEvent[] | undefined {
  const events: MarkEvent[] = [];
  for (const raw of list) {
    const e = plainMark(raw);
    if (e === undefined) return undefined;
    events.push(e);
  }
  return events;
}

/**
 * The mark frames (per-symbol, in stream mode or not, and `!markPrice@arr@1s`) read without the walk,
 * or undefined for any other frame or a mark with a field the walk must name.
 */
function plainMarkFrame(value: unknown): readonly MarkEvent[] | undefined {
  if (Array.isArray(value)) return plainMarks(value);
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as FieldObject;
  let event: unknown = o;
  if ('stream' in o && 'data' in o) {
    event = o['data'];
    if (Array.isArray(event)) return plainMarks(event);
    if (typeof event !== 'object' || event === null) return undefined;
  } else if (!('e' in o)) {
    return undefined;
  }
  if ((event as FieldObject)['e'] !== 'markPriceUpdate') return undefined;
  const mark = plainMark(event);
  return mark === undefined ? undefined : [mark];
}

/** A websocket text frame: a market or user-data event, an array of marks, or a request reply. */
export function parseFrame(text: string, _ctx: ParseContext): ParseResult {
  const json = parseJsonText(text);
  if (json === undefined) return malformed('', 'not JSON');
  const marks = plainMarkFrame(json.value);
  return marks === undefined ? walkFrame(json.value) : parsed(marks);
}

/** The frame walked with paths: every frame but a good mark frame, and the reference `plainMarkFrame` is tested against. */
export function walkFrame(value: unknown): ParseResult {
  return guardParse(() => {
    if (Array.isArray(value)) {
      // `!markPrice@arr@1s`: an array of markPriceUpdate objects.
      return value.map((raw, i) => markPriceUpdate(obj(raw, `[${i}]`), `[${i}]`));
    }
    const o = obj(value, '');
    if ('stream' in o && 'data' in o) {
      const data = o['data'];
      if (Array.isArray(data)) return data.map((raw, i) => markPriceUpdate(obj(raw, `data[${i}]`), `data[${i}]`));
      return eventObject(obj(data, 'data'), 'data');
    }
    if ('e' in o) return eventObject(o, '');
    if ('id' in o && 'result' in o) return [{ kind: 'ack', op: 'subscribe', ok: true, message: `id ${String(o['id'])}` }];
    if ('error' in o) {
      const e = field(o, 'error', '', obj);
      return [{ kind: 'venue-error', code: String(field(e, 'code', 'error', (v, p) => num(v, p, 1e9))), message: field(e, 'msg', 'error', str) }];
    }
    return unknownFrame(`keys ${Object.keys(o).slice(0, 5).join(',')}`);
  });
}

/**
 * Position Information V3, https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-Information-V3
 *   [{"symbol":"BTCUSDT","positionSide":"BOTH","positionAmt":"0.015","entryPrice":"82666.66","markPrice":"83500.0",
 *     "liquidationPrice":"75100.10","isolatedWallet":"0","updateTime":1790638000000}]
 * V3 rows have no `marginType`: a position with an isolated wallet is isolated. V2 rows name it.
 */
function positionRisk(body: unknown, now: EpochMs): VenueEvent[] {
  const open: VenuePosition[] = [];
  arr(body, '').forEach((raw, i) => {
    const p = `[${i}]`;
    const r = obj(raw, p);
    const amount = field(r, 'positionAmt', p, signedSizeOf);
    if (amount === 0) return;
    const symbol = field(r, 'symbol', p, name);
    const ps = field(r, 'positionSide', p, (v, q) => oneOf(v, q, POSITION_SIDES));
    const isolatedWallet = optional(r, 'isolatedWallet', p, moneyOf) ?? 0;
    const stated = optional(r, 'marginType', p, (v, q) => oneOf(v, q, ['isolated', 'cross'] as const));
    const marginMode: MarginMode = stated ?? (isolatedWallet > 0 ? 'isolated' : 'cross');
    const markPrice = optional(r, 'markPrice', p, priceOf);
    const liquidation = optional(r, 'liquidationPrice', p, (v, q) => num(v, q, 1e12));
    const leverage = optional(r, 'leverage', p, leverageOf);
    open.push({
      key: slotKey(symbol, ps),
      symbol,
      side: sideOf(ps, amount),
      qty: qty(Math.abs(amount)),
      entryPrice: field(r, 'entryPrice', p, priceOf),
      marginMode,
      ...(marginMode === 'isolated' ? { isolatedMargin: field(r, 'isolatedWallet', p, moneyOf) } : {}),
      ...(leverage === undefined ? {} : { leverage }),
      ...(markPrice === undefined ? {} : { markPrice }),
      ...(liquidation !== undefined && liquidation > 0 ? { venueLiquidationPrice: priceOf(liquidation, `${p}.liquidationPrice`) } : {}),
    });
  });
  return [{ kind: 'positions', mode: 'snapshot', open, closed: [], time: now }];
}

/**
 * Account Information V3, https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Account-Information-V3
 *   {"totalCrossWalletBalance":"103.12345678","assets":[{"asset":"USDT","crossWalletBalance":"23.72469206"}]}
 */
function account(body: unknown, now: EpochMs): VenueEvent[] {
  const o = obj(body, '');
  const assets = o['assets'] === undefined ? [] : field(o, 'assets', '', arr);
  const usdtAsset = assets.map((raw, i) => obj(raw, `assets[${i}]`)).find((a) => a['asset'] === QUOTE);
  const walletBalance =
    usdtAsset === undefined ? field(o, 'totalCrossWalletBalance', '', moneyOf) : field(usdtAsset, 'crossWalletBalance', 'assets[USDT]', moneyOf);
  return [{ kind: 'balance', walletBalance, includesIsolatedMargin: false, time: now }];
}

/**
 * Notional and Leverage Brackets, https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Notional-and-Leverage-Brackets
 *   [{"symbol":"ETHUSDT","brackets":[{"bracket":1,"initialLeverage":75,"notionalCap":10000,"notionalFloor":0,
 *     "maintMarginRatio":0.0065,"cum":0}]}]
 * `cum` is Binance's deduction; it is kept as sent (the recursion reproduces it, vector #16).
 */
function leverageBrackets(body: unknown, now: EpochMs, wanted: readonly string[] | undefined): VenueEvent[] {
  const list = Array.isArray(body) ? body : [body];
  const tables = list.flatMap((raw, i) => {
    const p = `[${i}]`;
    const o = obj(raw, p);
    const symbol = field(o, 'symbol', p, name);
    if (wanted !== undefined && !wanted.includes(symbol)) return [];
    const rows = field(o, 'brackets', p, arr).map((b, j) => {
      const q = `${p}.brackets[${j}]`;
      const r = obj(b, q);
      return {
        floor: field(r, 'notionalFloor', q, (v, w) => num(v, w, 1e13)),
        cap: field(r, 'notionalCap', q, (v, w) => num(v, w, 1e13)),
        mmr: field(r, 'maintMarginRatio', q, rateOf),
        deduction: field(r, 'cum', q, moneyOf),
      };
    });
    const table = checkedTierTable(rows, 'notional');
    if (typeof table === 'string') refuse(`${p}.brackets`, `${symbol}: ${table}`);
    return [{ symbol, table }];
  });
  return [{ kind: 'tiers', tables, fetchedAt: now }];
}

/** `{"code":-1125,"msg":"This listenKey does not exist."}`: Binance's error body, REST and websocket alike. */
function errorBody(body: unknown): VenueEvent[] | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const o = body as FieldObject;
  if (typeof o['code'] !== 'number' || typeof o['msg'] !== 'string') return undefined;
  return [{ kind: 'venue-error', code: String(o['code']), message: o['msg'].slice(0, 200) }];
}

/** A REST reply for `call`. HTTP errors with Binance's error body become a `venue-error` event. */
export function parseRest(call: RestCall, status: number, body: string, ctx: ParseContext): ParseResult {
  const json = parseJsonText(body);
  if (json === undefined) return malformed('', `HTTP ${status}: not JSON`);
  const error = errorBody(json.value);
  if (error !== undefined) return parsed(error);
  if (status < 200 || status >= 300) return malformed('', `HTTP ${status}`);
  return guardParse(() => {
    switch (call.purpose) {
      case 'positions':
        return positionRisk(json.value, ctx.now);
      case 'balance':
        return account(json.value, ctx.now);
      case 'tiers':
        return leverageBrackets(json.value, ctx.now, call.symbols);
      case 'session-create':
        return [{ kind: 'session', token: field(obj(json.value, ''), 'listenKey', '', token) }];
      case 'session-keepalive':
        return [];
      default:
        return unknownFrame(`no Binance call for ${call.purpose}`);
    }
  });
}
