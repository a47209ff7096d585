import { checkedTierTable } from '../../engine/margin/tier-table-check.ts';
import {
  guardParse,
  malformed,
  markEvent,
  parsed,
  unknownFrame,
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
  rateOf,
  signedRateOf,
  sizeOf,
  str,
  type FieldObject,
} from '../../units/field-readers.ts';

/**
 * Bybit v5 linear frames and REST replies to normalised events.
 * Docs: https://bybit-exchange.github.io/docs/v5/ (pages named per parser).
 */

/**
 * Ticker, https://bybit-exchange.github.io/docs/v5/websocket/public/ticker
 *   {"topic":"tickers.BTCUSDT","type":"snapshot","data":{"symbol":"BTCUSDT","markPrice":"66666.60",
 *    "fundingRate":"-0.005","nextFundingTime":"1760342400000"},"cs":9532239429,"ts":1760325052630}
 * A delta omits unchanged fields. Only the mark and funding are read, and a missing one means
 * "unchanged", so emitting just what a delta carries is the merge: the reducer keeps the last values.
 */
function ticker(o: FieldObject): VenueEvent[] {
  const data = field(o, 'data', '', obj);
  const symbol = field(data, 'symbol', 'data', name);
  const time = field(o, 'ts', '', epochOf);
  const markPrice = optional(data, 'markPrice', 'data', priceOf);
  const fundingRate = optional(data, 'fundingRate', 'data', signedRateOf);
  const nextFundingTime = optional(data, 'nextFundingTime', 'data', epochOf);
  if (markPrice === undefined) return [];
  return [markEvent(symbol, markPrice, time, 'mark', fundingRate, nextFundingTime)];
}

const POSITION_IDX = [0, 1, 2] as const;

/**
 * Position, https://bybit-exchange.github.io/docs/v5/websocket/private/position (REST: /v5/position/list)
 *   {"positionIdx":2,"tradeMode":0,"symbol":"BTCUSDT","side":"","size":"0","entryPrice":"0","leverage":"10",
 *    "markPrice":"28184.5","positionBalance":"0","positionIM":"0","liqPrice":"0","category":"linear"}
 * `size` "0" (side "") is a closed slot. UTA 2.0 always sends `tradeMode` 0: the account's margin mode
 * (from /v5/account/info) decides, hence `marginMode: 'account'` unless the position says isolated.
 * Isolated margin: `positionBalance` (initial plus added margin), else `positionIM`.
 */
function position(raw: unknown, path: string): { readonly open?: VenuePosition; readonly closed?: string; readonly skip?: true } {
  const r = obj(raw, path);
  const category = optional(r, 'category', path, str);
  if (category !== undefined && category !== 'linear') return { skip: true };
  const symbol = field(r, 'symbol', path, name);
  const idx = field(r, 'positionIdx', path, (v, p) => num(v, p, 2));
  if (!(POSITION_IDX as readonly number[]).includes(idx)) refuse(at(path, 'positionIdx'), `expected 0, 1 or 2, got ${idx}`);
  const key = `${symbol}:${idx}`;
  const size = field(r, 'size', path, sizeOf);
  if (size === 0) return { closed: key };
  const side = field(r, 'side', path, (v, p) => oneOf(v, p, ['Buy', 'Sell'] as const));
  const isolated = optional(r, 'tradeMode', path, (v, p) => num(v, p, 1)) === 1;
  const entryRaw = isBlank(r['entryPrice']) ? r['avgPrice'] : r['entryPrice'];
  const balance = optional(r, 'positionBalance', path, moneyOf);
  const initial = optional(r, 'positionIM', path, moneyOf);
  const margin = balance !== undefined && balance > 0 ? balance : initial;
  const leverage = optional(r, 'leverage', path, leverageOf);
  const markPrice = optional(r, 'markPrice', path, priceOf);
  const liq = optional(r, 'liqPrice', path, (v, p) => num(v, p, 1e12));
  return {
    open: {
      key,
      symbol,
      side: side === 'Buy' ? 'long' : 'short',
      qty: qty(size),
      entryPrice: priceOf(entryRaw, at(path, 'entryPrice')),
      marginMode: isolated ? 'isolated' : 'account',
      // Kept for every position: the mode may turn out isolated from the account's setting.
      ...(margin === undefined ? {} : { isolatedMargin: margin }),
      ...(leverage === undefined ? {} : { leverage }),
      ...(markPrice === undefined ? {} : { markPrice }),
      ...(liq !== undefined && liq > 0 ? { venueLiquidationPrice: priceOf(liq, at(path, 'liqPrice')) } : {}),
    },
  };
}

