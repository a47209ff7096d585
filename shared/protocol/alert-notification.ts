import type { AlertEntry, AlertFunding } from './alert-log.ts';
import { oddsPercent } from './odds-text.ts';

/**
 * The words of one alert as every home shows it: a `chrome.notifications` card, a Web Push
 * notification (the relay and the extension sending to the phone), the PWA's own. One function, so a
 * trader reads the same sentence on the desktop and on the phone. iOS shows no action buttons, so the
 * body itself carries the suggestion with its numbers; the tag is the alert id, so a reminder or a
 * duplicate replaces the card instead of adding one.
 */
export interface AlertNotification {
  /** The alert id: notification tag and push dedupe key. */
  readonly tag: string;
  readonly title: string;
  readonly body: string;
  /** `high` for Critical, Liquidation and stale data (the watcher is blind): a push's Urgency. */
  readonly urgency: 'normal' | 'high';
  /** The account and subject, for the notification's "open" action. */
  readonly subject: string;
}

export interface NotificationContext {
  /** How the trader names the account, e.g. "Binance main". */
  readonly accountLabel: string;
}

// One formatter each, made once: `toLocaleString` with options builds a new Intl.NumberFormat per call,
// which was 9 % of the relay's monitor threads in the crash (every push's text has three to five numbers).
const usdtFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const priceFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 8 });
const wholeFormat = new Intl.NumberFormat('en-US');

const usdtText = (n: number): string => `${usdtFormat.format(n)} USDT`;

/** A quantity with the digits that matter and no float noise (0.18, not 0.18000000000000002). */
const qtyText = (n: number): string => String(Number(n.toPrecision(6)));

/** A price with 6 significant digits and thousands separators (97,123.4). */
const priceText = (n: number): string => priceFormat.format(Number(n.toPrecision(6)));

/**
 * "16:00", the UTC clock time of `ms`: `new Date(ms).toISOString().slice(11, 16)` without a Date and its
 * 24-character string per push (a third of the funding sentence's cost). Outside 1970 to 9999 (where
 * toISOString writes a six-digit year, and past the Date range, a RangeError) the Date's own answer.
 */
export function utcClockText(ms: number): string {
  if (!(ms >= 0 && ms < YEAR_10000_MS)) return new Date(ms).toISOString().slice(11, 16);
  // A Date keeps whole milliseconds (cut towards zero, here down).
  const inDay = Math.floor(ms) % 86_400_000;
  const hours = Math.floor(inDay / 3_600_000);
  const minutes = Math.floor((inDay % 3_600_000) / 60_000);
  return `${hours < 10 ? '0' : ''}${hours}:${minutes < 10 ? '0' : ''}${minutes}`;
}
/** 10000-01-01T00:00:00Z. */
const YEAR_10000_MS = 253_402_300_800_000;

/**
 * The text with its first character upper-cased: what `.replace(/^./, (c) => c.toUpperCase())` gave,
 * without a regular expression and a callback per push (a line terminator, which `.` does not match,
 * has no upper case either).
 */
const capitalised = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

const durationText = (sec: number): string =>
  sec >= 3600 ? `${Math.round(sec / 360) / 10} h` : sec >= 60 ? `${Math.round(sec / 60)} min` : `${Math.max(1, Math.round(sec))} s`;

/** "BTCUSDT long" for an isolated position, "cross margin" for the pool (subject-key.ts spells them). */
export function subjectLabel(subject: string): string {
  const isolated = /:isolated:([^:]+):(long|short)$/.exec(subject);
  return isolated === null ? 'cross margin' : `${isolated[1]} ${isolated[2]}`;
}

/** "Funding at 16:00 UTC costs 38 USDT: ρ 0.78 → 0.81." Only for a payment the subject makes and that moves rho. */
export function fundingSentence(funding: AlertFunding): string | null {
  const { costUsdt, riskRatioBefore: before, riskRatioAfter: after } = funding;
  if (!(costUsdt > 0)) return null;
  const at = utcClockText(funding.timeMs);
  const cost = costUsdt >= 10 ? `${wholeFormat.format(Math.round(costUsdt))} USDT` : usdtText(costUsdt);
  const rho = before === null ? '' : after === null ? `: ρ ${before.toFixed(2)} → past liquidation` : `: ρ ${before.toFixed(2)} → ${after.toFixed(2)}`;
  return `Funding at ${at} UTC costs ${cost}${rho}.`;
}

export function alertNotification(entry: AlertEntry, context: NotificationContext): AlertNotification {
  const where = `${subjectLabel(entry.subject)} · ${context.accountLabel}`;
  if (entry.kind === 'stale') {
    return { tag: entry.id, title: `Data stale · ${context.accountLabel}`, body: `Not watching: ${entry.reason}. Check the app or the venue.`, urgency: 'high', subject: entry.subject };
  }
  const f = entry.figures;
  const rho = f.riskRatio === null ? 'past liquidation' : `ρ ${f.riskRatio.toFixed(3)}`;
  const reminder = entry.reminders > 0 ? 'Reminder: ' : '';
  const head =
    entry.kind === 'predictive' && f.forecast !== null
      ? `${reminder}${entry.tierName} likely · ${where}`
      : `${reminder}${entry.tierName} · ${where}`;
  const lines: string[] = [];
  if (entry.kind === 'predictive' && f.forecast !== null) {
    const median = f.forecast.medianTimeSec === null ? '' : `, median ${durationText(f.forecast.medianTimeSec)}`;
    lines.push(`${oddsPercent(f.forecast.probability)} % within ${durationText(f.forecast.horizonSec)}${median}; now ${rho}.`);
  } else {
    const next = f.forecast === null ? '' : ` ${f.forecast.tierName}: ${oddsPercent(f.forecast.probability)} % within ${durationText(f.forecast.horizonSec)}.`;
    lines.push(`${rho}.${next}`);
  }
  const funding = f.funding === undefined ? null : fundingSentence(f.funding);
  if (funding !== null) lines.push(funding);
  const actions: string[] = [];
  if (f.topUpUsdt > 0) actions.push(`add ${usdtText(f.topUpUsdt)}`);
  if (f.reduction !== null) {
    actions.push(`${f.reduction.closesPosition ? 'close' : 'reduce'} ${f.reduction.symbol} ${f.reduction.closesPosition ? '' : `by ${qtyText(f.reduction.qty)} `}(fee ${usdtText(f.reduction.feeUsdt)})`.replace('  ', ' '));
  }
  // The smallest action back to the target first; then, separately and never capped, what keeps
  // P(liquidation in 24 h) at 1 %; then the stop to set in advance.
  if (actions.length > 0) lines.push(`${capitalised(actions.join(' or '))}.`);
  if (f.oddsTopUpUsdt > f.topUpUsdt) lines.push(`For 1 % odds of liquidation in 24 h: add ${usdtText(f.oddsTopUpUsdt)}.`);
  const stop = f.protectiveStop;
  if (stop !== null) {
    const verb = stop.side === 'long' ? 'sell' : 'buy';
    const what = stop.closesPosition ? 'all' : qtyText(stop.qty);
    lines.push(`Stop in advance: ${verb} ${what} ${stop.symbol} at ${priceText(stop.triggerPrice)} (liquidation ${priceText(stop.liquidationPrice)}).`);
  }
  const urgent = entry.severity === 'critical' || entry.severity === 'liquidation';
  return { tag: entry.id, title: head, body: lines.join(' '), urgency: urgent ? 'high' : 'normal', subject: entry.subject };
}
