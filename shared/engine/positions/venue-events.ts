import type { EpochMs, Price, Qty, Ratio, Usdt } from '../../units/units.ts';
import { isFieldError, readFields } from '../../units/field-error.ts';
import type { MarginMode, Position, Side, TierTable } from './account.ts';

/**
 * What every venue adapter turns its frames and REST replies into. The account-state reducer
 * (account-state.ts) folds these into an `Account`; nothing downstream sees a venue's own vocabulary.
 * Every number here went through a checked reader (units/field-readers.ts): finite, bounded, branded.
 */

/** A mark price tick. `source: 'mid'` is a fallback (Hyperliquid `allMids`) used only until a real mark arrives. */
export interface MarkEvent {
  readonly kind: 'mark';
  readonly symbol: string;
  readonly price: Price;
  /** Venue event time, or the receive time when the venue sends none. */
  readonly time: EpochMs;
  readonly source: 'mark' | 'mid';
  /** Current funding rate per interval (a signed fraction), when the frame carries it. */
  readonly fundingRate?: Ratio;
  readonly nextFundingTime?: EpochMs;
}

/**
 * A mark event with the funding fields the frame carried, as one of four object literals: the same
 * keys in the same order as a spread of the optional fields, without two throwaway objects per frame
 * (this runs for every mark frame of every venue).
 */
export function markEvent(symbol: string, price: Price, time: EpochMs, source: MarkEvent['source'], fundingRate?: Ratio, nextFundingTime?: EpochMs): MarkEvent {
  if (fundingRate === undefined) {
    return nextFundingTime === undefined ? { kind: 'mark', symbol, price, time, source } : { kind: 'mark', symbol, price, time, source, nextFundingTime };
  }
  return nextFundingTime === undefined
    ? { kind: 'mark', symbol, price, time, source, fundingRate }
    : { kind: 'mark', symbol, price, time, source, fundingRate, nextFundingTime };
}

/**
 * The coming funding payment of a symbol, from a stream of its own (OKX `funding-rate`); the venues
 * that announce it in their mark stream put it on the `MarkEvent` instead.
 */
export interface FundingEvent {
  readonly kind: 'funding';
  readonly symbol: string;
  /** The rate of the coming payment, a signed fraction. */
  readonly fundingRate: Ratio;
  /** When it is paid. */
  readonly nextFundingTime: EpochMs;
  readonly time: EpochMs;
}

/**
 * One open position as the venue reports it, already in base units with an unsigned size.
 * `key` names the venue's position slot (symbol plus Binance `ps`, Bybit `positionIdx`, OKX
 * `mgnMode`/`posSide`, Hyperliquid coin), so that a hedge-mode long and short are two entries.
 */
export interface VenuePosition {
  readonly key: string;
  readonly symbol: string;
  readonly side: Side;
  /** Base units (OKX contracts x ctVal), > 0. */
  readonly qty: Qty;
  readonly entryPrice: Price;
  /** `account`: the venue sets the mode per account (Bybit UTA); see `AccountModeEvent`. */
  readonly marginMode: MarginMode | 'account';
  /** Isolated only: the position's margin with unrealised PnL excluded (Hyperliquid's `marginUsed` is converted). */
  readonly isolatedMargin?: Usdt;
  readonly leverage?: number;
  /** The venue's own mark in this report; used until the mark stream speaks for the symbol. */
  readonly markPrice?: Price;
  /** The venue's own liquidation price estimate, for comparison only. */
  readonly venueLiquidationPrice?: Price;
}

/** A position the user typed or a device sent, as a venue would report it in slot `key`. */
export const reportedPosition = (p: Position, key: string): VenuePosition => ({
  key,
  symbol: p.symbol,
  side: p.side,
  qty: p.qty,
  entryPrice: p.entryPrice,
  marginMode: p.marginMode,
  markPrice: p.markPrice,
  ...(p.isolatedMargin === undefined ? {} : { isolatedMargin: p.isolatedMargin }),
  ...(p.leverage === undefined ? {} : { leverage: p.leverage }),
});

/**
 * Positions from a snapshot (REST, or a venue's snapshot push) or from a stream update. A snapshot
 * replaces every position; an update replaces the named slots (`open`) and removes `closed` keys.
 * Paged snapshots (OKX) carry `page`; the reducer commits them when the last page arrives.
 */
export interface PositionsEvent {
  readonly kind: 'positions';
  readonly mode: 'snapshot' | 'update';
  readonly open: readonly VenuePosition[];
  readonly closed: readonly string[];
  readonly time: EpochMs;
  readonly page?: { readonly index: number; readonly isLast: boolean };
}

