import type { Clock, Timer } from '../ports/clock.ts';

/**
 * Collects a feed's events into batches for the coalesced live path (engine/monitor/live-batch.ts):
 * the first event of a batch sets a timer of `windowMs`, and every event until it fires joins the
 * batch. `windowMs` 0 is one task turn (whatever arrived in the same turn of the event loop); a home
 * may choose longer, but no longer than the venue's mark interval, so that a batch holds at most the
 * newest mark of each symbol and nothing a trader would see is held back a whole tick.
 */
export interface EventBatcher<E> {
  push(event: E): void;
  /** Hands on what is pending now (e.g. before a snapshot or on stop). */
  flush(): void;
  /** Cancels the pending timer; pending events are dropped. */
  stop(): void;
}

export interface BatchOptions<E> {
  readonly windowMs: number;
  /**
   * Events that close the pending batch and open the next one (the live monitor's: feed notices, so
   * that a stale or fresh notice is stepped before the marks that follow it and after those before).
   */
  readonly startsBatch?: (event: E) => boolean;
  /**
   * Events that close the batch they join: it is handed on at the end of this task turn (with whatever
   * else arrived in it, e.g. the other symbols' frames of the same tick) rather than at the window's end
   * (the homes': a mark leaving its tier band, engine/monitor/tier-band.ts, so a crossing is judged now).
   */
  readonly endsBatch?: (event: E) => boolean;
}

export function createEventBatcher<E>(clock: Pick<Clock, 'setTimer'>, options: BatchOptions<E>, onBatch: (events: readonly E[]) => void): EventBatcher<E> {
  let pending: E[] = [];
  let timer: Timer | null = null;
  const flush = (): void => {
    timer?.cancel();
    timer = null;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    onBatch(batch);
  };
  return {
    push(event) {
      if (options.startsBatch?.(event) === true) flush();
      pending.push(event);
      if (options.endsBatch?.(event) === true && options.windowMs > 0) {
        timer?.cancel();
        timer = clock.setTimer(0, flush);
      } else {
        timer ??= clock.setTimer(Math.max(0, options.windowMs), flush);
      }
    },
    flush,
    stop() {
      timer?.cancel();
      timer = null;
      pending = [];
    },
  };
}
