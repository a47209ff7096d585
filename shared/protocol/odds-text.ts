/**
 * A probability in percent, without the sign, as every home words it (screens, notifications, pushes).
 * Odds that are not certain never read "100" or "0": 0.996 is "99", not "100", so a longer horizon's
 * 99.999 % ("> 99.9") never reads below a shorter one's (the PWA's forecast table showed 97 %, 100 %,
 * > 99.9 %, 100 % for 0.965, 0.996, 0.99999, 1). Rounded down there rather than given a decimal: the
 * forecast table's cells must stay as narrow as before to fit a phone (its e2e test measures it).
 */
export function oddsPercent(p: number): string {
  if (p >= 1) return '100';
  if (!(p > 0)) return '0';
  if (p > 0.999) return '> 99.9';
  if (p < 0.001) return '< 0.1';
  if (p >= 0.99) return '99';
  return (p * 100).toFixed(p < 0.1 ? 1 : 0);
}
