import type { QuietHours } from './alert-ladder.ts';

const DAY_MINUTES = 1440;
const MINUTE_MS = 60_000;

/** The local minute of the day at `nowMs`, from the injected time and the UTC offset (no time-zone database). */
export function localMinuteOfDay(nowMs: number, utcOffsetMinutes: number): number {
  const minute = Math.floor(nowMs / MINUTE_MS) + utcOffsetMinutes;
  return ((minute % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
}

/**
 * Whether `nowMs` falls inside the quiet hours. The window is [start, end) in local minutes and may
 * wrap midnight (22:00 to 07:00); start = end means no quiet hours. The offset is fixed, so a
 * daylight-saving change is the home's job (it passes the offset in force).
 */
export function isQuietAt(quiet: QuietHours | null, nowMs: number): boolean {
  if (quiet === null || quiet.startMinute === quiet.endMinute) return false;
  const m = localMinuteOfDay(nowMs, quiet.utcOffsetMinutes);
  return quiet.startMinute < quiet.endMinute
    ? m >= quiet.startMinute && m < quiet.endMinute
    : m >= quiet.startMinute || m < quiet.endMinute;
}
