import { checkedTierTable } from '../../engine/margin/tier-table-check.ts';
import type { Side } from '../../engine/positions/account.ts';
import {
  guardParse,
  malformed,
  markEvent,
  parsed,
  unknownFrame,
  type MarginCallEvent,
  type MarkEvent,
  type ParseResult,
  type VenueEvent,
  type VenuePosition,
} from '../../engine/positions/venue-events.ts';
import type { ParseContext, RestCall } from '../../ports/venue-adapter.ts';
import { refuse } from '../../units/field-error.ts';
import { qty, type EpochMs } from '../../units/units.ts';
import {
  arr,
  at,
  epochOf,
  field,
  leverageOf,
  MAX_SIZE,
  moneyOf,
  name,
  num,
  obj,
  oneOf,
  optional,
  parseJsonText,
  plainEpoch,
  plainName,
  plainPrice,
  priceOf,
  rateOf,
  signedRateOf,
  signedSizeOf,
  sizeOf,
  str,
  type FieldObject,
} from '../../units/field-readers.ts';
import { instFamilyOf } from './subscribe.ts';

/**
 * OKX v5 swap frames and REST replies to normalised events.
 * Docs: https://www.okx.com/docs-v5/en/ (anchors named per parser).
 */

const QUOTE = 'USDT';

/**
 * Mark price channel, https://www.okx.com/docs-v5/en/#public-data-websocket-mark-price-channel
 *   {"arg":{"channel":"mark-price","instId":"BTC-USDT"},"data":[{"instType":"MARGIN","instId":"BTC-USDT","markPx":"42310.6","ts":"1630049139746"}]}
 */
function markPrices(o: FieldObject): VenueEvent[] {
  return field(o, 'data', '', arr).map((raw, i) => {
    const p = `data[${i}]`;
    const d = obj(raw, p);
    return { kind: 'mark', symbol: field(d, 'instId', p, name), price: field(d, 'markPx', p, priceOf), time: field(d, 'ts', p, epochOf), source: 'mark' };
  });
}

/**
 * Funding rate channel, https://www.okx.com/docs-v5/en/#public-data-websocket-funding-rate-channel
 *   {"arg":{"channel":"funding-rate","instId":"BTC-USDT-SWAP"},"data":[{"fundingRate":"0.0001875391284828",
 *    "fundingTime":"1700726400000","instId":"BTC-USDT-SWAP","nextFundingTime":"1700755200000",...,"ts":"1700724675402"}]}
 * `fundingRate` is paid at `fundingTime` (the coming payment); `nextFundingTime` is the one after.
 */
function fundingRates(o: FieldObject): VenueEvent[] {
  return field(o, 'data', '', arr).map((raw, i) => {
    const p = `data[${i}]`;
    const d = obj(raw, p);
    return {
      kind: 'funding',
      symbol: field(d, 'instId', p, name),
      fundingRate: field(d, 'fundingRate', p, signedRateOf),
      nextFundingTime: field(d, 'fundingTime', p, epochOf),
      time: field(d, 'ts', p, epochOf),
    };
  });
}

const sideOf = (posSide: 'net' | 'long' | 'short', pos: number): Side => (posSide === 'long' ? 'long' : posSide === 'short' ? 'short' : pos > 0 ? 'long' : 'short');

/** Contracts to base units (`pos` x `ctVal`); an instrument we have no contract value for is refused. */
function baseUnits(contracts: number, instId: string, ctx: ParseContext, path: string): number {
  const ctVal = ctx.contractSize(instId);
  if (ctVal === undefined) refuse(at(path, 'instId'), `no contract value known for ${instId}`);
  return num(Math.abs(contracts) * ctVal, at(path, 'pos'), MAX_SIZE);
}

/**
 * Positions channel, https://www.okx.com/docs-v5/en/#trading-account-websocket-positions-channel
 * (REST: GET /api/v5/account/positions, same rows)
 *   {"instType":"SWAP","instId":"BTC-USDT-SWAP","mgnMode":"isolated","posSide":"long","pos":"1","ccy":"USDT",
 *    "avgPx":"2566.31","markPx":"2353.849","margin":"38.9","lever":"10","liqPx":"2352.85","uTime":"1619507761462"}
 * `pos` counts contracts; `posSide` net means one-way with the side in the sign. Only USDT-margined
 * swaps are ours: other instrument types and margin currencies are skipped, not refused.
 */
