/**
 * What a sender does with a push service's answer (RFC 8030 §5-§7): 201 sent; 404/410 the
 * subscription is gone (drop it, ask the user to re-pair); 429 and 5xx retry later, honouring
 * `Retry-After` (seconds or an HTTP date); anything else is our request's fault (400 bad headers,
 * 403 bad VAPID token, 413 too large) and retrying it would only repeat the refusal.
 */
export type PushOutcome =
  | { readonly kind: 'sent' }
  | { readonly kind: 'gone'; readonly status: number }
  | { readonly kind: 'retry'; readonly status: number; readonly atMs: number }
  | { readonly kind: 'refused'; readonly status: number };

export interface RetryPolicy {
  /** Backoff for the first retry when the service names no time; doubles per attempt. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 2_000, maxDelayMs: 5 * 60_000 };

/** When a `Retry-After` value allows the next try, or null when it is absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return nowMs + Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(nowMs, date) : null;
}

export function pushOutcome(status: number, retryAfter: string | null, attempt: number, nowMs: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): PushOutcome {
  if (status >= 200 && status < 300) return { kind: 'sent' };
  if (status === 404 || status === 410) return { kind: 'gone', status };
  if (status === 429 || status >= 500) {
    const named = retryAfterMs(retryAfter, nowMs);
    const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt));
    return { kind: 'retry', status, atMs: named ?? nowMs + backoff };
  }
  return { kind: 'refused', status };
}
