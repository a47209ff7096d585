import { useEffect, useState } from 'react';
import { MIN_PASSPHRASE_LENGTH, type VaultKind } from '../../platform/secret-vault.ts';
import type { VaultSession } from '../vault-session.ts';

/**
 * How the saved keys are protected: this device's non-extractable key (the default: nothing to type) or
 * a passphrase (PBKDF2, 600,000 rounds: a copied database alone opens nothing, and the keys are locked
 * after each start until it is typed). Moving between the two re-encrypts every key at once.
 */
export function KeyProtectionCard({ session }: { session: VaultSession }) {
  const [kind, setKind] = useState<VaultKind | null>(null);
  const [locked, setLocked] = useState(false);
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const refresh = async (): Promise<void> => {
    setKind(await session.kind());
    setLocked(await session.isLocked());
  };
  useEffect(() => {
    void refresh();
    return session.onChange(() => void refresh());
  }, [session]);

  const run = async (work: () => Promise<string | null>, done: string): Promise<void> => {
    setBusy(true);
    const refused = await work();
    // The card's state first, then the notice: a notice saying "now protected" above a line still naming
    // the device's key was on screen for a moment (and a browser test read it there once).
    await refresh();
    setBusy(false);
    setMessage(refused === null ? { ok: true, text: done } : { ok: false, text: refused });
    if (refused === null) {
      setFirst('');
      setSecond('');
    }
  };
  const protect = (): void => {
    if (first.length < MIN_PASSPHRASE_LENGTH) return setMessage({ ok: false, text: `The passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters.` });
    if (first !== second) return setMessage({ ok: false, text: 'The two passphrases differ.' });
    void run(() => session.protect(first), 'Your keys are now protected by the passphrase. You will type it after each start.');
  };

  return (
    <section className="card" aria-labelledby="key-protection-title" data-testid="key-protection">
      <h2 id="key-protection-title">Key protection</h2>
      <p data-testid="key-protection-kind">
        {kind === 'passphrase'
          ? locked
            ? 'Your keys are protected by a passphrase and locked.'
            : 'Your keys are protected by a passphrase (unlocked for this session).'
          : "Your keys are protected by this device's own key: no passphrase to type, but anyone using this browser profile can use them."}
      </p>
      {kind === 'passphrase' && locked && <UnlockForm session={session} />}
      {kind !== 'passphrase' && (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            protect();
          }}
        >
          <div className="field">
            <label htmlFor="vault-pass-1">New passphrase</label>
            <input id="vault-pass-1" type="password" autoComplete="new-password" value={first} onChange={(e) => setFirst(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="vault-pass-2">The passphrase again</label>
            <input id="vault-pass-2" type="password" autoComplete="new-password" value={second} onChange={(e) => setSecond(e.target.value)} />
          </div>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Encrypting…' : 'Protect with a passphrase'}
          </button>
        </form>
      )}
      {kind === 'passphrase' && !locked && (
        <button type="button" disabled={busy} onClick={() => void run(() => session.protect(null), "Your keys are now protected by this device's key.")}>
          Use this device&apos;s key instead
        </button>
      )}
      {message !== null && (
        <p className={message.ok ? 'banner banner-info' : 'banner banner-error'} role={message.ok ? 'status' : 'alert'} data-testid="key-protection-notice">
          {message.text}
        </p>
      )}
    </section>
  );
}

/** The passphrase prompt: the Settings card and the app's banner both show it while the keys are locked. */
export function UnlockForm({ session }: { session: VaultSession }) {
  const [passphrase, setPassphrase] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      noValidate
      className="unlock-form"
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        void session.unlock(passphrase).then((refused) => {
          setBusy(false);
          setRefusal(refused);
          if (refused === null) setPassphrase('');
        });
      }}
    >
      <div className="field">
        <label htmlFor="vault-unlock">Passphrase</label>
        <input id="vault-unlock" type="password" autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
      </div>
      {refusal !== null && (
        <p className="field-error" role="alert" data-testid="unlock-refusal">
          {refusal}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Unlocking…' : 'Unlock'}
      </button>
    </form>
  );
}
