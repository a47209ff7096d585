import type { AlertDecision } from '../../shared/engine/alerts/alert-decision.ts';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { AlertLog } from '../../shared/protocol/alert-log.ts';
import { alertNotification } from '../../shared/protocol/alert-notification.ts';
import type { NotificationRequest } from './worker-ports.ts';

const VENUE_NAMES: Readonly<Record<VenueId, string>> = { binance: 'Binance', bybit: 'Bybit', okx: 'OKX', hyperliquid: 'Hyperliquid' };

/** 1234.5 -> "1,234.50 USDT": the amount as the engine computed it, rounded to the cent for reading. */
export const usdtText = (n: number): string => `${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} USDT`;

/** "binance:main" -> "Binance main": how the notification names the account. */
export const accountLabel = (venue: VenueId, accountId: string): string => `${VENUE_NAMES[venue]} ${accountId.startsWith(`${venue}:`) ? accountId.slice(venue.length + 1) : accountId}`;

export const NOTIFICATION_BUTTONS = ['Open position', 'Snooze 1 h'] as const;

/**
 * A notify decision as a desktop notification, in the words every home uses
 * (shared/protocol/alert-notification.ts: the phone's push says the same). The alert id is the
 * notification id (a reminder replaces the first notice instead of stacking); the suggestion with its
 * numbers is in the text, because on macOS the buttons hide behind an overflow control. `log` is the
 * alert log with the decision already folded in (its entry carries the figures of the latest notice).
 * Null for decisions that notify nothing.
 */
export function desktopNotification(decision: AlertDecision, log: AlertLog, label: string): NotificationRequest | null {
  if (decision.kind !== 'notify') return null;
  const entry = log.entries.find((e) => e.id === decision.alert.id);
  if (entry === undefined) return null;
  const text = alertNotification(entry, { accountLabel: label });
  const urgent = entry.severity === 'critical' || entry.severity === 'liquidation';
  return {
    id: entry.id,
    title: text.title,
    message: text.body,
    // Stale data is high urgency for a push, but a card that stays until dismissed is for Critical and Liquidation.
    priority: urgent ? 2 : entry.kind === 'stale' ? 1 : 0,
    requireInteraction: urgent,
    buttons: [...NOTIFICATION_BUTTONS],
  };
}

/** The venue's own trading page for a symbol: where "Open position" goes. */
export function venuePageUrl(venue: VenueId, symbol: string | null): string {
  switch (venue) {
    case 'binance':
      return `https://www.binance.com/en/futures/${symbol ?? 'BTCUSDT'}`;
    case 'bybit':
      return `https://www.bybit.com/trade/usdt/${symbol ?? 'BTCUSDT'}`;
    case 'okx':
      return `https://www.okx.com/trade-swap/${(symbol ?? 'BTC-USDT-SWAP').toLowerCase()}`;
    case 'hyperliquid':
      return `https://app.hyperliquid.xyz/trade/${symbol ?? 'BTC'}`;
  }
}
