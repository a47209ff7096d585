import type { Account } from '../../shared/engine/positions/account.ts';
import type { VenueEvent } from '../../shared/engine/positions/venue-events.ts';
import { price, type EpochMs } from '../../shared/units/units.ts';

/**
 * An account as a venue's private stream sends it on start: its positions (at `marks`, the account's
 * own by default), its balance and its tier tables, all at time `t`.
 */
export function accountVenueEvents(account: Account, t: EpochMs, marks: Readonly<Record<string, number>> = {}): VenueEvent[] {
  return [
    {
      kind: 'positions', mode: 'snapshot', closed: [], time: t,
      open: account.positions.map((p) => ({
        key: `${p.symbol}:${p.side}`, symbol: p.symbol, side: p.side, qty: p.qty, entryPrice: p.entryPrice, marginMode: p.marginMode,
        ...(p.isolatedMargin === undefined ? {} : { isolatedMargin: p.isolatedMargin }),
        ...(p.leverage === undefined ? {} : { leverage: p.leverage }),
        markPrice: marks[p.symbol] === undefined ? p.markPrice : price(marks[p.symbol]!),
      })),
    },
    { kind: 'balance', walletBalance: account.walletBalance, includesIsolatedMargin: false, time: t },
    { kind: 'tiers', fetchedAt: t, tables: account.positions.map((p) => ({ symbol: p.symbol, table: p.tiers })) },
  ];
}
