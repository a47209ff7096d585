import { describe, expect, test } from 'vitest';
import { EMPTY_MINUTE_MOVE, updateMinuteMove, worstMinuteMove, type MinuteMoveState } from './minute-move.ts';

const play = (ticks: ReadonlyArray<readonly [number, number]>): MinuteMoveState =>
  ticks.reduce((s, [t, p]) => updateMinuteMove(s, p, t), EMPTY_MINUTE_MOVE);

describe('worstMinuteMove', () => {
  test('the worst |log return| over one-minute spans, sub-minute ticks waiting for the minute', () => {
    // 100 -> 100.5 (1 s, waits) -> 98 at 60 s (|ln 0.98| = 0.0202) -> 99 at 120 s (0.0101).
    const s = play([[0, 100], [1_000, 100.5], [60_000, 98], [120_000, 99]]);
    expect(worstMinuteMove(s, 120_000)).toBeCloseTo(Math.abs(Math.log(0.98)), 12);
  });

  test('a gap longer than two minutes is not a one-minute move: it only re-anchors', () => {
    const s = play([[0, 100], [600_000, 80], [660_000, 80.8]]);
    expect(worstMinuteMove(s, 660_000)).toBeCloseTo(Math.log(80.8 / 80), 12);
  });

  test('recent means the last 24 hours; nothing measured is null', () => {
    expect(worstMinuteMove(EMPTY_MINUTE_MOVE, 0)).toBeNull();
    const s = play([[0, 100], [60_000, 90]]);
    expect(worstMinuteMove(s, 60_000)).toBeCloseTo(Math.log(100 / 90), 12);
    expect(worstMinuteMove(s, 25 * 3_600_000)).toBeNull();
  });

  test('bounded state: one worst per hour, at most 24 hours kept', () => {
    const ticks: Array<[number, number]> = [];
    for (let k = 0; k <= 48 * 60; k += 1) ticks.push([k * 60_000, 100 * (1 + 0.001 * (k % 2))]);
    const s = play(ticks);
    expect(s.hours.length).toBeLessThanOrEqual(24);
    expect(worstMinuteMove(s, 48 * 3_600_000)).toBeCloseTo(Math.log(1.001), 12);
  });

  test('bad prices and times going back change nothing', () => {
    const s = play([[0, 100], [60_000, 99]]);
    expect(updateMinuteMove(s, Number.NaN, 120_000)).toBe(s);
    expect(updateMinuteMove(s, -1, 120_000)).toBe(s);
  });
});
