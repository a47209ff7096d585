import type { Clock, Timer } from '../ports/clock.ts';

/**
 * Work a home does after a batch that can wait for the alerts: building and posting the accounts'
 * reports, saving their snapshots. A home's accounts share one thread (the PWA's monitor worker, the
 * extension's service worker), and the frames of one tick reach it together; done at once, each
 * account's report and save sat between the evaluation of one account's crossing and the next's (and
 * in the PWA the page re-rendered for every report before it read the alert behind it). Queued here,
 * it runs one task later (a timer of 0), after the batches already due in this burst have been
 * evaluated and their notices handed on.
 *
 * A key holds one job: queued again before it ran, the newer job replaces it in its place (an
 * account's latest report, one save of its latest state).
 */
export interface DeferredWork {
  later(key: string, job: () => void): void;
  /** Runs what is queued now (e.g. before the worker saves everything). */
  flush(): void;
  /** Drops what is queued. */
  stop(): void;
}

export function createDeferredWork(clock: Pick<Clock, 'setTimer'>, onError: (error: unknown) => void): DeferredWork {
  let jobs = new Map<string, () => void>();
  let timer: Timer | null = null;
  const flush = (): void => {
    timer?.cancel();
    timer = null;
    const due = jobs;
    jobs = new Map();
    for (const job of due.values()) {
      // One account's failing report does not keep the others' saves from running.
      try {
        job();
      } catch (e) {
        onError(e);
      }
    }
  };
  return {
    later(key, job) {
      jobs.set(key, job);
      timer ??= clock.setTimer(0, flush);
    },
    flush,
    stop() {
      timer?.cancel();
      timer = null;
      jobs = new Map();
    },
  };
}
