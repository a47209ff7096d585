import { oddsPercent } from '../../shared/protocol/odds-text.ts';

/**
 * How the screens write numbers. Every formatter takes `number | null` and never prints NaN: null,
 * or a non-finite value that slipped through, shows as an em dash.
 *
 * Prices are shown at the symbol's precision: the decimals that give its mark six significant digits
 * (BTC at 64,123.5 -> 1 decimal, ETH at 3,120.25 -> 2, DOGE at 0.123456 -> 6), the same for every
 * price of that symbol (mark, entry, tiers, liquidation), so the columns line up and do not jump.
 */
export const DASH = '—';

const ok = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n);

export function priceDecimals(mark: number | null): number {
  if (!ok(mark) || mark <= 0) return 2;
  const digits = Math.floor(Math.log10(mark)) + 1;
  return Math.min(8, Math.max(0, 6 - digits));
}

export const fmtPrice = (n: number | null, decimals: number): string =>
  ok(n) ? n.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals }) : DASH;

export const fmtUsdt = (n: number | null): string =>
  ok(n) ? `${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} USDT` : DASH;

export const fmtRho = (n: number | null): string => (ok(n) ? n.toFixed(3) : DASH);

/**
 * The venue's own ratio. Null when the venue's formula has no value: past liquidation (the pool's rho is null
 * then), or no maintenance requirement at all (OKX's mgnRatio, equity over requirement, once the cross
 * positions are gone).
 */
export const fmtVenueRatio = (value: number | null, poolRho: number | null): string =>
  ok(value) ? value.toFixed(4) : poolRho === null ? 'past liquidation' : 'none (no maintenance requirement)';

export const fmtPercent = (n: number | null, decimals = 2): string => (ok(n) ? `${n > 0 ? '+' : ''}${n.toFixed(decimals)} %` : DASH);

export const fmtProbability = (p: number | null): string => (ok(p) ? `${oddsPercent(p)}\u00a0%` : DASH);

/**
 * A distance in standard deviations. A tier a hair away is "< 0.1 σ", not "0.0 σ": beside odds of 97 %
 * (the forecast table at 15 min) "0.0" read as if the tier were already reached.
 */
export function fmtSigma(sd: number | null): string {
  if (!ok(sd)) return DASH;
  if (sd > 0 && sd < 0.05) return '< 0.1 σ';
  return `${sd < 0 && sd > -0.05 ? '0.0' : sd.toFixed(1)} σ`;
}

export const fmtQty = (n: number | null): string => (ok(n) ? String(Number(n.toPrecision(6))) : DASH);

export function fmtDuration(sec: number | null): string {
  if (!ok(sec)) return DASH;
  if (sec >= 86_400) return `${(sec / 86_400).toFixed(1)} d`;
  if (sec >= 3600) return `${(sec / 3600).toFixed(1)} h`;
  if (sec >= 60) return `${Math.round(sec / 60)} min`;
  return `${Math.max(0, Math.round(sec))} s`;
}

/** "12 s ago", "3 min ago": the age of a figure. */
export const fmtAge = (ms: number | null): string => (ok(ms) ? `${fmtDuration(Math.max(0, ms) / 1000)} ago` : DASH);

export const fmtTime = (ms: number | null): string =>
  ok(ms) ? new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : DASH;
