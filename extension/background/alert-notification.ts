import type { AlertDecision } from '../../shared/engine/alerts/alert-decision.ts';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { NotificationRequest } from './worker-ports.ts';

const VENUE_NAMES: Readonly<Record<VenueId, string>> = { binance: 'Binance', bybit: 'Bybit', okx: 'OKX', hyperliquid: 'Hyperliquid' };

/** 1234.5 -> "1,234.50 USDT": the amount as the engine computed it, rounded to the cent for reading. */
export const usdtText = (n: number): string => `${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} USDT`;
const duration = (sec: number): string => (sec >= 3600 ? `${Math.round(sec / 360) / 10} h` : `${Math.max(1, Math.round(sec / 60))} min`);

export const NOTIFICATION_BUTTONS = ['Open position', 'Snooze 1 h'] as const;

/**
 * A notify decision as a desktop notification: the alert id is the notification id (a reminder replaces
 * the first notice instead of stacking), the suggestion with its numbers is in the text, because on
 * macOS the buttons hide behind an overflow control. Null for decisions that notify nothing.
 */
export function alertNotification(decision: AlertDecision, venue: VenueId): NotificationRequest | null {
  if (decision.kind !== 'notify') return null;
  const a = decision.alert;
  const urgent = a.severity === 'critical' || a.severity === 'liquidation';
  const base = { id: a.id, priority: urgent ? 2 : 0, requireInteraction: urgent, buttons: [...NOTIFICATION_BUTTONS] } as const;
  if (a.kind === 'stale') return { ...base, priority: 1, title: `${VENUE_NAMES[venue]}: data stale`, message: a.reason ?? 'No fresh mark price: the figures shown may be out of date.' };
  const rho = a.riskRatio === null || !Number.isFinite(a.riskRatio) ? 'past liquidation' : `ρ ${a.riskRatio.toFixed(3)}`;
  const what =
    a.kind === 'predictive' && a.forecast !== null
      ? `${a.forecast.tierName} likely within ${duration(a.forecast.horizonSec)} (${Math.round(a.forecast.probability * 100)} %)`
      : `${a.reminder > 0 ? 'Still ' : ''}${a.tierName ?? 'Alert'}`;
  const actions: string[] = [];
  if (a.topUpUsdt !== null && a.topUpUsdt > 0) actions.push(`Add ${usdtText(a.topUpUsdt)}`);
  if (a.reduction !== null) actions.push(`reduce ${a.reduction.symbol} by ${a.reduction.qty.toPrecision(4)}${a.reduction.closesPosition ? ' (close it)' : ''}`);
  const where = a.symbol === null ? 'cross margin' : `${a.symbol} ${a.side ?? ''}`.trim();
  return {
    ...base,
    title: `${VENUE_NAMES[venue]} ${what}: ${rho}`,
    message: `${where}. ${actions.length > 0 ? `${actions.join(' or ')}.` : 'No action suggested.'}`,
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
