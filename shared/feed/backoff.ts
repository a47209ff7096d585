/**
 * Reconnect delays: exponential with jitter, so that many clients dropped together (an exchange
 * restart) do not come back in lockstep. "Equal jitter": half the ceiling is kept and the other half
 * is random, so a retry never fires at once. The randomness is injected (seeded in tests).
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 30_000 };

/** Delay before reconnect number `attempt` (0 for the first retry); `random` returns [0, 1). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return ceiling / 2 + (ceiling / 2) * random();
}
