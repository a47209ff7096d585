import { ratio, usdt, type EpochMs, type Price, type Ratio, type Usdt } from '../../units/units.ts';
import type { Account, MarginMode, Position, TierTable, VenueId } from './account.ts';
import type { MarginCallEvent, VenueEvent, VenuePosition } from './venue-events.ts';

/**
 * The account as the venue's events have described it so far, and the one pure function that folds
 * the next event in. A snapshot replaces every position (so a reconnect can neither lose nor
 * duplicate one); an update replaces or removes the slots it names; marks, tiers and balances keep
 * their latest value. `accountOf` turns the state into the engine's `Account`, or says what is still
 * missing: it never fills a gap with a guess.
 */
export interface TimedPrice {
  readonly price: Price;
  readonly time: EpochMs;
}

export interface TierState {
  readonly table: TierTable;
  readonly fetchedAt: EpochMs;
}

export interface AccountState {
  readonly venue: VenueId;
  readonly balance: { readonly walletBalance: Usdt; readonly includesIsolatedMargin: boolean; readonly time: EpochMs } | null;
  /** The account-wide margin mode (Bybit UTA), for positions whose mode is `account`. */
  readonly accountMarginMode: MarginMode | null;
  /** Open positions by venue slot key. */
  readonly positions: ReadonlyMap<string, VenuePosition>;
  /** A paged snapshot being collected (OKX), committed at its last page. */
  readonly pendingSnapshot: readonly VenuePosition[] | null;
  readonly marks: ReadonlyMap<string, TimedPrice>;
  /** Mid prices (Hyperliquid allMids), used only where no mark has arrived. */
  readonly mids: ReadonlyMap<string, TimedPrice>;
  readonly funding: ReadonlyMap<string, { readonly rate: Ratio; readonly nextTime?: EpochMs }>;
  readonly tiers: ReadonlyMap<string, TierState>;
  /** Base units per contract (OKX). */
  readonly contractSizes: ReadonlyMap<string, number>;
  readonly lastMarginCall: MarginCallEvent | null;
  /** Time of the last positions snapshot committed, or null before the first. */
  readonly snapshotAt: EpochMs | null;
  /** When the venue last reported each open position (by slot key): the time of its own figures (liquidation estimate). */
  readonly reportedAt: ReadonlyMap<string, EpochMs>;
}

export const emptyAccountState = (venue: VenueId): AccountState => ({
  venue,
  balance: null,
  accountMarginMode: null,
  positions: new Map(),
  pendingSnapshot: null,
  marks: new Map(),
  mids: new Map(),
  funding: new Map(),
  tiers: new Map(),
  contractSizes: new Map(),
  lastMarginCall: null,
  snapshotAt: null,
  reportedAt: new Map(),
});

const byKey = (list: readonly VenuePosition[]): Map<string, VenuePosition> => new Map(list.map((p) => [p.key, p]));

const timesOf = (list: readonly VenuePosition[], time: EpochMs): Map<string, EpochMs> => new Map(list.map((p) => [p.key, time]));

function withPositions(state: AccountState, event: Extract<VenueEvent, { kind: 'positions' }>): AccountState {
  if (event.mode === 'update') {
    const positions = new Map(state.positions);
    const reportedAt = new Map(state.reportedAt);
    for (const key of event.closed) {
      positions.delete(key);
      reportedAt.delete(key);
    }
    for (const p of event.open) {
      positions.set(p.key, p);
      reportedAt.set(p.key, event.time);
    }
    return { ...state, positions, reportedAt };
  }
  if (event.page === undefined) {
    return { ...state, positions: byKey(event.open), pendingSnapshot: null, snapshotAt: event.time, reportedAt: timesOf(event.open, event.time) };
  }
  // A later page without its first (we joined mid-snapshot) is dropped; the next snapshot starts clean.
  const collected = event.page.index <= 1 ? event.open : state.pendingSnapshot === null ? null : [...state.pendingSnapshot, ...event.open];
  if (collected === null) return state;
  if (!event.page.isLast) return { ...state, pendingSnapshot: collected };
  return { ...state, positions: byKey(collected), pendingSnapshot: null, snapshotAt: event.time, reportedAt: timesOf(collected, event.time) };
}

