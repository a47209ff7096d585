import { useEffect, useState } from 'react';
import { UnlockForm } from './settings/key-protection-card.tsx';
import type { VaultSession } from './vault-session.ts';

/** While a passphrase keeps the saved keys locked, the accounts that need them are not watched: say so where the trader looks, and take the passphrase here. */
export function UnlockBanner({ session }: { session: VaultSession }) {
  const [locked, setLocked] = useState(false);
  useEffect(() => {
    let live = true;
    const check = (): void => void session.isLocked().then((l) => live && setLocked(l));
    check();
    const stop = session.onChange(check);
    return () => {
      live = false;
      stop();
    };
  }, [session]);
  if (!locked) return null;
  return (
    <div className="banner banner-warn" role="region" aria-label="Unlock your keys" data-testid="unlock-banner">
      <p>
        <strong>Unlock your keys.</strong> Accounts with saved keys are not watched until you type your passphrase.
      </p>
      <UnlockForm session={session} />
    </div>
  );
}
