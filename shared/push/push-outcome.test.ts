import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, pushOutcome, retryAfterMs } from './push-outcome.ts';

const now = Date.UTC(2026, 10, 26, 12, 0, 0);

describe('pushOutcome', () => {
  it('201 sent; 404 and 410 gone; 400, 403, 413 refused without a retry', () => {
    expect(pushOutcome(201, null, 0, now)).toEqual({ kind: 'sent' });
    expect(pushOutcome(404, null, 0, now)).toEqual({ kind: 'gone', status: 404 });
    expect(pushOutcome(410, null, 0, now)).toEqual({ kind: 'gone', status: 410 });
    for (const status of [400, 403, 413]) expect(pushOutcome(status, '5', 0, now)).toEqual({ kind: 'refused', status });
  });

  it('429 and 5xx retry at Retry-After (seconds or a date), else with doubling backoff up to the cap', () => {
    expect(pushOutcome(429, '30', 0, now)).toEqual({ kind: 'retry', status: 429, atMs: now + 30_000 });
    expect(pushOutcome(503, new Date(now + 90_000).toUTCString(), 0, now)).toEqual({ kind: 'retry', status: 503, atMs: now + 90_000 });
    expect(pushOutcome(500, null, 0, now)).toEqual({ kind: 'retry', status: 500, atMs: now + DEFAULT_RETRY_POLICY.baseDelayMs });
    expect(pushOutcome(500, null, 3, now)).toEqual({ kind: 'retry', status: 500, atMs: now + 8 * DEFAULT_RETRY_POLICY.baseDelayMs });
    expect(pushOutcome(500, 'garbage', 30, now)).toEqual({ kind: 'retry', status: 500, atMs: now + DEFAULT_RETRY_POLICY.maxDelayMs });
  });

  it('a Retry-After date in the past means now; garbage means none', () => {
    expect(retryAfterMs(new Date(now - 5_000).toUTCString(), now)).toBe(now);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });
});
