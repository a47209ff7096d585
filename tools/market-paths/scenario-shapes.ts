/**
 * The deterministic shapes some scenarios lay over their noise, as log-price offsets from the start
 * price at a time since the scenario's start. Kept apart from the noise so a test (and the backtest)
 * can say exactly when a crash starts and how deep it goes.
 */

const MINUTE = 60_000;

/** crash: a 12 % fall over 45 minutes starting 5 minutes in, then a settle that gives back a third. */
export const CRASH_SHAPE = {
  startOffsetMs: 5 * MINUTE,
  fallMs: 45 * MINUTE,
  /** Fraction of the start price lost at the bottom. */
  fall: 0.12,
  settleMs: 30 * MINUTE,
  /** Fraction of the start price regained during the settle (the price ends near -8 %). */
  regain: 0.04,
} as const;

/** wick: 10 minutes in, an 8 % drop in one minute and back to the start level within three more. */
export const WICK_SHAPE = {
  startOffsetMs: 10 * MINUTE,
  downMs: 1 * MINUTE,
  depth: 0.08,
  upMs: 3 * MINUTE,
} as const;

/** trend: a steady decline of 1 % per hour (compounded), the slow bleed a long position feels. */
export const TREND_SHAPE = { perHour: -0.01 } as const;

/** Smoothstep on [0, 1]: starts and ends with zero slope, so the shape has no kink a chart would show. */
const ease = (x: number): number => {
  const c = Math.min(1, Math.max(0, x));
  return c * c * (3 - 2 * c);
};

export function crashOffset(sinceStartMs: number): number {
  const s = CRASH_SHAPE;
  const bottom = Math.log(1 - s.fall);
  const settled = Math.log(1 - s.fall + s.regain);
  const intoCrash = sinceStartMs - s.startOffsetMs;
  if (intoCrash <= 0) return 0;
  if (intoCrash <= s.fallMs) return bottom * ease(intoCrash / s.fallMs);
  return bottom + (settled - bottom) * ease((intoCrash - s.fallMs) / s.settleMs);
}

export function wickOffset(sinceStartMs: number): number {
  const s = WICK_SHAPE;
  const depth = Math.log(1 - s.depth);
  const intoWick = sinceStartMs - s.startOffsetMs;
  if (intoWick <= 0) return 0;
  if (intoWick <= s.downMs) return depth * ease(intoWick / s.downMs);
  return depth * (1 - ease((intoWick - s.downMs) / s.upMs));
}

export function trendOffset(sinceStartMs: number): number {
  return (Math.log(1 + TREND_SHAPE.perHour) * sinceStartMs) / (60 * MINUTE);
}
