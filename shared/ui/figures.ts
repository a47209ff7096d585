/**
 * How figures read on every screen. A protocol number is finite or null (docs/protocol.md); null is shown
 * as what it means, given by the caller, never as "null", "NaN" or "Infinity".
 */
export const rhoText = (rho: number | null, whenNull = 'past liquidation'): string => (rho === null ? whenNull : rho.toFixed(3));

export const priceText = (p: number | null, whenNull = '—'): string =>
  p === null ? whenNull : p.toLocaleString('en-US', { maximumFractionDigits: p >= 1000 ? 1 : p >= 1 ? 4 : 6 });

export const usdtText = (n: number): string => `${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} USDT`;

export const percentText = (p: number | null, whenNull = '—'): string => (p === null ? whenNull : `${p > 0 ? '+' : ''}${p.toFixed(1)} %`);

export function ageText(ms: number): string {
  if (ms < 2_000) return 'just now';
  if (ms < 120_000) return `${Math.round(ms / 1000)} s ago`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min ago`;
  return `${Math.round(ms / 3_600_000)} h ago`;
}

export function durationText(sec: number | null): string {
  if (sec === null) return 'not in sight';
  if (sec < 3600) return `${Math.max(1, Math.round(sec / 60))} min`;
  if (sec < 172_800) return `${Math.round(sec / 360) / 10} h`;
  return `${Math.round(sec / 86_400)} d`;
}
