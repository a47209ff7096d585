import type { Side } from '../positions/account.ts';

/**
 * Stable names for what an alert is about, and the alert ids built from them. An id is a pure function
 * of the subject, the kind, the tier and the moment the episode began, so the extension, the PWA and the
 * relay, fed the same marks with the exchange's timestamps, compute the same id and notify once.
 * A new episode (the tier left and entered again) begins at another moment and so gets a new id.
 */

export const crossSubject = (accountId: string): string => `${accountId}:cross`;
export const isolatedSubject = (accountId: string, symbol: string, side: Side): string =>
  `${accountId}:isolated:${symbol}:${side}`;
export const feedSubject = (accountId: string): string => `${accountId}:feed`;

export const tierAlertId = (subject: string, tier: string, sinceMs: number): string => `${subject}|tier|${tier}|${sinceMs}`;
export const predictiveAlertId = (subject: string, tier: string, sinceMs: number): string =>
  `${subject}|predict|${tier}|${sinceMs}`;
export const staleAlertId = (subject: string, sinceMs: number): string => `${subject}|stale|${sinceMs}`;
