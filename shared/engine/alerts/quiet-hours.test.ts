import { describe, expect, test } from 'vitest';
import { DEFAULT_ALERT_POLICY } from './alert-ladder.ts';
import { effectiveTierIndex } from './effective-tier.ts';
import { isQuietAt } from './quiet-hours.ts';

const at = (hh: number, mm = 0) => Date.UTC(2026, 10, 24, hh, mm);

describe('quiet hours: [start, end) in local minutes', () => {
  const evening = { startMinute: 22 * 60, endMinute: 7 * 60, utcOffsetMinutes: 0 };
  const lunch = { startMinute: 12 * 60, endMinute: 13 * 60, utcOffsetMinutes: 0 };

  test('a window within the day includes its start and excludes its end', () => {
    expect(isQuietAt(lunch, at(11, 59))).toBe(false);
    expect(isQuietAt(lunch, at(12, 0))).toBe(true);
    expect(isQuietAt(lunch, at(12, 59))).toBe(true);
    expect(isQuietAt(lunch, at(13, 0))).toBe(false);
  });

  test('a window across midnight: quiet from its start to its end the next morning', () => {
    expect(isQuietAt(evening, at(21, 59))).toBe(false);
    expect(isQuietAt(evening, at(22, 0))).toBe(true);
    expect(isQuietAt(evening, at(3, 0))).toBe(true);
    expect(isQuietAt(evening, at(6, 59))).toBe(true);
    expect(isQuietAt(evening, at(7, 0))).toBe(false);
    expect(isQuietAt(evening, at(12, 0))).toBe(false);
  });

  test('the local offset moves the window: 22:00 at UTC+2 is 20:00 UTC', () => {
    expect(isQuietAt({ ...evening, utcOffsetMinutes: 120 }, at(20, 0))).toBe(true);
    expect(isQuietAt({ ...evening, utcOffsetMinutes: 120 }, at(19, 59))).toBe(false);
  });

  test('start = end, or none, means never quiet', () => {
    expect(isQuietAt({ startMinute: 600, endMinute: 600, utcOffsetMinutes: 0 }, at(10, 0))).toBe(false);
    expect(isQuietAt(null, at(10, 0))).toBe(false);
  });
});

describe('effective tier: up at once, down only past the hysteresis band', () => {
  const { ladder } = DEFAULT_ALERT_POLICY; // levels 0.5, 0.8, 0.9, 1
  const band = 0.03;

  test('rising or level: the tier rho has reached', () => {
    expect(effectiveTierIndex(ladder, -1, 0.8, band)).toBe(1);
    expect(effectiveTierIndex(ladder, 1, 0.8, band)).toBe(1);
    expect(effectiveTierIndex(ladder, 1, 0.95, band)).toBe(2);
  });

  test('falling: the tier is kept until rho is below its level minus the band, then steps down', () => {
    expect(effectiveTierIndex(ladder, 1, 0.79, band)).toBe(1);
    expect(effectiveTierIndex(ladder, 1, 0.77, band)).toBe(1); // exactly 0.8 - 0.03: still inside the band
    expect(effectiveTierIndex(ladder, 1, 0.7699, band)).toBe(0);
    // From Critical (0.9) straight down to 0.6: below both bands, so Watch.
    expect(effectiveTierIndex(ladder, 2, 0.6, band)).toBe(0);
    expect(effectiveTierIndex(ladder, 2, 0.1, band)).toBe(-1);
  });
});
