import type { Clock } from '../ports/clock.ts';
import { epochMs } from '../units/units.ts';

/**
 * The `Clock` port on the platform's own time and timers (browser, extension worker, Node alike).
 * Outside the platform-free set: this is where `Date.now` and `setTimeout` are allowed.
 */
export const systemClock: Clock = {
  now: () => epochMs(Date.now()),
  setTimer(delayMs, run) {
    const id = setTimeout(run, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(id) };
  },
};
