import { describe, expect, it } from 'vitest';
import type { Timer } from '../ports/clock.ts';
import { createEventBatcher } from './event-batcher.ts';

/** Timers that run only when told to, in order of due time. */
function manualTimers() {
  let now = 0;
  const queue: Array<{ at: number; run: () => void; live: boolean }> = [];
  return {
    setTimer(delayMs: number, run: () => void): Timer {
      const entry = { at: now + delayMs, run, live: true };
      queue.push(entry);
      return { cancel: () => void (entry.live = false) };
    },
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const next = queue.filter((e) => e.live && e.at <= end).sort((a, b) => a.at - b.at)[0];
        if (next === undefined) break;
        next.live = false;
        now = next.at;
        next.run();
      }
      now = end;
    },
  };
}

describe('event batcher', () => {
  it('hands on every event once, in order, one batch per window', () => {
    const timers = manualTimers();
    const batches: number[][] = [];
    const batcher = createEventBatcher<number>(timers, { windowMs: 100 }, (b) => batches.push([...b]));
    batcher.push(1);
    batcher.push(2);
    timers.advance(50);
    batcher.push(3);
    expect(batches).toEqual([]);
    timers.advance(50);
    expect(batches).toEqual([[1, 2, 3]]);
    batcher.push(4);
    timers.advance(99);
    batcher.flush();
    timers.advance(500);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('an event that ends its batch hands it on at the end of the turn, with what else arrived in it; then a new window', () => {
    const timers = manualTimers();
    const batches: string[][] = [];
    const batcher = createEventBatcher<string>(timers, { windowMs: 100, endsBatch: (e) => e.endsWith('!') }, (b) => batches.push([...b]));
    batcher.push('a');
    batcher.push('b');
    timers.advance(10);
    batcher.push('cross!');
    batcher.push('same turn');
    expect(batches).toEqual([]);
    timers.advance(0);
    expect(batches).toEqual([['a', 'b', 'cross!', 'same turn']]);
    batcher.push('c');
    timers.advance(60); // the first batch's window (cancelled) would have ended here
    expect(batches).toEqual([['a', 'b', 'cross!', 'same turn']]);
    batcher.push('again!');
    timers.advance(0);
    batcher.push('d');
    timers.advance(100);
    expect(batches).toEqual([['a', 'b', 'cross!', 'same turn'], ['c', 'again!'], ['d']]);
  });

  it('window 0 is one turn: events pushed before the timer runs share a batch', () => {
    const timers = manualTimers();
    const batches: string[][] = [];
    const batcher = createEventBatcher<string>(timers, { windowMs: 0 }, (b) => batches.push([...b]));
    batcher.push('a');
    batcher.push('b');
    timers.advance(0);
    batcher.push('c');
    timers.advance(0);
    expect(batches).toEqual([['a', 'b'], ['c']]);
  });

  it('an event that starts a batch hands on the pending one first', () => {
    const timers = manualTimers();
    const batches: string[][] = [];
    const batcher = createEventBatcher<string>(timers, { windowMs: 100, startsBatch: (e) => e.startsWith('!') }, (b) => batches.push([...b]));
    batcher.push('a');
    batcher.push('!stale');
    batcher.push('b');
    timers.advance(100);
    expect(batches).toEqual([['a'], ['!stale', 'b']]);
  });

  it('stop drops what is pending and hands on nothing more', () => {
    const timers = manualTimers();
    const batches: number[][] = [];
    const batcher = createEventBatcher<number>(timers, { windowMs: 10 }, (b) => batches.push([...b]));
    batcher.push(1);
    batcher.stop();
    timers.advance(100);
    expect(batches).toEqual([]);
  });
});
