import { applyVenueEvents, type AccountState } from '../engine/positions/account-state.ts';
import type { Account } from '../engine/positions/account.ts';
import type { FeedEvent } from '../engine/positions/feed-notices.ts';
import { reportedPosition, type VenueEvent, type VenuePosition } from '../engine/positions/venue-events.ts';
import type { EpochMs } from '../units/units.ts';
import type { Feed } from './feed.ts';

/**
 * A what-if account: positions and wallet typed by hand (the calc document, already checked by
 * parse-account-input.ts), valued at the venue's public mark feed. `marks` is an ordinary feed with
 * no access, built to watch `manualSymbols(account)`; this one lays the typed account over its state
 * (positions, balance, the typed one-tier tables winning over any the venue sent), so the live
 * monitor, the report and the alerts run exactly as for a real account. Until the venue's first mark
 * a position is valued at its typed mark.
 */
export const manualPositionKey = (p: { readonly symbol: string; readonly side: string }, index: number, all: readonly { readonly symbol: string; readonly side: string }[]): string => {
  const base = `${p.symbol}:${p.side}`;
  return all.findIndex((q) => q.symbol === p.symbol && q.side === p.side) === index ? base : `${base}:${index + 1}`;
};

export const manualSymbols = (account: Account): string[] => [...new Set(account.positions.map((p) => p.symbol))];

export function manualAccountEvents(account: Account, time: EpochMs): VenueEvent[] {
  const open: VenuePosition[] = account.positions.map((p, i, all) => reportedPosition(p, manualPositionKey(p, i, all)));
  return [
    { kind: 'positions', mode: 'snapshot', open, closed: [], time },
    { kind: 'balance', walletBalance: account.walletBalance, includesIsolatedMargin: false, time },
    { kind: 'tiers', tables: account.positions.map((p) => ({ symbol: p.symbol, table: p.tiers })), fetchedAt: time },
  ];
}

export function createManualFeed(account: Account, marks: Feed, onEvent: (event: FeedEvent) => void, now: () => EpochMs): Feed {
  const typed = manualAccountEvents(account, now());
  return {
    start() {
      marks.start();
      // Heard first, so the monitor holds the whole account before the first mark arrives.
      for (const event of typed) onEvent({ kind: 'venue', event });
    },
    stop: () => marks.stop(),
    watch: (symbols) => marks.watch(symbols),
    state: (): AccountState => applyVenueEvents(marks.state(), typed),
    health: () => marks.health(),
  };
}
