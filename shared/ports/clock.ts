import type { EpochMs } from '../units/units.ts';

/** A scheduled callback that can be cancelled. */
export interface Timer {
  cancel(): void;
}

/**
 * Time for the feed: the current time and one-shot timers. The home supplies the real clock
 * (Date.now + setTimeout); tests may supply a manual one. Nothing in shared/ reads the system clock.
 */
export interface Clock {
  now(): EpochMs;
  /** Calls `run` once after `delayMs` (>= 0) unless cancelled first. */
  setTimer(delayMs: number, run: () => void): Timer;
}
