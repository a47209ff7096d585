import { VENUE_IDS } from '../../shared/engine/positions/account.ts';
import { SIMULATOR_DEMO_ACCESS } from '../../shared/exchanges/simulator-access.ts';
import type { SecretStore } from '../../shared/ports/secret-store.ts';
import type { VenueAccess } from '../../shared/ports/venue-adapter.ts';
import type { PlainData } from '../platform/plain-data.ts';
import { policyOf, secretName, SECRET_FIELDS, type PwaSettings } from '../platform/settings-record.ts';
import type { WatchedAccount } from '../worker/worker-messages.ts';

/**
 * What the monitor worker watches, from the settings record: in demo mode the simulator's four demo
 * accounts; otherwise every account in Settings, each under its own ladder and target: Hyperliquid
 * by its address, Binance, Bybit and OKX with the read-only key taken out of the vault here (the
 * worker gets it over postMessage and keeps it in memory only), manual accounts with their typed
 * positions. Venue endpoints: the simulator when an origin is known (`?sim=`, else the record's
 * `simulatorOrigin`), the real venues otherwise.
 */
export interface WatchList {
  readonly simulatorOrigin: string | null;
  readonly accounts: WatchedAccount[];
  /** Accounts that cannot be watched now and why (never a key). */
  readonly problems: string[];
}

const VENUE_NAMES = { binance: 'Binance', bybit: 'Bybit', okx: 'OKX', hyperliquid: 'Hyperliquid' } as const;

export const DEMO_WATCH: readonly WatchedAccount[] = VENUE_IDS.map((venue) => ({
  id: `${venue}:demo`,
  venue,
  label: `${VENUE_NAMES[venue]} demo`,
  mode: 'demo',
  access: SIMULATOR_DEMO_ACCESS[venue],
  policy: {},
  manual: null,
}));

/** The simulator accounts are watched on (and keys checked against): the page's `?sim=`, else the record's, else none. */
export const watchedSimulator = (pageSim: string | null, settings: Pick<PwaSettings, 'simulatorOrigin'>): string | null => pageSim ?? settings.simulatorOrigin;

export async function watchList(
  settings: PwaSettings,
  origins: { readonly sim: string | null; readonly page: string },
  vault: () => Promise<SecretStore | string>,
): Promise<WatchList> {
  const sim = watchedSimulator(origins.sim, settings);
  // The demo accounts exist only on a simulator: without one named, the page's own origin serves it (npm start).
  if (settings.demoMode) return { simulatorOrigin: sim ?? origins.page, accounts: [...DEMO_WATCH], problems: [] };
  const accounts: WatchedAccount[] = [];
  const problems: string[] = [];
  let opened: SecretStore | string | null = null;
  for (const a of settings.accounts) {
    const policy = policyOf(a, settings.quietHours) as { [key: string]: PlainData };
    const base = { id: a.id, venue: a.venue, label: a.label, policy };
    if (a.source === 'manual') {
      accounts.push({ ...base, mode: 'manual', access: {}, manual: a.manual === null ? null : { walletBalance: a.manual.walletBalance, positions: a.manual.positions as unknown as PlainData } });
      continue;
    }
    const fields = SECRET_FIELDS[a.venue];
    if (fields.length === 0) {
      accounts.push({ ...base, mode: 'live', access: a.address === null ? {} : { address: a.address }, manual: null });
      continue;
    }
    opened ??= await vault().catch(() => 'the key vault could not be opened');
    if (typeof opened === 'string') {
      problems.push(`${a.label} is not watched: ${opened}`);
      continue;
    }
    const access: { -readonly [K in keyof VenueAccess]: string } = {};
    for (const f of fields) {
      const value = await opened.get(secretName(a.id, f)).catch(() => undefined);
      if (value !== undefined) access[f] = value;
    }
    if (fields.some((f) => access[f] === undefined)) {
      problems.push(`${a.label} is not watched: its keys are not on this device any more. Remove it and add it again.`);
      continue;
    }
    accounts.push({ ...base, mode: 'live', access, manual: null });
  }
  return { simulatorOrigin: sim, accounts, problems };
}
