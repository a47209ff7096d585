import { describe, expect, it } from 'vitest';
import type { Timer } from '../ports/clock.ts';
import { createDeferredWork } from './deferred-work.ts';

/** Timers of 0 that run when told to, in the order they were set. */
function heldTimers() {
  const queue: Array<{ run: () => void; live: boolean }> = [];
  return {
    setTimer(_delayMs: number, run: () => void): Timer {
      const entry = { run, live: true };
      queue.push(entry);
      return { cancel: () => void (entry.live = false) };
    },
    runAll() {
      for (const e of queue.splice(0)) if (e.live) e.run();
    },
    pending: () => queue.filter((e) => e.live).length,
  };
}

describe('deferred work (the homes: reports and saves after the alerts)', () => {
  it('runs nothing at once, then every key once, the newest job in the place of the first', () => {
    const timers = heldTimers();
    const ran: string[] = [];
    const work = createDeferredWork(timers, (e) => ran.push(`error ${String(e)}`));
    work.later('report:a', () => ran.push('report a 1'));
    work.later('save:a', () => ran.push('save a'));
    work.later('report:b', () => ran.push('report b'));
    work.later('report:a', () => ran.push('report a 2'));
    expect(ran).toEqual([]);
    expect(timers.pending()).toBe(1);
    timers.runAll();
    expect(ran).toEqual(['report a 2', 'save a', 'report b']);
    // Queued again after a run: a new turn.
    work.later('report:a', () => ran.push('report a 3'));
    timers.runAll();
    expect(ran.at(-1)).toBe('report a 3');
  });

  it('keeps running the other jobs when one throws, and says so', () => {
    const timers = heldTimers();
    const ran: string[] = [];
    const work = createDeferredWork(timers, (e) => ran.push(`error ${(e as Error).message}`));
    work.later('report:a', () => {
      throw new Error('no report');
    });
    work.later('save:a', () => ran.push('save a'));
    timers.runAll();
    expect(ran).toEqual(['error no report', 'save a']);
  });

  it('flush runs what is queued now; stop drops it', () => {
    const timers = heldTimers();
    const ran: string[] = [];
    const work = createDeferredWork(timers, () => undefined);
    work.later('a', () => ran.push('a'));
    work.flush();
    expect(ran).toEqual(['a']);
    expect(timers.pending()).toBe(0);
    work.later('b', () => ran.push('b'));
    work.stop();
    timers.runAll();
    expect(ran).toEqual(['a']);
  });
});
