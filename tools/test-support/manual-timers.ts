import type { Clock } from '../../shared/ports/clock.ts';

/** Timers the test fires itself (`fire()`), so that what joins a batch is the test's choice, not the machine's load. */
export function manualTimers(): Pick<Clock, 'setTimer'> & { fire(): void } {
  let due: (() => void)[] = [];
  return {
    setTimer: (_ms, run) => {
      let live = true;
      due.push(() => live && run());
      return { cancel: () => void (live = false) };
    },
    fire() {
      const now = due;
      due = [];
      now.forEach((run) => run());
    },
  };
}
