import { useEffect, useState } from 'react';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { AccountListing } from '../accounts.ts';
import { ask } from '../platform/runtime-client.ts';

/**
 * Accounts: the list (never the keys), the unlock form, and a form that adds an account. The worker asks
 * the venue before it stores anything, so a wrong key shows the venue's own refusal here.
 */
const FIELDS: Readonly<Record<VenueId, ReadonlyArray<'apiKey' | 'apiSecret' | 'passphrase' | 'address'>>> = {
  binance: ['apiKey', 'apiSecret'],
  bybit: ['apiKey', 'apiSecret'],
  okx: ['apiKey', 'apiSecret', 'passphrase'],
  hyperliquid: ['address'],
};
const LABELS = { apiKey: 'API key (read-only)', apiSecret: 'API secret', passphrase: 'API passphrase', address: 'Account address' } as const;

export function AccountsSection({ demoBuild }: { readonly demoBuild: boolean }) {
  const [accounts, setAccounts] = useState<readonly AccountListing[]>([]);
  const [venue, setVenue] = useState<VenueId>('binance');
  const [label, setLabel] = useState('main');
  const [target, setTarget] = useState<'venue' | 'simulator'>(demoBuild ? 'simulator' : 'venue');
  const [access, setAccess] = useState<Record<string, string>>({});
  const [passphrase, setPassphrase] = useState('');
  const [status, setStatus] = useState('');
  const refresh = (): void => void ask({ kind: 'list-accounts' }).then((r) => r.kind === 'accounts' && setAccounts(r.accounts));
  useEffect(refresh, []);

  const add = async (): Promise<void> => {
    setStatus('Asking the venue…');
    const r = await ask({ kind: 'add-account', venue, label, target, access, passphrase });
    setStatus(r.kind === 'account-added' ? `Added ${r.id}.` : `Not added: ${r.detail}`);
    if (r.kind === 'account-added') setAccess({});
    refresh();
  };
  const unlock = async (): Promise<void> => {
    const r = await ask({ kind: 'unlock-accounts', passphrase });
    setStatus(r.kind === 'unlocked' ? `Unlocked ${r.count} account(s).` : `Still locked: ${r.detail}`);
    refresh();
  };
  const remove = async (id: string): Promise<void> => {
    const r = await ask({ kind: 'remove-account', id });
    setStatus(r.kind === 'account-removed' ? `Removed ${id}.` : r.detail);
    refresh();
  };

  return (
    <fieldset>
      <legend>Accounts</legend>
      <ul data-testid="accounts">
        {accounts.map((a) => (
          <li key={a.id}>
            {a.id} <span className="muted">({a.target === 'simulator' ? 'simulator' : a.venue}, {a.unlocked ? 'watching' : 'locked'})</span>{' '}
            <button type="button" onClick={() => void remove(a.id)}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <p className="muted">Keys are encrypted with your passphrase before they are stored, and opened only in this browser session. Use read-only keys.</p>
      <label>
        Passphrase <input data-testid="passphrase" type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
      </label>
      {accounts.some((a) => !a.unlocked) && (
        <button type="button" onClick={() => void unlock()}>
          Unlock
        </button>
      )}
      <h3>Add an account</h3>
      <label>
        Venue{' '}
        <select data-testid="venue" value={venue} onChange={(e) => setVenue(e.target.value as VenueId)}>
          {(Object.keys(FIELDS) as VenueId[]).map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      </label>
      <label>
        Name <input data-testid="label" value={label} onChange={(e) => setLabel(e.target.value)} />
      </label>
      {demoBuild && (
        <label>
          <input type="checkbox" data-testid="to-simulator" checked={target === 'simulator'} onChange={(e) => setTarget(e.target.checked ? 'simulator' : 'venue')} /> Against the local
          simulator (demo build)
        </label>
      )}
      {FIELDS[venue].map((f) => (
        <label key={f}>
          {LABELS[f]} <input data-testid={f} value={access[f] ?? ''} onChange={(e) => setAccess({ ...access, [f]: e.target.value })} />
        </label>
      ))}
      <button type="button" onClick={() => void add()}>
        Add account
      </button>{' '}
      <span data-testid="accounts-status">{status}</span>
    </fieldset>
  );
}
