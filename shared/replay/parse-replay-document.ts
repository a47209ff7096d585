import type { MonitorOptions } from '../engine/monitor/account-monitor.ts';
import type { Account } from '../engine/positions/account.ts';
import { isInputError, parseAccountInput } from '../exchanges/parse-account-input.ts';
import { venueAdapters } from '../exchanges/venues.ts';
import { isPolicyError, parsePolicyOverrides } from './parse-policy-overrides.ts';
import { isSeriesError, parsePriceSeries, type PriceTick } from './parse-price-series.ts';

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

export interface ReplayError {
  readonly kind: 'replay-error';
  /** Path of the bad field, e.g. `ticks[3][0]`. */
  readonly field: string;
  readonly message: string;
}

export const isReplayError = (v: unknown): v is ReplayError =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'replay-error';

const refuse = (field: string, message: string): ReplayError => ({ kind: 'replay-error', field, message });

const DOCUMENT_FIELDS = ['account', 'policy', 'history', 'ticks', 'accountId', 'staleAfterMs'];

export function parseReplayDocument(raw: unknown): ReplayDocument | ReplayError {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return refuse('input', 'expected an object with account and ticks');
  const o = raw as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(o)) {
    if (!DOCUMENT_FIELDS.includes(key)) return refuse(key, `unknown field (known: ${DOCUMENT_FIELDS.join(', ')})`);
  }
  if (o['account'] === undefined) return refuse('account', 'required: the account as the calc command takes it');
  const input = parseAccountInput(o['account']);
  if (isInputError(input)) return refuse(input.field === 'input' ? 'account' : `account.${input.field}`, input.message);
  const { account } = input;

  const options: { -readonly [K in keyof MonitorOptions]?: MonitorOptions[K] } = {};
  // The account's own target (calc's field) counts unless the policy sets one; callLevels are calc's
  // view of the ladder and give way to the policy's ladder here.
  if (input.options.target !== undefined) options.target = input.options.target;
  if (o['policy'] !== undefined) {
    const overrides = parsePolicyOverrides(o['policy'], 'policy');
    if (isPolicyError(overrides)) return refuse(overrides.field, overrides.message);
    Object.assign(options, overrides);
  }
  if (o['accountId'] !== undefined) {
    const id = o['accountId'];
    if (typeof id !== 'string' || id.trim() === '' || id.length > 200) return refuse('accountId', 'expected a non-empty string (at most 200 characters)');
    options.accountId = id;
  }

  const symbols = new Set(account.positions.map((p) => p.symbol));
  if (o['ticks'] === undefined) return refuse('ticks', 'required: [[timeMs, {symbol: price}], ...]');
  const ticks = parsePriceSeries(o['ticks'], 'ticks', symbols);
  if (isSeriesError(ticks)) return refuse(ticks.field, ticks.message);
  const first = ticks[0];
  if (first === undefined) return refuse('ticks', 'expected at least one tick');
  const history = o['history'] === undefined ? [] : parsePriceSeries(o['history'], 'history', symbols);
  if (isSeriesError(history)) return refuse(history.field, history.message);
  const lastHistory = history[history.length - 1];
  if (lastHistory !== undefined && lastHistory.t > first.t) {
    return refuse(`history[${history.length - 1}][0]`, `the history must end by the first tick (${first.t}), got ${lastHistory.t}`);
  }

  let staleAfterMs: number | null = venueAdapters[account.exchange].timing.markStaleAfterMs;
  if (o['staleAfterMs'] !== undefined) {
    const v = o['staleAfterMs'];
    if (v !== null && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) return refuse('staleAfterMs', 'expected a duration in ms > 0, or null');
    staleAfterMs = v;
  }
  return { account, options, history, ticks, staleAfterMs };
}