function positions(list: readonly unknown[], path: string, mode: 'snapshot' | 'update', time: EpochMs): VenueEvent[] {
  const open: VenuePosition[] = [];
  const closed: string[] = [];
  list.forEach((raw, i) => {
    const p = position(raw, `${path}[${i}]`);
    if (p.open !== undefined) open.push(p.open);
    if (p.closed !== undefined) closed.push(p.closed);
  });
  return [{ kind: 'positions', mode, open, closed, time }];
}

/**
 * Wallet, https://bybit-exchange.github.io/docs/v5/websocket/private/wallet (REST: /v5/account/wallet-balance)
 *   {"totalWalletBalance":"9684.46297164","totalMarginBalance":"9684.46297164","totalPerpUPL":"0",
 *    "coin":[{"coin":"USDT","walletBalance":"..."}],"accountType":"UNIFIED"}
 * Cross collateral without unrealised PnL = margin balance (collateral after haircut + perp UPL) minus
 * perp UPL. Isolated-margin accounts leave the account totals blank: then the total wallet balance,
 * then the USDT coin's.
 */
function wallet(w: FieldObject, path: string, time: EpochMs): VenueEvent {
  const marginBalance = optional(w, 'totalMarginBalance', path, moneyOf);
  const perpUpl = optional(w, 'totalPerpUPL', path, moneyOf);
  let walletBalance = marginBalance !== undefined && perpUpl !== undefined ? marginBalance - perpUpl : optional(w, 'totalWalletBalance', path, moneyOf);
  if (walletBalance === undefined) {
    const coins = field(w, 'coin', path, arr).map((c, i) => obj(c, at(path, `coin[${i}]`)));
    const usdtCoin = coins.find((c) => c['coin'] === 'USDT');
    if (usdtCoin === undefined) refuse(at(path, 'coin'), 'no balance figure and no USDT coin');
    walletBalance = field(usdtCoin, 'walletBalance', at(path, 'coin[USDT]'), moneyOf);
  }
  return { kind: 'balance', walletBalance: moneyOf(walletBalance, path), includesIsolatedMargin: false, time };
}

/**
 * Replies to requests, https://bybit-exchange.github.io/docs/v5/ws/connect
 *   {"success":true,"ret_msg":"","conn_id":"..","req_id":"sub-1","op":"subscribe"}
 *   {"success":true,"ret_msg":"pong","conn_id":"..","op":"ping"}      (public)
 *   {"req_id":"ping-3","op":"pong","args":["1675418560633"],"conn_id":".."}   (private)
 */
function opReply(o: FieldObject): VenueEvent[] {
  const op = field(o, 'op', '', str);
  const message = typeof o['ret_msg'] === 'string' ? o['ret_msg'].slice(0, 200) : '';
  if (op === 'pong' || (op === 'ping' && message === 'pong')) return [{ kind: 'pong' }];
  const ok = o['success'] === true;
  if (op === 'auth') return [{ kind: 'ack', op: 'auth', ok, message }];
  if (op === 'subscribe') return [{ kind: 'ack', op: 'subscribe', ok, message }];
  return [{ kind: 'ack', op: 'other', ok, message }];
}

export function parseFrame(text: string, _ctx: ParseContext): ParseResult {
  const json = parseJsonText(text);
  if (json === undefined) return malformed('', 'not JSON');
  return guardParse(() => {
    const o = obj(json.value, '');
    const topic = o['topic'];
    if (typeof topic === 'string') {
      if (topic.startsWith('tickers.')) return ticker(o);
      if (topic === 'position' || topic === 'position.linear') {
        return positions(field(o, 'data', '', arr), 'data', 'update', field(o, 'creationTime', '', epochOf));
      }
      if (topic === 'wallet') {
        const time = field(o, 'creationTime', '', epochOf);
        return field(o, 'data', '', arr).map((w, i) => wallet(obj(w, `data[${i}]`), `data[${i}]`, time));
      }
      return unknownFrame(`topic ${topic}`);
    }
    if (typeof o['op'] === 'string') return opReply(o);
    return unknownFrame(`keys ${Object.keys(o).slice(0, 5).join(',')}`);
  });
}