function withPrice(map: ReadonlyMap<string, TimedPrice>, symbol: string, next: TimedPrice): ReadonlyMap<string, TimedPrice> {
  const current = map.get(symbol);
  // A frame delayed behind a newer one must not roll the price back.
  if (current !== undefined && current.time > next.time) return map;
  return new Map(map).set(symbol, next);
}

/** Folds one event into the state. Pure: the input state is never modified. */
export function applyVenueEvent(state: AccountState, event: VenueEvent): AccountState {
  switch (event.kind) {
    case 'mark': {
      const next = { price: event.price, time: event.time };
      const withMark = event.source === 'mark' ? { ...state, marks: withPrice(state.marks, event.symbol, next) } : { ...state, mids: withPrice(state.mids, event.symbol, next) };
      if (event.fundingRate === undefined) return withMark;
      const funding = new Map(state.funding).set(event.symbol, {
        rate: event.fundingRate,
        ...(event.nextFundingTime === undefined ? {} : { nextTime: event.nextFundingTime }),
      });
      return { ...withMark, funding };
    }
    case 'funding':
      return { ...state, funding: new Map(state.funding).set(event.symbol, { rate: event.fundingRate, nextTime: event.nextFundingTime }) };
    case 'positions':
      return withPositions(state, event);
    case 'balance':
      return { ...state, balance: { walletBalance: event.walletBalance, includesIsolatedMargin: event.includesIsolatedMargin, time: event.time } };
    case 'account-mode':
      return { ...state, accountMarginMode: event.marginMode };
    case 'tiers': {
      const tiers = new Map(state.tiers);
      for (const t of event.tables) tiers.set(t.symbol, { table: t.table, fetchedAt: event.fetchedAt });
      return { ...state, tiers };
    }
    case 'instruments': {
      const contractSizes = new Map(state.contractSizes);
      for (const i of event.instruments) contractSizes.set(i.symbol, i.contractSize);
      return { ...state, contractSizes };
    }
    case 'margin-call':
      return { ...state, lastMarginCall: event };
    default:
      // Acks, pongs, sessions and venue errors concern the connection, not the account.
      return state;
  }
}

/**
 * `state` with the price maps a fold copied (null: not copied). A module function, not a closure in the
 * fold: under tsx (keepNames) a named closure costs a defineProperty per call of the fold.
 */
function withPrices(
  state: AccountState,
  marks: AccountState['marks'] | null,
  mids: AccountState['mids'] | null,
  funding: AccountState['funding'] | null,
): AccountState {
  if (marks === null && mids === null && funding === null) return state;
  // The three keys are the state's own: written over, each keeps its place (no spread of a maybe-empty object per key).
  return { ...state, marks: marks ?? state.marks, mids: mids ?? state.mids, funding: funding ?? state.funding };
}

/**
 * Folds events in order: the same state as folding them one by one, but the price maps are copied
 * once per call rather than once per mark. A mark per frame copying every symbol's price made a second
 * of per-symbol frames cost the square of the symbols; a batch of them now costs one copy.
 */
export function applyVenueEvents(state: AccountState, events: readonly VenueEvent[]): AccountState {
  let folded = state;
  // Copies owned by this call, written in place until the next non-mark event or the end.
  let marks: Map<string, TimedPrice> | null = null;
  let mids: Map<string, TimedPrice> | null = null;
  let funding: Map<string, { readonly rate: Ratio; readonly nextTime?: EpochMs }> | null = null;
  for (const event of events) {
    if (event.kind !== 'mark') {
      folded = withPrices(folded, marks, mids, funding);
      marks = mids = funding = null;
      folded = applyVenueEvent(folded, event);
      continue;
    }
    const next = { price: event.price, time: event.time };
    if (event.source === 'mark') {
      const current = (marks ?? folded.marks).get(event.symbol);
      if (current === undefined || current.time <= next.time) (marks ??= new Map(folded.marks)).set(event.symbol, next);
    } else {
      const current = (mids ?? folded.mids).get(event.symbol);
      if (current === undefined || current.time <= next.time) (mids ??= new Map(folded.mids)).set(event.symbol, next);
    }
    // A venue repeats the same funding on every mark for hours: the map is copied only when one changes.
    const held = event.fundingRate === undefined ? undefined : (funding ?? folded.funding).get(event.symbol);
    if (event.fundingRate !== undefined && !(held !== undefined && held.rate === event.fundingRate && held.nextTime === event.nextFundingTime)) {
      (funding ??= new Map(folded.funding)).set(
        event.symbol,
        event.nextFundingTime === undefined ? { rate: event.fundingRate } : { rate: event.fundingRate, nextTime: event.nextFundingTime },
      );
    }
  }
  folded = withPrices(folded, marks, mids, funding);
  return folded;
}

