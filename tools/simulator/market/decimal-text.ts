/**
 * Numbers as the venues write them: decimal strings with a fixed number of places. Never "-0.00",
 * never exponent notation, never "NaN" (a non-finite value here is a simulator bug, so it throws).
 */
export function fixed(n: number, decimals: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`cannot format ${n}`);
  const text = n.toFixed(decimals);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/** Hyperliquid prices: at most 5 significant figures, written like Python floats ("83757.0"). */
export function hlPrice(n: number): string {
  return pythonFloat(Number(n.toPrecision(5)));
}

/** A float written the way Hyperliquid's API prints it: integers keep a ".0". */
export function pythonFloat(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`cannot format ${n}`);
  const rounded = Number(n.toFixed(8));
  const text = String(Object.is(rounded, -0) ? 0 : rounded);
  if (text.includes('e')) return rounded.toFixed(8).replace(/0+$/, '').replace(/\.$/, '.0');
  return text.includes('.') ? text : `${text}.0`;
}
