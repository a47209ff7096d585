import { useState } from 'react';
import { alertsSetup, readAlertsEnvironment, type AlertsSetup } from '../platform/alerts-setup.ts';

/**
 * Getting alerts onto this device. The permission prompt only ever opens from the button's tap (iOS
 * refuses any other way, and a prompt on load teaches people to click "Block").
 */
export function AlertsCard() {
  const [setup, setSetup] = useState<AlertsSetup>(() => alertsSetup(readAlertsEnvironment()));
  const [note, setNote] = useState<string | null>(null);

  const ask = async (): Promise<void> => {
    await Notification.requestPermission();
    setSetup(alertsSetup(readAlertsEnvironment()));
  };
  const test = async (): Promise<void> => {
    const registration = await navigator.serviceWorker.ready;
    await registration.showNotification('Margin Sentry', {
      body: 'Test alert: notifications reach this device.',
      icon: '/icons/icon-192.png',
      tag: 'margin-sentry-test',
      data: { navigate: registration.scope },
    });
    setNote('Test notification sent.');
  };
  return <AlertsCardView setup={setup} note={note} onAsk={() => void ask()} onTest={() => void test()} />;
}

export function AlertsCardView({ setup, note, onAsk, onTest }: { setup: AlertsSetup; note: string | null; onAsk: () => void; onTest: () => void }) {
  return (
    <section className="card" aria-labelledby="alerts-title" data-testid="alerts-card" data-setup={setup}>
      <h2 id="alerts-title">Alerts on this device</h2>
      {setup === 'ios-install' && (
        <>
          <p>On iPhone and iPad, alerts reach only an app opened from the Home Screen:</p>
          <ol>
            <li>
              Tap <strong>Share</strong> (the square with an arrow) in Safari.
            </li>
            <li>
              Choose <strong>Add to Home Screen</strong>.
            </li>
            <li>
              Open <strong>Sentry</strong> from the Home Screen and tap <strong>Enable alerts</strong> there.
            </li>
          </ol>
        </>
      )}
      {setup === 'ask' && (
        <>
          <p>Margin calls and liquidation warnings arrive as notifications, even when this page is closed.</p>
          <button type="button" className="primary" onClick={onAsk}>
            Enable alerts
          </button>
        </>
      )}
      {setup === 'granted' && (
        <>
          <p>Alerts are on for this device.</p>
          <button type="button" onClick={onTest}>
            Send a test notification
          </button>
          {note !== null && <p role="status">{note}</p>}
        </>
      )}
      {setup === 'denied' && (
        <p>Notifications are blocked for this site. Allow them in the browser&apos;s site settings, then reload this page.</p>
      )}
      {setup === 'unsupported' && <p>This browser cannot show notifications from a web app. Alerts still show on this screen while it is open.</p>}
    </section>
  );
}
