import { useEffect, useState } from 'react';
import type { SecretStore } from '../../../shared/ports/secret-store.ts';
import { makeSenderPairing, type PushSubscriber } from './sender-pairing.ts';
import { browserPushSubscriber } from './sender-pairing-port.ts';
import './sender-pairing.css';

/**
 * Settings > Desktop sender: the pairing the Margin Sentry extension takes to push to this phone with
 * no relay (docs/pwa.md, "Desktop sender"). Shown as a QR code and a copyable link; both say plainly
 * that the link is a secret.
 */
export interface SenderPairingCardProps {
  readonly vault: () => Promise<SecretStore | string>;
  readonly subscriber?: PushSubscriber;
}

type Shown = { readonly link: string; readonly qr: string | null };

export function SenderPairingCard({ vault, subscriber = browserPushSubscriber }: SenderPairingCardProps) {
  const [contact, setContact] = useState('');
  const [error, setError] = useState<{ field: string | null; message: string; otherKey: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<Shown | null>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (shown === null || shown.qr !== null) return;
    let live = true;
    // lean-qr is loaded here, on demand, not with the app.
    void import('./sender-pairing-qr.ts').then(
      ({ qrDataUrl }) => live && setShown({ ...shown, qr: qrDataUrl(shown.link) }),
      () => undefined, // the link alone still pairs
    );
    return () => {
      live = false;
    };
  }, [shown]);

  const make = async (replace: boolean): Promise<void> => {
    setError(null);
    setBusy(true);
    try {
      const store = await vault();
      if (typeof store === 'string') return setError({ field: null, message: store, otherKey: false });
      const appUrl = `${location.origin}${location.pathname}`;
      const made = await makeSenderPairing({ vault: store, subscriber, subject: contact, appUrl, replace });
      if (!made.ok) return setError({ field: made.field, message: made.message, otherKey: made.otherKey === true });
      setCopied(false);
      setShown({ link: made.link, qr: null });
    } finally {
      setBusy(false);
    }
  };

  const copy = async (): Promise<void> => {
    if (shown === null) return;
    try {
      await navigator.clipboard.writeText(shown.link);
      setCopied(true);
    } catch {
      setError({ field: null, message: 'The browser did not allow copying: select the link and copy it by hand.', otherKey: false });
    }
  };

  const bad = error !== null && error.field === 'senderContact';
  return (
    <section className="card" aria-labelledby="sender-title" data-testid="sender-pairing">
      <h2 id="sender-title">Desktop sender</h2>
      <p className="muted hint">
        The Margin Sentry extension on your computer can push its alerts straight to this phone, with no relay. Make the pairing here, then paste the link into the
        extension's options (Phone).
      </p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void make(false);
        }}
      >
        <div className="field">
          <label htmlFor="f-senderContact">Contact for the push service</label>
          <input
            id="f-senderContact"
            name="senderContact"
            autoComplete="off"
            spellCheck={false}
            value={contact}
            aria-invalid={bad}
            aria-describedby={bad ? 'f-senderContact-error' : undefined}
            onChange={(e) => setContact(e.target.value)}
          />
          {bad ? (
            <span className="field-error" role="alert" id="f-senderContact-error" data-testid="error-senderContact">
              {error.message}
            </span>
          ) : (
            <span className="muted hint">mailto:you@example.com</span>
          )}
        </div>
        {error !== null && error.field === null && (
          <p className="banner banner-error" role="alert" data-testid="sender-refusal">
            {error.message}
          </p>
        )}
        {error?.otherKey === true ? (
          <button type="button" className="primary" disabled={busy} onClick={() => void make(true)}>
            Replace the subscription and pair
          </button>
        ) : (
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Subscribing…' : shown === null ? 'Make the pairing' : 'Make it again'}
          </button>
        )}
      </form>
      {shown !== null && (
        <div className="sender-pairing" data-testid="sender-pairing-shown">
          <p className="banner banner-warn" role="note">
            This link is a secret: whoever holds it can send notifications to this phone. Give it only to your own extension. If it leaks, make a new one: the old link
            stops working (and a relay paired before must be paired again).
          </p>
          {shown.qr !== null && <img className="sender-qr" src={shown.qr} alt="QR code of the pairing link" data-testid="sender-qr" />}
          <div className="field">
            <label htmlFor="f-senderLink">Pairing link</label>
            <textarea id="f-senderLink" readOnly value={shown.link} data-testid="sender-link" onFocus={(e) => e.currentTarget.select()} />
          </div>
          <button type="button" onClick={() => void copy()}>
            {copied ? 'Copied' : 'Copy link'}
          </button>{' '}
          <button type="button" disabled={busy} onClick={() => void make(true)}>
            Make a new one
          </button>{' '}
          <button type="button" className="link" onClick={() => setShown(null)}>
            Hide
          </button>
        </div>
      )}
    </section>
  );
}
