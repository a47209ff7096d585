/**
 * Where a piecewise-linear function changes sign. The margin formulas of every venue are linear
 * between tier boundaries, so solving "risk ratio = k" exactly needs no iteration: fit the line on
 * each segment from two interior samples, solve it, and keep the root only if it lies in the segment.
 * A jump across zero at a boundary (OKX charges a whole position at its tier's rate) counts as a
 * crossing at that boundary. This replaces Binance's "recompute with the bracket at the liquidation
 * price" loop with a direct answer that is right in every bracket.
 */
export function zeroCrossings(
  g: (x: number) => number,
  breakpoints: readonly number[],
  lo: number,
  hi: number,
  /** Typical magnitude of x (the mark): sets the sampling span of an unbounded last segment. */
  scale: number,
): number[] {
  const inner = breakpoints.filter((b) => b > lo && b < hi).sort((a, b) => a - b);
  const edges = [lo, ...inner, hi];
  const roots: number[] = [];
  let leftLimit: number | undefined;
  for (let i = 0; i + 1 < edges.length; i++) {
    const a = edges[i] as number;
    const b = edges[i + 1] as number;
    const span = Number.isFinite(b) ? b - a : Math.max(Math.abs(a), Math.abs(scale), 1);
    const x1 = a + span / 4;
    const x2 = a + (3 * span) / 4;
    const g1 = g(x1);
    const g2 = g(x2);
    if (!Number.isFinite(g1) || !Number.isFinite(g2)) {
      leftLimit = undefined;
      continue;
    }
    const slope = (g2 - g1) / (x2 - x1);
    const atA = g1 - slope * (x1 - a);
    if (leftLimit !== undefined && leftLimit !== 0 && atA !== 0 && leftLimit < 0 !== atA < 0) roots.push(a);
    if (slope !== 0) {
      const root = a - atA / slope;
      if (root >= a && (root < b || (!Number.isFinite(b) && Number.isFinite(root)))) roots.push(refineRoot(g, root, a, b));
    }
    leftLimit = Number.isFinite(b) ? atA + slope * span : undefined;
  }
  return roots;
}

/**
 * Re-fits the line close to a root found from samples far away: when the segment spans orders of
 * magnitude more than the root's own scale (a 100x position whose liquidation sits 1 % from entry,
 * in a tier thousands of times wider), the far fit loses digits that the risk ratio at the root needs.
 */
export function refineRoot(g: (x: number) => number, root: number, a: number, b: number): number {
  let r = root;
  for (let i = 0; i < 2; i++) {
    const h = Math.max(Math.abs(r) * 1e-6, 1e-12);
    const x1 = Math.max(a, r - h);
    const x2 = Math.min(b, r + h);
    if (!(x2 > x1)) return r;
    const g1 = g(x1);
    const g2 = g(x2);
    if (g1 === g2 || !Number.isFinite(g1) || !Number.isFinite(g2)) return r;
    const next = x1 - (g1 * (x2 - x1)) / (g2 - g1);
    if (!(next >= a && next <= b) || !Number.isFinite(next)) return r;
    r = next;
  }
  return r;
}
