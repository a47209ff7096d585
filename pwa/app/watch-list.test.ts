import { describe, expect, it } from 'vitest';
import type { SecretStore } from '../../shared/ports/secret-store.ts';
import { DEFAULT_SETTINGS, secretName, type AccountSettings, type PwaSettings } from '../platform/settings-record.ts';
import { watchedSimulator, watchList } from './watch-list.ts';

const memoryVault = (entries: Record<string, string>): SecretStore => ({
  get: async (name) => entries[name],
  put: async () => undefined,
  delete: async () => undefined,
  names: async () => Object.keys(entries),
});
const origins = { sim: null, page: 'http://127.0.0.1:8790' };
const account = (patch: Partial<AccountSettings>): AccountSettings => ({
  id: 'binance:main',
  label: 'Main',
  venue: 'binance',
  source: 'keys',
  address: null,
  ladder: [0.4, 0.7, 0.9, 1],
  target: 0.3,
  manual: null,
  ...patch,
});
const live = (accounts: AccountSettings[], more: Partial<PwaSettings> = {}): PwaSettings => ({ ...DEFAULT_SETTINGS, demoMode: false, accounts, ...more });

describe('watchList', () => {
  it("demo mode: the simulator's four demo accounts, on the page's origin unless one is named", async () => {
    const w = await watchList({ ...DEFAULT_SETTINGS, accounts: [account({})] }, origins, async () => 'unused');
    expect(w.accounts.map((a) => a.id)).toEqual(['binance:demo', 'bybit:demo', 'okx:demo', 'hyperliquid:demo']);
    expect(w.simulatorOrigin).toBe('http://127.0.0.1:8790');
    expect((await watchList(DEFAULT_SETTINGS, { ...origins, sim: 'http://127.0.0.1:8780' }, async () => 'unused')).simulatorOrigin).toBe('http://127.0.0.1:8780');
  });

  it('demo mode off: every account with its access, ladder and target; the real venues without a simulator', async () => {
    const hl = account({ id: 'hyperliquid:hl', venue: 'hyperliquid', label: 'HL', address: `0x${'a'.repeat(40)}` });
    const plan = account({ id: 'okx:plan-plan', venue: 'okx', source: 'manual', label: 'Plan', manual: { walletBalance: 100, positions: [] } });
    const vault = memoryVault({ [secretName('binance:main', 'apiKey')]: 'k', [secretName('binance:main', 'apiSecret')]: 's' });
    const w = await watchList(live([account({}), hl, plan]), origins, async () => vault);
    expect(w.simulatorOrigin).toBeNull();
    expect(w.problems).toEqual([]);
    expect(w.accounts.map((a) => [a.id, a.mode, a.access])).toEqual([
      ['binance:main', 'live', { apiKey: 'k', apiSecret: 's' }],
      ['hyperliquid:hl', 'live', { address: `0x${'a'.repeat(40)}` }],
      ['okx:plan-plan', 'manual', {}],
    ]);
    expect(w.accounts[0]!.policy).toMatchObject({ target: 0.3, ladder: [{ level: 0.4 }, { level: 0.7 }, { level: 0.9 }, { level: 1 }] });
    expect(w.accounts[2]!.manual).toEqual({ walletBalance: 100, positions: [] });
    expect((await watchList(live([hl], { simulatorOrigin: 'http://127.0.0.1:8780' }), origins, async () => vault)).simulatorOrigin).toBe('http://127.0.0.1:8780');
  });

  it('an account whose keys cannot be had is left out with a sentence that names no key', async () => {
    const locked = await watchList(live([account({})]), origins, async () => 'Locked: give the passphrase in Settings.');
    expect(locked.accounts).toEqual([]);
    expect(locked.problems).toEqual(['Main is not watched: Locked: give the passphrase in Settings.']);
    const half = await watchList(live([account({})]), origins, async () => memoryVault({ [secretName('binance:main', 'apiKey')]: 'secret-key-text' }));
    expect(half.accounts).toEqual([]);
    expect(half.problems[0]).toMatch(/keys are not on this device/);
    expect(half.problems.join(' ')).not.toContain('secret-key-text');
  });

  it("the simulator (for watching and for Settings' key check): the page's ?sim= wins, then the record's, else none", () => {
    const named = { simulatorOrigin: 'http://127.0.0.1:8780' };
    expect(watchedSimulator('http://127.0.0.1:9000', named)).toBe('http://127.0.0.1:9000');
    expect(watchedSimulator(null, named)).toBe('http://127.0.0.1:8780');
    expect(watchedSimulator(null, { simulatorOrigin: null })).toBeNull();
  });
});
