import type { AccountReport } from '../../shared/protocol/account-report.ts';
import type { AlertEntry } from '../../shared/protocol/alert-log.ts';

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
  /** Something the user should read: a bad setting, a refused record, a feed that cannot start. */
  | { readonly kind: 'problem'; readonly accountId: string | null; readonly message: string };

export type PageToWorker =
  | { readonly kind: 'start'; readonly simulatorOrigin: string }
  | { readonly kind: 'snooze'; readonly accountId: string; readonly subject: string; readonly untilMs: number | null }
  | { readonly kind: 'unsnooze'; readonly accountId: string; readonly subject: string };
