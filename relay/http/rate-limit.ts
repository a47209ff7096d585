/**
 * A token bucket per key (device id, or the caller's address for registration): `burst` requests at
 * once, refilled at `perMinute`. Time is an argument so the tests are exact. Buckets that are full
 * again are dropped, so idle devices cost nothing.
 */
export interface RateLimit {
  readonly burst: number;
  readonly perMinute: number;
}

export interface RateLimiter {
  /** Whether the request may go ahead; when not, how many seconds until it may. */
  take(key: string, nowMs: number): { ok: true } | { ok: false; retryAfterSec: number };
}

export function rateLimiter(limit: RateLimit): RateLimiter {
  const buckets = new Map<string, { tokens: number; atMs: number }>();
  const perMs = limit.perMinute / 60_000;
  return {
    take(key, nowMs) {
      const bucket = buckets.get(key) ?? { tokens: limit.burst, atMs: nowMs };
      const tokens = Math.min(limit.burst, bucket.tokens + Math.max(0, nowMs - bucket.atMs) * perMs);
      if (tokens < 1) {
        buckets.set(key, { tokens, atMs: nowMs });
        return { ok: false, retryAfterSec: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) };
      }
      if (buckets.size > 100_000) buckets.clear();
      buckets.set(key, { tokens: tokens - 1, atMs: nowMs });
      return { ok: true };
    },
  };
}
