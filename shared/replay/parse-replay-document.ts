import type { MonitorOptions } from '../engine/monitor/account-monitor.ts';
import type { Account } from '../engine/positions/account.ts';
import { policyOverridesAt } from '../engine/monitor/parse-policy-overrides.ts';
import { isFieldError, readFields, refuse, underField, type FieldError } from '../units/field-error.ts';
import { checked, item, jsonNumber, str, strictObj } from '../units/field-readers.ts';
import { parseAccountInput } from '../exchanges/parse-account-input.ts';
import { venueAdapters } from '../exchanges/venues.ts';
import { priceSeriesAt, type PriceTick } from './parse-price-series.ts';

/**
 * The replay document (README "Replay: would it have warned me in time?"):
 *
 *   { "account": {...as calc takes it...}, "policy": {...}?, "history": [[t, {SYM: price}], ...]?,
 *     "ticks": [[t, {SYM: price}], ...], "accountId": "binance:main"?, "staleAfterMs": 10000 | null? }
 *
 * Untrusted: every field is checked here once and a refusal names it (`ticks[12][1].BTCUSDT`,
 * `account.positions[0].qty`, `policy.hysteresis`), so the runner never sees a NaN or a tick out of order.
 */
export interface ReplayDocument {
  readonly account: Account;
  /** What the monitor is created with: the policy overrides, the account's target, the account id. */
  readonly options: Partial<MonitorOptions>;
  /** Warms volatility and correlation; ends at or before the first tick. */
  readonly history: readonly PriceTick[];
  /** At least one; in time order (equal times allowed). */
  readonly ticks: readonly PriceTick[];
  /**
   * Silence after which a symbol's mark counts as stale, ms: the venue adapter's `markStaleAfterMs`
   * (what the live feed uses) unless the document overrides it; null: never stale (sparse bars).
   */
  readonly staleAfterMs: number | null;
}

const DOCUMENT_FIELDS = ['account', 'policy', 'history', 'ticks', 'accountId', 'staleAfterMs'];

function documentAt(raw: unknown): ReplayDocument {
  const o = strictObj(raw, '', DOCUMENT_FIELDS);
  if (o['account'] === undefined) refuse('account', 'required: the account as the calc command takes it');
  const input = parseAccountInput(o['account']);
  if (isFieldError(input)) {
    const e = underField('account', input);
    refuse(e.field, e.message);
  }
  const { account } = input;

  const options: { -readonly [K in keyof MonitorOptions]?: MonitorOptions[K] } = {};
  // The account's own target (calc's field) counts unless the policy sets one; callLevels are calc's
  // view of the ladder and give way to the policy's ladder here.
  if (input.options.target !== undefined) options.target = input.options.target;
  if (o['policy'] !== undefined) Object.assign(options, policyOverridesAt(o['policy'], 'policy'));
  if (o['accountId'] !== undefined) {
    options.accountId = checked(str(o['accountId'], 'accountId'), 'accountId', (id) => id.trim() !== '' && id.length <= 200, 'a non-empty string (at most 200 characters)');
  }

  const symbols = new Set(account.positions.map((p) => p.symbol));
  if (o['ticks'] === undefined) refuse('ticks', 'required: [[timeMs, {symbol: price}], ...]');
  const ticks = priceSeriesAt(o['ticks'], 'ticks', symbols);
  const first = ticks[0];
  if (first === undefined) return refuse('ticks', 'expected at least one tick');
  const history = o['history'] === undefined ? [] : priceSeriesAt(o['history'], 'history', symbols);
  const lastHistory = history[history.length - 1];
  if (lastHistory !== undefined && lastHistory.t > first.t) {
    refuse(item(item('history', history.length - 1), 0), `the history must end by the first tick (${first.t}), got ${lastHistory.t}`);
  }

  let staleAfterMs: number | null = venueAdapters[account.exchange].timing.markStaleAfterMs;
  if (o['staleAfterMs'] !== undefined) {
    const v = o['staleAfterMs'];
    staleAfterMs = v === null ? null : checked(jsonNumber(v, 'staleAfterMs'), 'staleAfterMs', (n) => n > 0, 'a duration in ms > 0, or null');
  }
  return { account, options, history, ticks, staleAfterMs };
}

/** Parses a replay document, or returns its first bad field. */
export const parseReplayDocument = (raw: unknown): ReplayDocument | FieldError => readFields(() => documentAt(raw));