function position(raw: unknown, path: string, ctx: ParseContext): { readonly open?: VenuePosition; readonly closed?: string } {
  const r = obj(raw, path);
  if (r['instType'] !== 'SWAP' || r['ccy'] !== QUOTE) return {};
  const instId = field(r, 'instId', path, name);
  const mgnMode = field(r, 'mgnMode', path, (v, p) => oneOf(v, p, ['cross', 'isolated'] as const));
  const posSide = field(r, 'posSide', path, (v, p) => oneOf(v, p, ['net', 'long', 'short'] as const));
  const key = `${instId}:${mgnMode}:${posSide}`;
  const contracts = field(r, 'pos', path, signedSizeOf);
  if (contracts === 0) return { closed: key };
  const markPrice = optional(r, 'markPx', path, priceOf);
  const leverage = optional(r, 'lever', path, leverageOf);
  const liq = optional(r, 'liqPx', path, (v, p) => num(v, p, 1e12));
  return {
    open: {
      key,
      symbol: instId,
      side: sideOf(posSide, contracts),
      qty: qty(baseUnits(contracts, instId, ctx, path)),
      entryPrice: field(r, 'avgPx', path, priceOf),
      marginMode: mgnMode,
      ...(mgnMode === 'isolated' ? { isolatedMargin: field(r, 'margin', path, moneyOf) } : {}),
      ...(leverage === undefined ? {} : { leverage }),
      ...(markPrice === undefined ? {} : { markPrice }),
      ...(liq !== undefined && liq > 0 ? { venueLiquidationPrice: priceOf(liq, at(path, 'liqPx')) } : {}),
    },
  };
}

function positions(
  list: readonly unknown[],
  path: string,
  mode: 'snapshot' | 'update',
  time: EpochMs,
  ctx: ParseContext,
  page?: { index: number; isLast: boolean },
): VenueEvent[] {
  const open: VenuePosition[] = [];
  const closed: string[] = [];
  list.forEach((raw, i) => {
    const p = position(raw, `${path}[${i}]`, ctx);
    if (p.open !== undefined) open.push(p.open);
    if (p.closed !== undefined) closed.push(p.closed);
  });
  return [{ kind: 'positions', mode, open, closed, time, ...(page === undefined ? {} : { page }) }];
}

/** A positions push: `eventType` snapshot (paged by `curPage`/`lastPage`) or event_update. */
function positionsPush(o: FieldObject, ctx: ParseContext): VenueEvent[] {
  const eventType = field(o, 'eventType', '', (v, p) => oneOf(v, p, ['snapshot', 'event_update'] as const));
  if (eventType === 'event_update') return positions(field(o, 'data', '', arr), 'data', 'update', ctx.now, ctx);
  const curPage = optional(o, 'curPage', '', (v, p) => num(v, p, 1e6)) ?? 1;
  const lastPage = o['lastPage'] === undefined ? true : o['lastPage'] === true || o['lastPage'] === 'true';
  return positions(field(o, 'data', '', arr), 'data', 'snapshot', ctx.now, ctx, { index: curPage, isLast: lastPage });
}

/**
 * Balance and position channel, https://www.okx.com/docs-v5/en/#trading-account-websocket-balance-and-position-channel
 *   {"arg":{"channel":"balance_and_position"},"data":[{"pTime":"1597026383085","eventType":"snapshot",
 *    "balData":[{"ccy":"USDT","cashBal":"1","uTime":"1597026383085"}],"posData":[...]}]}
 * Only the USDT cash balance is read; `posData` lacks margin and leverage, the positions channel has them.
 * `cashBal` still holds the isolated positions' margin (it moves only on realised PnL and transfers),
 * so the reducer subtracts it: cross collateral = cashBal - isolated margins (DERIVED, docs/margin-math.md §4.1).
 */
function balanceAndPosition(o: FieldObject): VenueEvent[] {
  return field(o, 'data', '', arr).flatMap((raw, i) => {
    const p = `data[${i}]`;
    const d = obj(raw, p);
    const time = field(d, 'pTime', p, epochOf);
    const balances = d['balData'] === undefined ? [] : field(d, 'balData', p, arr);
    return balances.flatMap((b, j): VenueEvent[] => {
      const q = `${p}.balData[${j}]`;
      const row = obj(b, q);
      if (field(row, 'ccy', q, str) !== QUOTE) return [];
      return [{ kind: 'balance', walletBalance: field(row, 'cashBal', q, moneyOf), includesIsolatedMargin: true, time }];
    });
  });
}

/**
 * Position risk warning, https://www.okx.com/docs-v5/en/#trading-account-websocket-position-risk-warning
 *   {"arg":{"channel":"liquidation-warning"},"data":[{"instId":"ETH-USD-210430","mgnMode":"isolated","posSide":"long",
 *    "pos":"1","markPx":"2353.849","mgnRatio":"11.731726509588816","uTime":"1619507761462"}]}
 */
