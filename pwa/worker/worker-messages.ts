import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { VenueAccess } from '../../shared/ports/venue-adapter.ts';
import type { AccountReport } from '../../shared/protocol/account-report.ts';
import type { AccountDocument } from '../../shared/protocol/account-document.ts';
import type { AlertEntry } from '../../shared/protocol/alert-log.ts';
import type { PlainData } from '../platform/plain-data.ts';

/**
 * What crosses between the page and the monitor worker: plain protocol data only (structured clone),
 * no class instances, every number finite or null.
 */
export type WorkerToPage =
  /** The latest report of one account; `restored`: read from the saved snapshot (saved at `savedAt`), no live data yet. */
  | { readonly kind: 'report'; readonly report: AccountReport; readonly restored: boolean; readonly savedAt: number | null; readonly label: string }
  /** An alert decision to show: a new notice or a reminder (`notify`), or a resolve (close its notification). */
  | { readonly kind: 'alert'; readonly accountId: string; readonly label: string; readonly entry: AlertEntry; readonly action: 'notify' | 'resolve' }
  /** A snapshot was saved (ms since the epoch, the device's clock). */
  | { readonly kind: 'saved'; readonly accountId: string; readonly savedAt: number }
  /**
   * The account's positions or wallet changed (marks do not count): its calc document and policy, what
   * the page sends a paired relay. Never a key.
   */
  | { readonly kind: 'positions'; readonly accountId: string; readonly account: AccountDocument; readonly policy: { readonly [key: string]: PlainData } }
  /** An account left the watch list: its runner stopped, its saved state and alerts deleted. */
  | { readonly kind: 'removed'; readonly accountId: string }
  /** Something the user should read: a bad setting, a refused record, a feed that cannot start. */
  | { readonly kind: 'problem'; readonly accountId: string | null; readonly message: string };

/**
 * One account the worker is to watch, as the page resolved it from the settings record: the demo
 * accounts in demo mode, else every account in Settings. `access` is the read-only key the page took
 * out of the vault (or the Hyperliquid address, or nothing for a manual account): it lives only in
 * the worker's memory, is never saved and never appears in a message the worker sends.
 */
export interface WatchedAccount {
  /** `<venue>:<name>`: the prefix of every alert id, so it stays stable. */
  readonly id: string;
  readonly venue: VenueId;
  readonly label: string;
  readonly mode: 'demo' | 'live' | 'manual';
  readonly access: VenueAccess;
  /** The monitor's settings JSON (parse-policy-overrides.ts): ladder, target, quiet hours; `{}` is the defaults. */
  readonly policy: { readonly [key: string]: PlainData };
  /** Manual: the wallet and the typed positions (the calc document's fields), checked again in the worker. */
  readonly manual: { readonly walletBalance: number; readonly positions: PlainData } | null;
}

export type PageToWorker =
  /**
   * The accounts to watch, sent at start and after every change in Settings; the worker starts,
   * restarts (changed) and stops (gone) runners to match. `simulatorOrigin` null: the real venues.
   */
  | { readonly kind: 'watch'; readonly simulatorOrigin: string | null; readonly accounts: readonly WatchedAccount[] }
  | { readonly kind: 'snooze'; readonly accountId: string; readonly subject: string; readonly untilMs: number | null }
  | { readonly kind: 'unsnooze'; readonly accountId: string; readonly subject: string };
