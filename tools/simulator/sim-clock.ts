/**
 * The simulator's clock: sim time runs `speed` times faster than real time from `startMs`, plus
 * whatever `advance` added. With `manual`, only `advance` moves it (tests step the market exactly).
 * Heartbeats and disconnect timers use real time (a client's timers do not speed up); market data,
 * funding, listenKey validity and event timestamps use this clock.
 */
export interface SimClock {
  /** Sim time, epoch ms. */
  now(): number;
  /** Jumps sim time forward by `simMs` (>= 0). */
  advance(simMs: number): void;
  readonly speed: number;
  readonly startMs: number;
}

export interface SimClockOptions {
  readonly startMs: number;
  readonly speed: number;
  readonly manual?: boolean;
  /** Real monotonic ms; injectable for tests. */
  readonly realNow?: () => number;
}

export function simClock(options: SimClockOptions): SimClock {
  const realNow = options.realNow ?? (() => performance.now());
  const realStart = realNow();
  const speed = options.manual === true ? 0 : options.speed;
  if (!(Number.isFinite(options.speed) && options.speed > 0)) throw new RangeError(`speed must be > 0, got ${options.speed}`);
  let offset = 0;
  return {
    now: () => Math.floor(options.startMs + (realNow() - realStart) * speed + offset),
    advance: (simMs) => {
      if (!(simMs >= 0)) throw new RangeError('advance needs a non-negative duration');
      offset += simMs;
    },
    speed: options.speed,
    startMs: options.startMs,
  };
}

/**
 * True once per period when sim time crosses a whole multiple of `periodMs` (so a 1 s stream
 * fires on whole seconds); at most once per check, however many periods a fast clock skipped.
 */
export function cadence(periodMs: number): (now: number) => boolean {
  let next = Number.NEGATIVE_INFINITY;
  return (now) => {
    if (now < next) return false;
    next = (Math.floor(now / periodMs) + 1) * periodMs;
    return true;
  };
}