function liquidationWarning(o: FieldObject): MarginCallEvent {
  let time = 0;
  const list = field(o, 'data', '', arr).map((raw, i) => {
    const p = `data[${i}]`;
    const d = obj(raw, p);
    time = Math.max(time, field(d, 'uTime', p, epochOf));
    const posSide = field(d, 'posSide', p, (v, q) => oneOf(v, q, ['net', 'long', 'short'] as const));
    return {
      symbol: field(d, 'instId', p, name),
      side: sideOf(posSide, field(d, 'pos', p, signedSizeOf)),
      marginMode: field(d, 'mgnMode', p, (v, q) => oneOf(v, q, ['cross', 'isolated'] as const)),
      markPrice: field(d, 'markPx', p, priceOf),
      venueRatio: field(d, 'mgnRatio', p, (v, q) => num(v, q, 1e9)),
    };
  });
  return { kind: 'margin-call', time: epochOf(time, 'data.uTime'), positions: list };
}

/**
 * Replies, https://www.okx.com/docs-v5/en/#overview-websocket-subscribe
 *   {"event":"login","code":"0","msg":"","connId":"a4d3ae55"}
 *   {"id":"1","event":"subscribe","arg":{"channel":"mark-price","instId":"BTC-USDT-SWAP"},"connId":"a4d3ae55"}
 *   {"event":"error","code":"60012","msg":"Invalid request: ...","connId":"a4d3ae55"}
 */
function eventReply(o: FieldObject): VenueEvent[] {
  const event = field(o, 'event', '', str);
  const code = typeof o['code'] === 'string' ? o['code'] : '0';
  const message = typeof o['msg'] === 'string' ? o['msg'].slice(0, 200) : '';
  switch (event) {
    case 'login':
      return [{ kind: 'ack', op: 'auth', ok: code === '0', message }];
    case 'subscribe':
      return [{ kind: 'ack', op: 'subscribe', ok: true, message: JSON.stringify(o['arg'] ?? null).slice(0, 120) }];
    case 'error':
      return [{ kind: 'venue-error', code, message }];
    default:
      // channel-conn-count, notice (service upgrade warnings) and the like: acknowledged, nothing to do.
      return [{ kind: 'ack', op: 'other', ok: code === '0', message: `${event} ${message}`.trim() }];
  }
}

/**
 * A mark-price push as `markPrices` reads it, without the walk's paths or closure: each field checked as
 * its reader checks it (field-readers.ts's plain readers). Undefined for any other frame or a mark with
 * a field the walk must name, and the walk reads it again: the same events, the same refusals.
 */
function plainMarkFrame(value: unknown): MarkEvent[] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const o = value as FieldObject;
  if (typeof o['event'] === 'string') return undefined;
  const arg = o['arg'];
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg) || (arg as FieldObject)['channel'] !== 'mark-price') return undefined;
  const data = o['data'];
  if (!Array.isArray(data)) return undefined;
  const events: MarkEvent[] = [];
  for (const raw of data as readonly unknown[]) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
    const d = raw as FieldObject;
    const symbol = plainName(d['instId']);
    const markPrice = plainPrice(d['markPx']);
    const time = plainEpoch(d['ts']);
    if (symbol === undefined || markPrice === undefined || time === undefined) return undefined;
    events.push(markEvent(symbol, markPrice, time, 'mark'));
  }
  return events;
}

export function parseFrame(text: string, ctx: ParseContext): ParseResult {
  if (text === 'pong') return parsed([{ kind: 'pong' }]);
  const json = parseJsonText(text);
  if (json === undefined) return malformed('', 'not JSON');
  const marks = plainMarkFrame(json.value);
  return marks === undefined ? walkFrame(json.value, ctx) : parsed(marks);
}

/** The frame walked with paths: every frame but a good mark-price push, and the reference `plainMarkFrame` is tested against. */
export function walkFrame(value: unknown, ctx: ParseContext): ParseResult {
  return guardParse(() => {
    const o = obj(value, '');
    if (typeof o['event'] === 'string') return eventReply(o);
    const arg = field(o, 'arg', '', obj);
    const channel = field(arg, 'channel', 'arg', str);
    switch (channel) {
      case 'mark-price':
        return markPrices(o);
      case 'funding-rate':
        return fundingRates(o);
      case 'positions':
        return positionsPush(o, ctx);
      case 'balance_and_position':
        return balanceAndPosition(o);
      case 'liquidation-warning':
        return [liquidationWarning(o)];
      default:
        return unknownFrame(`channel ${channel}`);
    }
  });
}

