/**
 * When the live feed would call the marks stale (shared/feed/feed.ts, checkStale): a symbol is stale
 * once more than the venue's `markStaleAfterMs` has passed since its last mark. The replay follows a
 * symbol from its first tick on (as the feed follows it from its subscription), so a symbol the ticks
 * never carry keeps the account's mark and is never called stale.
 */
export interface SilenceDue {
  /** When the bound runs out: the last mark of the quietest symbol plus the bound. */
  readonly at: number;
  /** That last mark's time: the `since` of the stale fact (part of the alert id). */
  readonly since: number;
  /** Every symbol whose bound runs out at `at`. */
  readonly symbols: readonly string[];
}

/** The next moment a followed symbol's silence reaches `boundMs`, or null when none is followed. */
export function silenceDue(lastMarkAt: ReadonlyMap<string, number>, boundMs: number): SilenceDue | null {
  let since = Number.POSITIVE_INFINITY;
  let symbols: string[] = [];
  for (const [symbol, t] of lastMarkAt) {
    if (t < since) {
      since = t;
      symbols = [symbol];
    } else if (t === since) {
      symbols.push(symbol);
    }
  }
  return Number.isFinite(since) ? { at: since + boundMs, since, symbols } : null;
}

/** True when every followed symbol has had a mark within `boundMs` of `nowMs` (the feed's `fresh`). */
export function isEveryMarkFresh(lastMarkAt: ReadonlyMap<string, number>, boundMs: number, nowMs: number): boolean {
  for (const t of lastMarkAt.values()) if (nowMs - t > boundMs) return false;
  return true;
}
