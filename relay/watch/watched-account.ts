import { emptyAccountState, type AccountState } from '../../shared/engine/positions/account-state.ts';
import type { Account, VenueId } from '../../shared/engine/positions/account.ts';
import { reportedPosition, type VenuePosition } from '../../shared/engine/positions/venue-events.ts';
import type { MonitorOptions } from '../../shared/engine/monitor/account-monitor.ts';
import { parsePolicyOverrides } from '../../shared/engine/monitor/parse-policy-overrides.ts';
import { parseAccountInput } from '../../shared/exchanges/parse-account-input.ts';
import { defaultTakerFeeRate } from '../../shared/exchanges/venues.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import { epochMs, usdt, type EpochMs } from '../../shared/units/units.ts';

/**
 * One account of a stored device snapshot, ready for a live monitor: the snapshot gives positions,
 * balance and tiers (the phone read them from the venue with its keys), the relay's public feed gives
 * the marks. The snapshot was checked at the door (devices/device-snapshot.ts); it is parsed again
 * here because the store is a boundary too (a row written by an older relay, a hand-edited file).
 */
export interface WatchedAccount {
  readonly accountId: string;
  readonly venue: VenueId;
  /** The venue's symbols of the account's positions. */
  readonly symbols: readonly string[];
  /** The account as a feed state without marks: `{ ...base, marks: feed.marks }` is the feed state the monitor reads. */
  readonly base: AccountState;
  readonly takerFeeRate: number;
  readonly options: Partial<MonitorOptions>;
}

export interface DeviceAccounts {
  readonly takenAtMs: number;
  readonly accounts: readonly WatchedAccount[];
}

/** The account as the feed state a venue's own private stream would have built (positions, balance, tiers). */
export function baseStateOf(account: Account, takenAt: number): AccountState {
  const takenAtMs = epochMs(takenAt);
  const empty = emptyAccountState(account.exchange);
  const positions = new Map<string, VenuePosition>();
  const tiers = new Map<string, { table: Account['positions'][number]['tiers']; fetchedAt: EpochMs }>();
  const reportedAt = new Map<string, EpochMs>();
  for (const p of account.positions) {
    // One slot per symbol, side and mode: what a hedge-mode venue would key it by.
    const key = `${p.symbol}:${p.side}:${p.marginMode}`;
    positions.set(key, reportedPosition(p, key));
    tiers.set(p.symbol, { table: p.tiers, fetchedAt: takenAtMs });
    reportedAt.set(key, takenAtMs);
  }
  return {
    ...empty,
    balance: { walletBalance: usdt(account.walletBalance), includesIsolatedMargin: false, time: takenAtMs },
    positions,
    tiers,
    snapshotAt: takenAtMs,
    reportedAt,
  };
}

/** The stored snapshot body read back, or the reason it cannot be watched (field named). */
export function readDeviceAccounts(body: string): DeviceAccounts | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return { error: 'body: not JSON' };
  }
  const doc = raw as { takenAtMs?: unknown; accounts?: unknown };
  if (typeof doc !== 'object' || doc === null || typeof doc.takenAtMs !== 'number' || !Array.isArray(doc.accounts)) return { error: 'body: expected { takenAtMs, accounts }' };
  const takenAtMs = doc.takenAtMs;
  const accounts: WatchedAccount[] = [];
  for (const [i, entry] of (doc.accounts as unknown[]).entries()) {
    const e = entry as { accountId?: unknown; account?: unknown; policy?: unknown };
    if (typeof e?.accountId !== 'string') return { error: `accounts[${i}].accountId: expected a string` };
    const input = parseAccountInput(e.account);
    if (isFieldError(input)) return { error: `accounts[${i}].account.${input.field}: ${input.message}` };
    const options: { -readonly [K in keyof MonitorOptions]?: MonitorOptions[K] } = { accountId: e.accountId };
    // As the replay reads a document: the account's own target unless the policy sets one.
    if (input.options.target !== undefined) options.target = input.options.target;
    if (e.policy !== undefined) {
      const policy = parsePolicyOverrides(e.policy, `accounts[${i}].policy`);
      if (isFieldError(policy)) return { error: `${policy.field}: ${policy.message}` };
      Object.assign(options, policy);
    }
    const venue = input.account.exchange;
    accounts.push({
      accountId: e.accountId,
      venue,
      symbols: [...new Set(input.account.positions.map((p) => p.symbol))].sort(),
      base: baseStateOf(input.account, takenAtMs),
      takerFeeRate: input.account.positions[0]?.takerFeeRate ?? defaultTakerFeeRate[venue],
      options,
    });
  }
  return { takenAtMs, accounts };
}