/** The mode a position is margined in: its own, else the account's, else cross. */
export const resolvedMarginMode = (state: AccountState, p: VenuePosition): MarginMode =>
  p.marginMode === 'account' ? (state.accountMarginMode ?? 'cross') : p.marginMode;

/** The price a symbol is valued at now: the mark stream, else the venue's own mark in the position, else a mid. */
export function currentMark(state: AccountState, symbol: string, fallback?: Price): Price | undefined {
  return state.marks.get(symbol)?.price ?? fallback ?? state.mids.get(symbol)?.price;
}

/** Symbols of open positions, sorted. */
export const positionSymbols = (state: AccountState): string[] => [...new Set([...state.positions.values()].map((p) => p.symbol))].sort();

/** Symbols whose tiers are missing or were fetched more than `maxAgeMs` before `now`. */
export const symbolsNeedingTiers = (state: AccountState, symbols: readonly string[], now: EpochMs, maxAgeMs: number): string[] =>
  symbols.filter((s) => {
    const t = state.tiers.get(s);
    return t === undefined || now - t.fetchedAt > maxAgeMs;
  });

export type MissingPiece =
  | { readonly what: 'balance' }
  | { readonly what: 'positions' }
  | { readonly what: 'tiers'; readonly symbol: string }
  | { readonly what: 'mark'; readonly symbol: string }
  | { readonly what: 'isolated-margin'; readonly symbol: string };

export type AccountView = { readonly ok: true; readonly account: Account } | { readonly ok: false; readonly missing: readonly MissingPiece[] };

/**
 * The engine's `Account` from the state, or every piece still missing (no balance yet, no snapshot
 * yet, a position without tiers, mark or isolated margin). Cross wallet balance: a venue figure that
 * still holds the isolated margin (OKX `cashBal`) has those margins subtracted.
 */
export function accountOf(state: AccountState, options: { readonly takerFeeRate: number }): AccountView {
  const missing: MissingPiece[] = [];
  if (state.balance === null) missing.push({ what: 'balance' });
  if (state.snapshotAt === null) missing.push({ what: 'positions' });
  const positions: Position[] = [];
  let isolatedMargins = 0;
  for (const p of [...state.positions.values()].sort((a, b) => a.key.localeCompare(b.key))) {
    const tiers = state.tiers.get(p.symbol)?.table;
    const mark = currentMark(state, p.symbol, p.markPrice);
    const marginMode = resolvedMarginMode(state, p);
    if (tiers === undefined) missing.push({ what: 'tiers', symbol: p.symbol });
    if (mark === undefined) missing.push({ what: 'mark', symbol: p.symbol });
    if (marginMode === 'isolated' && p.isolatedMargin === undefined) missing.push({ what: 'isolated-margin', symbol: p.symbol });
    if (tiers === undefined || mark === undefined) continue;
    if (marginMode === 'isolated') isolatedMargins += p.isolatedMargin ?? 0;
    positions.push({
      symbol: p.symbol,
      side: p.side,
      qty: p.qty,
      entryPrice: p.entryPrice,
      markPrice: mark,
      marginMode,
      ...(marginMode === 'isolated' && p.isolatedMargin !== undefined ? { isolatedMargin: p.isolatedMargin } : {}),
      ...(p.leverage === undefined ? {} : { leverage: p.leverage }),
      tiers,
      takerFeeRate: ratio(options.takerFeeRate),
    });
  }
  if (missing.length > 0 || state.balance === null) return { ok: false, missing };
  const wallet = state.balance.includesIsolatedMargin ? state.balance.walletBalance - isolatedMargins : state.balance.walletBalance;
  return { ok: true, account: { exchange: state.venue, walletBalance: usdt(wallet), positions } };
}