/**
 * Get Risk Limit, https://bybit-exchange.github.io/docs/v5/market/risk-limit
 *   {"list":[{"id":1,"symbol":"BTCUSDT","riskLimitValue":"300000","maintenanceMargin":"0.0033",
 *    "initialMargin":"0.0066","maxLeverage":"150.00","mmDeduction":""}, ...]}
 * Rates are fractions: the docs' example prints "0.5" for 0.5 % but every live reply is a fraction.
 * A table is refused unless 0 < mmr < 1 and maxLeverage x initialMargin is within 5 % of 1 (the docs'
 * "0.5"/"1"/100x example fails that, as it should). Tier n starts where tier n-1's limit ends.
 */
function riskLimits(result: FieldObject, wanted: readonly string[] | undefined, fetchedAt: EpochMs): VenueEvent[] {
  const bySymbol = new Map<string, { limit: number; mmr: number; deduction: number | undefined }[]>();
  field(result, 'list', 'result', arr).forEach((raw, i) => {
    const p = `result.list[${i}]`;
    const r = obj(raw, p);
    const symbol = field(r, 'symbol', p, name);
    if (wanted !== undefined && !wanted.includes(symbol)) return;
    const mmr = field(r, 'maintenanceMargin', p, rateOf);
    const imr = field(r, 'initialMargin', p, (v, q) => num(v, q, 1e3));
    const maxLeverage = field(r, 'maxLeverage', p, leverageOf);
    if (!(mmr > 0) || Math.abs(maxLeverage * imr - 1) > 0.05) {
      refuse(p, `${symbol}: maintenance ${mmr}, initial ${imr} and ${maxLeverage}x are not fractions of one table`);
    }
    const rows = bySymbol.get(symbol) ?? [];
    rows.push({ limit: field(r, 'riskLimitValue', p, (v, q) => num(v, q, 1e13)), mmr, deduction: optional(r, 'mmDeduction', p, moneyOf) });
    bySymbol.set(symbol, rows);
  });
  const tables = [...bySymbol].map(([symbol, rows]) => {
    const sorted = [...rows].sort((a, b) => a.limit - b.limit);
    const table = checkedTierTable(
      sorted.map((row, i) => ({
        floor: i === 0 ? 0 : sorted[i - 1]!.limit,
        cap: row.limit,
        mmr: row.mmr,
        ...(row.deduction === undefined ? {} : { deduction: row.deduction }),
      })),
      'notional',
    );
    if (typeof table === 'string') return refuse('result.list', `${symbol}: ${table}`);
    return { symbol, table };
  });
  return [{ kind: 'tiers', tables, fetchedAt }];
}

/** Get Account Info, https://bybit-exchange.github.io/docs/v5/account/account-info: `{"marginMode":"REGULAR_MARGIN"}`. */
function accountInfo(result: FieldObject): VenueEvent[] {
  const mode = field(result, 'marginMode', 'result', (v, p) => oneOf(v, p, ['ISOLATED_MARGIN', 'REGULAR_MARGIN', 'PORTFOLIO_MARGIN'] as const));
  return [{ kind: 'account-mode', marginMode: mode === 'ISOLATED_MARGIN' ? 'isolated' : 'cross' }];
}

/** A REST reply: `{"retCode":0,"retMsg":"OK","result":{...},"time":...}`; retCode != 0 is a venue error. */
export function parseRest(call: RestCall, status: number, body: string, ctx: ParseContext): ParseResult {
  const json = parseJsonText(body);
  if (json === undefined) return malformed('', `HTTP ${status}: not JSON`);
  return guardParse(() => {
    const o = obj(json.value, '');
    const code = field(o, 'retCode', '', (v, p) => num(v, p, 1e9));
    if (code !== 0) return parsed([{ kind: 'venue-error', code: String(code), message: String(o['retMsg'] ?? '').slice(0, 200) }]);
    if (status < 200 || status >= 300) return malformed('', `HTTP ${status}`);
    const result = field(o, 'result', '', obj);
    switch (call.purpose) {
      case 'positions':
        return positions(field(result, 'list', 'result', arr), 'result.list', 'snapshot', ctx.now);
      case 'balance': {
        const list = field(result, 'list', 'result', arr);
        if (list.length === 0) return refuse('result.list', 'no unified account in the reply');
        return [wallet(obj(list[0], 'result.list[0]'), 'result.list[0]', ctx.now)];
      }
      case 'account-config':
        return accountInfo(result);
      case 'tiers':
        return riskLimits(result, call.symbols, ctx.now);
      default:
        return unknownFrame(`no Bybit call for ${call.purpose}`);
    }
  });
}