/**
 * Get instruments, https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments
 *   [{"instId":"BTC-USDT-SWAP","instFamily":"BTC-USDT","ctVal":"0.01","ctType":"linear","settleCcy":"USDT"}]
 */
function instruments(data: readonly unknown[]): VenueEvent[] {
  const list = data.flatMap((raw, i) => {
    const p = `data[${i}]`;
    const r = obj(raw, p);
    if (r['ctType'] !== 'linear' || r['settleCcy'] !== QUOTE) return [];
    const contractSize = field(r, 'ctVal', p, (v, q) => num(v, q, 1e9));
    if (!(contractSize > 0)) refuse(`${p}.ctVal`, `expected a contract value > 0, got ${contractSize}`);
    return [{ symbol: field(r, 'instId', p, name), contractSize }];
  });
  return [{ kind: 'instruments', instruments: list }];
}

/**
 * Get position tiers, https://www.okx.com/docs-v5/en/#public-data-rest-api-get-position-tiers
 *   [{"tier":"1","minSz":"0","maxSz":"50","mmr":"0.03","imr":"0.1","maxLever":"10","instFamily":"BTC-USDT"}]
 * For swaps the bounds count contracts (docs/margin-math.md §4.1): a table with basis `qty` in base units
 * (bounds x ctVal). OKX charges the tier's rate on the whole position, so no deduction.
 */
function positionTiers(data: readonly unknown[], symbols: readonly string[], ctx: ParseContext, fetchedAt: EpochMs): VenueEvent[] {
  const tables = symbols.map((instId) => {
    const ctVal = ctx.contractSize(instId);
    if (ctVal === undefined) return refuse('symbols', `no contract value known for ${instId}`);
    const family = instFamilyOf(instId);
    const rows = data.flatMap((raw, i) => {
      const p = `data[${i}]`;
      const r = obj(raw, p);
      const rowFamily = optional(r, 'instFamily', p, str) ?? optional(r, 'uly', p, str);
      if (rowFamily !== undefined && rowFamily !== family) return [];
      return [{
        floor: field(r, 'minSz', p, sizeOf) * ctVal,
        cap: field(r, 'maxSz', p, sizeOf) * ctVal,
        mmr: field(r, 'mmr', p, rateOf),
        deduction: 0,
      }];
    });
    const table = checkedTierTable(rows, 'qty');
    if (typeof table === 'string') return refuse('data', `${instId}: ${table}`);
    return { symbol: instId, table };
  });
  return [{ kind: 'tiers', tables, fetchedAt }];
}

/**
 * Get balance, https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-balance
 *   [{"details":[{"ccy":"USDT","cashBal":"10000.5","eq":"10012.1","isoEq":"500","upl":"11.6"}]}]
 * `cashBal`, as on the balance_and_position channel (see there).
 */
function balance(data: readonly unknown[], now: EpochMs): VenueEvent[] {
  const account = obj(data[0], 'data[0]');
  const details = field(account, 'details', 'data[0]', arr).map((d, i) => obj(d, `data[0].details[${i}]`));
  const usdtRow = details.find((d) => d['ccy'] === QUOTE);
  // No USDT row: the account holds no USDT at all.
  const cash = usdtRow === undefined ? moneyOf(0, 'data[0].details') : field(usdtRow, 'cashBal', 'data[0].details[USDT]', moneyOf);
  return [{ kind: 'balance', walletBalance: cash, includesIsolatedMargin: true, time: now }];
}

/** A REST reply: `{"code":"0","msg":"","data":[...]}`; a code other than "0" is a venue error. */
export function parseRest(call: RestCall, status: number, body: string, ctx: ParseContext): ParseResult {
  const json = parseJsonText(body);
  if (json === undefined) return malformed('', `HTTP ${status}: not JSON`);
  return guardParse(() => {
    const o = obj(json.value, '');
    const code = field(o, 'code', '', (v, p) => (typeof v === 'number' ? String(v) : str(v, p)));
    if (code !== '0') return parsed([{ kind: 'venue-error', code, message: String(o['msg'] ?? '').slice(0, 200) }]);
    if (status < 200 || status >= 300) return malformed('', `HTTP ${status}`);
    const data = field(o, 'data', '', arr);
    switch (call.purpose) {
      case 'instruments':
        return instruments(data);
      case 'positions':
        return positions(data, 'data', 'snapshot', ctx.now, ctx);
      case 'balance':
        return balance(data, ctx.now);
      case 'tiers':
        return positionTiers(data, call.symbols ?? [], ctx, ctx.now);
      default:
        return unknownFrame(`no OKX call for ${call.purpose}`);
    }
  });
}
