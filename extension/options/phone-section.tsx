import { useEffect, useState } from 'react';
import { isFieldError } from '../../shared/units/field-error.ts';
import { parsePushPairing } from '../../shared/push/push-pairing.ts';
import type { PhonePairingStatus } from '../messages.ts';
import { ask } from '../platform/runtime-client.ts';

/**
 * The paired phone: paste the link the app shows (Settings > Desktop sender), give the accounts'
 * passphrase, and the worker pushes every alert it shows here to the phone too. The click asks Chrome
 * for the push service's host (optional_host_permissions: the known push services only;
 * docs/adr-0002-extension-push-sender.md) before the worker ever posts to it.
 */
const POLL_MS = 2_000;

const time = (ms: number | null): string => (ms === null ? 'none yet' : new Date(ms).toLocaleString());

function describe(s: PhonePairingStatus): string {
  const host = s.pushService === null ? '' : new URL(s.pushService).host;
  switch (s.state) {
    case 'unpaired':
      return 'Not paired.';
    case 'paired':
      return `Paired: pushing to the phone through ${host}.`;
    case 'locked':
      return 'Paired, locked since the browser started: give the passphrase and press Unlock; pushes wait until then.';
    case 'gone':
      return `Phone unsubscribed: ${host} no longer delivers to it. Pair again with a new link from the app.`;
  }
}

/** The push service's host as a match pattern (patterns carry no port). */
function hostPattern(link: string): string | null {
  const p = parsePushPairing(link);
  if (isFieldError(p)) return null;
  const url = new URL(p.subscription.endpoint);
  return `${url.protocol}//${url.hostname}/*`;
}

export function PhoneSection() {
  const [status, setStatus] = useState<PhonePairingStatus | null>(null);
  const [link, setLink] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [message, setMessage] = useState('');

  useEffect(() => {
    const refresh = (): void =>
      void ask({ kind: 'get-phone-pairing' }).then((r) => {
        if (r.kind !== 'phone-pairing') return;
        setStatus(r.status);
        if (r.status.state === 'gone') setMessage(''); // "Paired." from before would contradict the status
      });
    refresh();
    const timer = setInterval(refresh, POLL_MS);
    return () => clearInterval(timer);
  }, []);

  const pair = async (): Promise<void> => {
    const pattern = hostPattern(link);
    if (pattern !== null) {
      // Inside the click: Chrome asks only for a host the manifest lists as optional (or already grants).
      let granted = false;
      try {
        granted = await chrome.permissions.request({ origins: [pattern] });
      } catch {
        return setMessage(`Not paired: ${pattern.slice(0, -2)} is not a push service this extension knows (Google FCM, Apple, Mozilla, Windows).`);
      }
      if (!granted) return setMessage(`Not paired: the extension needs to reach ${pattern.slice(0, -2)} to push to the phone; Chrome did not allow it.`);
    }
    // A link that does not parse goes to the worker anyway: its refusal names the field.
    const r = await ask({ kind: 'pair-phone', link, passphrase });
    if (r.kind === 'phone-pairing') {
      setStatus(r.status);
      setLink('');
      setMessage('Paired. Alerts shown on this computer now reach the phone too.');
    } else setMessage(`Not paired: ${r.detail}`);
  };
  const unpair = async (): Promise<void> => {
    const service = status?.pushService ?? null;
    const r = await ask({ kind: 'unpair-phone' });
    // Give the host back: an unpaired extension reaches no push service (a host the manifest requires, loopback in the demo build, stays).
    if (service !== null) await chrome.permissions.remove({ origins: [`${new URL(service).protocol}//${new URL(service).hostname}/*`] }).catch(() => false);
    if (r.kind === 'phone-pairing') setStatus(r.status);
    setMessage(r.kind === 'phone-pairing' ? 'Unpaired: the keys for the phone are deleted.' : r.detail);
  };
  const unlock = async (): Promise<void> => {
    const r = await ask({ kind: 'unlock-accounts', passphrase });
    setMessage(r.kind === 'unlocked' ? 'Unlocked.' : `Still locked: ${r.detail}`);
    const s = await ask({ kind: 'get-phone-pairing' });
    if (s.kind === 'phone-pairing') setStatus(s.status);
  };

  return (
    <fieldset data-testid="phone">
      <legend>Phone (push from this computer, no relay)</legend>
      {status !== null && (
        <div data-testid="phone-status" data-state={status.state}>
          <p>
            <strong>{describe(status)}</strong>
          </p>
          {status.state !== 'unpaired' && (
            <p className="muted">
              Contact {status.subject} · paired {time(status.pairedAtMs)} · last push sent <span data-testid="phone-last-sent">{time(status.lastSentAtMs)}</span>
              {status.waiting > 0 && ` · ${status.waiting} waiting`}
            </p>
          )}
          {status.lastFailure !== null && (
            <p data-testid="phone-last-failure">
              Last failure ({new Date(status.lastFailure.atMs).toLocaleTimeString()}): {status.lastFailure.message}
            </p>
          )}
        </div>
      )}
      <p className="muted">
        In the app on the phone: Settings, Desktop sender, Copy link. The link is a secret: whoever holds it can push to your phone. It is kept encrypted with the accounts'
        passphrase.
      </p>
      <label>
        Pairing link
        <textarea
          data-testid="phone-link"
          rows={3}
          style={{ display: 'block', width: '100%', boxSizing: 'border-box', fontFamily: 'monospace' }}
          spellCheck={false}
          value={link}
          onChange={(e) => setLink(e.target.value)}
          placeholder="https://…#pair-sender=…"
        />
      </label>
      <label>
        Passphrase <input data-testid="phone-passphrase" type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
      </label>
      <button type="button" data-testid="phone-pair" onClick={() => void pair()}>
        {status?.state === 'unpaired' || status === null ? 'Pair' : 'Pair again'}
      </button>{' '}
      {status?.state === 'locked' && (
        <button type="button" onClick={() => void unlock()}>
          Unlock
        </button>
      )}{' '}
      {status !== null && status.state !== 'unpaired' && (
        <button type="button" data-testid="phone-unpair" onClick={() => void unpair()}>
          Unpair
        </button>
      )}{' '}
      <span data-testid="phone-message">{message}</span>
    </fieldset>
  );
}
