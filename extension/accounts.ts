import type { VenueId } from '../shared/engine/positions/account.ts';
import { parseSealedBox, type SealedBox } from './platform/secret-box.ts';

/**
 * A real account as stored (chrome.storage.local, key "accounts"): its read-only keys only inside a
 * sealed box (platform/secret-box.ts). What pages may see of it is `AccountListing`, never the box.
 */
export interface StoredAccount {
  /** `<venue>:<label slug>`: the monitor's account id, prefix of its alert ids. */
  readonly id: string;
  readonly venue: VenueId;
  readonly label: string;
  /** `simulator`: the demo build's local simulator (to try keys); `venue`: the exchange itself. */
  readonly target: 'venue' | 'simulator';
  readonly sealed: SealedBox;
}

export interface AccountListing {
  readonly id: string;
  readonly venue: VenueId;
  readonly label: string;
  readonly target: 'venue' | 'simulator';
  /** Its keys are open in this browser session (after the passphrase was given). */
  readonly unlocked: boolean;
}

const VENUES: readonly string[] = ['binance', 'bybit', 'okx', 'hyperliquid'];

export const accountIdOf = (venue: VenueId, label: string): string => `${venue}:${label.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'main'}`;

/** The stored list read back; a bad entry is reported by its path and left out, the others kept. */
export function parseStoredAccounts(raw: unknown): { readonly accounts: StoredAccount[]; readonly problems: string[] } {
  if (raw === undefined) return { accounts: [], problems: [] };
  if (!Array.isArray(raw)) return { accounts: [], problems: ['$: expected a list of accounts'] };
  const accounts: StoredAccount[] = [];
  const problems: string[] = [];
  raw.forEach((a: unknown, i) => {
    const path = `$[${i}]`;
    const r = (typeof a === 'object' && a !== null ? a : {}) as Record<string, unknown>;
    const venue = r['venue'];
    const label = r['label'];
    const target = r['target'];
    if (typeof venue !== 'string' || !VENUES.includes(venue)) return void problems.push(`${path}.venue: expected one of ${VENUES.join(', ')}`);
    if (typeof label !== 'string' || label.length === 0 || label.length > 60) return void problems.push(`${path}.label: expected 1..60 characters`);
    if (target !== 'venue' && target !== 'simulator') return void problems.push(`${path}.target: expected venue or simulator`);
    if (r['id'] !== accountIdOf(venue as VenueId, label)) return void problems.push(`${path}.id: expected ${accountIdOf(venue as VenueId, label)}`);
    const sealed = parseSealedBox(r['sealed'], `${path}.sealed`);
    if (typeof sealed === 'string') return void problems.push(sealed);
    accounts.push({ id: r['id'] as string, venue: venue as VenueId, label, target, sealed });
  });
  return { accounts, problems };
}
