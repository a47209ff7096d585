import { describe, expect, it } from 'vitest';
import { deriveSeed, seededRandom } from '../../../tools/market-paths/seeded-random.ts';
import { DEFAULT_JUMP_TAIL_OPTIONS, emptyJumpTail, jumpRatePerSec, updateJumpTail, type JumpTailState } from './jump-tail.ts';
import { variancePerMs } from './volatility.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const calmPerMs = variancePerMs(0.5);

/** A day of 1 min marks at 50 %/yr, with the given one-minute moves (log) at the given minutes. */
function dayWith(jumps: Readonly<Record<number, number>>, seed = 1): JumpTailState {
  const rng = seededRandom(deriveSeed(seed, 'jump-tail'));
  let x = Math.log(100);
  let state = emptyJumpTail();
  for (let k = 0; k <= 1440; k += 1) {
    if (k > 0) x += jumps[k] ?? Math.sqrt(calmPerMs * MIN) * rng.normal();
    state = updateJumpTail(state, Math.exp(x), k * MIN, calmPerMs, DEFAULT_JUMP_TAIL_OPTIONS);
  }
  return state;
}

describe('jump tail', () => {
  it('sees no jump in a day of ordinary returns', () => {
    const s = dayWith({});
    expect(jumpRatePerSec(s, -0.005)).toBe(0);
    expect(jumpRatePerSec(s, 0.005)).toBe(0);
  });

  it('counts a -3 % minute as a jump of that size and direction, per unit of time', () => {
    const s = dayWith({ 600: -0.031 });
    const perDay = (d: number) => jumpRatePerSec(s, d) * 86_400;
    // One jump in about a day of observed time (decayed with a 3-day half-life: a little over one per day).
    expect(perDay(-0.02)).toBeGreaterThan(0.9);
    expect(perDay(-0.02)).toBeLessThan(1.3);
    expect(perDay(-0.03)).toBeCloseTo(perDay(-0.02), 12);
    expect(perDay(-0.035)).toBeGreaterThan(0);
    expect(perDay(-0.035)).toBeLessThan(perDay(-0.03));
    expect(perDay(-0.05)).toBe(0);
    expect(perDay(0.02)).toBe(0);
  });

  it('interpolates between sizes and falls with size', () => {
    const s = dayWith({ 100: -0.011, 500: -0.021, 900: -0.06 });
    const rates = [-0.006, -0.01, -0.012, -0.02, -0.025, -0.05, -0.06, -0.07].map((d) => jumpRatePerSec(s, d));
    for (let i = 1; i < rates.length; i += 1) expect(rates[i]).toBeLessThanOrEqual(rates[i - 1] as number);
    // Three jumps of 0.6 % or more, one of 5 % (the newest, so decayed least; the first is 13 h older, 0.88 of its weight): about 2.8.
    const ratio = (rates[0] as number) / (rates[5] as number);
    expect(ratio).toBeGreaterThan(2.7);
    expect(ratio).toBeLessThan(3);
  });

  it('judges a jump against the volatility of its moment', () => {
    // A 1 % minute in a market whose minutes move 1 % (about 725 %/yr) is no jump.
    let s = emptyJumpTail();
    const loud = variancePerMs(7.25);
    s = updateJumpTail(s, 100, 0, loud, DEFAULT_JUMP_TAIL_OPTIONS);
    s = updateJumpTail(s, 99, MIN, loud, DEFAULT_JUMP_TAIL_OPTIONS);
    expect(jumpRatePerSec(s, -0.005)).toBe(0);
    s = updateJumpTail(s, 94, 2 * MIN, loud, DEFAULT_JUMP_TAIL_OPTIONS);
    expect(jumpRatePerSec(s, -0.05)).toBeGreaterThan(0);
  });

  it('ignores bad prices, times going back and ticks inside a minute, and forgets with time', () => {
    const s = dayWith({ 600: -0.031 });
    for (const [p, t] of [[Number.NaN, 1441 * MIN], [-1, 1441 * MIN], [100, Number.POSITIVE_INFINITY], [100, 1440 * MIN + 1000], [100, 0]] as const) {
      expect(updateJumpTail(s, p, t, calmPerMs, DEFAULT_JUMP_TAIL_OPTIONS)).toBe(s);
    }
    const later = updateJumpTail(s, s.anchorPrice as number, 1440 * MIN + 9 * DAY, calmPerMs, DEFAULT_JUMP_TAIL_OPTIONS);
    expect(jumpRatePerSec(later, -0.02)).toBeLessThan(jumpRatePerSec(s, -0.02) / 5);
  });
});