/**
 * Cross collateral, unrealised PnL excluded. `includesIsolatedMargin`: the venue's figure still holds
 * the isolated positions' margin (OKX `cashBal`), which the reducer subtracts.
 */
export interface BalanceEvent {
  readonly kind: 'balance';
  readonly walletBalance: Usdt;
  readonly includesIsolatedMargin: boolean;
  readonly time: EpochMs;
}

/** The account-wide margin mode (Bybit UTA `marginMode`), for positions whose mode is `account`. */
export interface AccountModeEvent {
  readonly kind: 'account-mode';
  readonly marginMode: MarginMode;
}

/** Maintenance tier tables by symbol, with the time they were fetched (they change; refetch when old). */
export interface TiersEvent {
  readonly kind: 'tiers';
  readonly tables: readonly { readonly symbol: string; readonly table: TierTable }[];
  readonly fetchedAt: EpochMs;
}

/** Contract sizes (OKX `ctVal`): base units per contract, needed to read positions in base units. */
export interface InstrumentsEvent {
  readonly kind: 'instruments';
  readonly instruments: readonly { readonly symbol: string; readonly contractSize: number }[];
}

/** The venue's own risk warning (Binance `MARGIN_CALL`, OKX `liquidation-warning`). Guidance only. */
export interface MarginCallEvent {
  readonly kind: 'margin-call';
  readonly time: EpochMs;
  readonly positions: readonly {
    readonly symbol: string;
    readonly side?: Side;
    readonly marginMode?: MarginMode;
    readonly markPrice?: Price;
    readonly maintenanceMargin?: Usdt;
    /** The venue's ratio as it states it (OKX `mgnRatio`), not our rho. */
    readonly venueRatio?: number;
  }[];
}

/** A private session token (Binance listenKey) was issued. */
export interface SessionEvent {
  readonly kind: 'session';
  readonly token: string;
}

/** The venue says the private session lapsed (Binance `listenKeyExpired`): a new one is needed. */
export interface SessionExpiredEvent {
  readonly kind: 'session-expired';
  readonly time: EpochMs;
}

export interface PongEvent {
  readonly kind: 'pong';
}

/** The venue's answer to a subscribe or authenticate request. */
export interface AckEvent {
  readonly kind: 'ack';
  readonly op: 'subscribe' | 'auth' | 'other';
  readonly ok: boolean;
  readonly message: string;
}

/** An error the venue sent on purpose (error code and message), as opposed to a malformed frame. */
export interface VenueErrorEvent {
  readonly kind: 'venue-error';
  readonly code: string;
  readonly message: string;
}

export type VenueEvent =
  | MarkEvent
  | FundingEvent
  | PositionsEvent
  | BalanceEvent
  | AccountModeEvent
  | TiersEvent
  | InstrumentsEvent
  | MarginCallEvent
  | SessionEvent
  | SessionExpiredEvent
  | PongEvent
  | AckEvent
  | VenueErrorEvent;

/**
 * Why a frame produced no events. `malformed`: not JSON, a missing or mistyped field, NaN, a number
 * out of bounds. `unknown`: well-formed but not a message we consume (dropped, counted separately).
 */
export interface FrameError {
  readonly kind: 'frame-error';
  readonly reason: 'malformed' | 'unknown';
  readonly field: string;
  readonly message: string;
}

export type ParseResult =
  | { readonly ok: true; readonly events: readonly VenueEvent[] }
  | { readonly ok: false; readonly error: FrameError };

export const parsed = (events: readonly VenueEvent[]): ParseResult => ({ ok: true, events });

export const malformed = (field: string, message: string): ParseResult => ({
  ok: false,
  error: { kind: 'frame-error', reason: 'malformed', field, message },
});

export const unknownFrame = (message: string): ParseResult => ({
  ok: false,
  error: { kind: 'frame-error', reason: 'unknown', field: '', message: message.slice(0, 120) },
});

/**
 * Runs a parser walk built on units/field-readers.ts. The walk returns events or a ParseResult of its
 * own (for unknown frames); any refusal becomes a `malformed` result. Never throws.
 */
export function guardParse(walk: () => readonly VenueEvent[] | ParseResult): ParseResult {
  const result = readFields(walk);
  if (isFieldError(result)) return malformed(result.field, result.message);
  return Array.isArray(result) ? parsed(result) : (result as ParseResult);
}
