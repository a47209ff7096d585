import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { ExtensionSettings } from '../settings.ts';
import { ask, isDemoBuild } from '../platform/runtime-client.ts';
import { AccountsSection } from './accounts-section.tsx';
import { PhoneSection } from './phone-section.tsx';

const clock = (minute: number): string => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** Options: demo mode and the simulator's address; the ladder in force. Saved through the worker, which checks every field. */
function Options() {
  const [settings, setSettings] = useState<ExtensionSettings | null>(null);
  const [status, setStatus] = useState('');
  useEffect(() => {
    void ask({ kind: 'get-settings' }).then((r) => (r.kind === 'settings' ? setSettings(r.settings) : setStatus(r.detail)));
  }, []);
  if (settings === null) return <p>{status || 'Loading…'}</p>;
  const setQuiet = (field: 'startMinute' | 'endMinute', value: string): void => {
    const [h, m] = value.split(':').map(Number);
    if (settings.quietHours === null || h === undefined || m === undefined || !Number.isInteger(h) || !Number.isInteger(m)) return;
    setSettings({ ...settings, quietHours: { ...settings.quietHours, [field]: h * 60 + m, utcOffsetMinutes: -new Date().getTimezoneOffset() } });
  };
  const save = async (): Promise<void> => {
    const r = await ask({ kind: 'save-settings', settings });
    setStatus(r.kind === 'saved' ? 'Saved.' : `Not saved: ${r.detail}`);
  };
  return (
    <main>
      <h1>Margin Sentry</h1>
      <fieldset>
        <legend>Demo mode</legend>
        <label>
          <input type="checkbox" checked={settings.demo.enabled} onChange={(e) => setSettings({ ...settings, demo: { ...settings.demo, enabled: e.target.checked } })} /> Watch the local
          simulator's demo accounts (run <code>npm run sim</code>)
        </label>
        <label>
          Simulator
          <input
            data-testid="simulator-url"
            value={settings.demo.simulatorUrl}
            onChange={(e) => setSettings({ ...settings, demo: { ...settings.demo, simulatorUrl: e.target.value } })}
          />
        </label>
      </fieldset>
      <AccountsSection demoBuild={isDemoBuild()} />
      <PhoneSection />
      <fieldset>
        <legend>Call ladder (ρ = maintenance requirement / equity; 1 is liquidation)</legend>
        {(
          [
            ['watch', 'Watch', 'badge only'],
            ['marginCall', 'Margin call', 'notifies'],
            ['critical', 'Critical', 'notifies, even in quiet hours'],
          ] as const
        ).map(([field, name, what]) => (
          <label key={field}>
            {name} at ρ ≥{' '}
            <input
              data-testid={`ladder-${field}`}
              type="number"
              step="0.01"
              min="0.05"
              max="0.99"
              value={settings.ladder[field]}
              onChange={(e) => setSettings({ ...settings, ladder: { ...settings.ladder, [field]: Number(e.target.value) } })}
            />{' '}
            <span className="muted">{what}</span>
          </label>
        ))}
        <p className="muted">Liquidation at ρ ≥ 1 always notifies. Changing a level starts the alerts afresh.</p>
      </fieldset>
      <fieldset>
        <legend>Quiet hours</legend>
        <label>
          <input
            type="checkbox"
            data-testid="quiet"
            checked={settings.quietHours !== null}
            onChange={(e) =>
              setSettings({ ...settings, quietHours: e.target.checked ? { startMinute: 22 * 60, endMinute: 7 * 60, utcOffsetMinutes: -new Date().getTimezoneOffset() } : null })
            }
          />{' '}
          Hold Margin call notices (Critical and Liquidation always get through)
        </label>
        {settings.quietHours !== null && (
          <label>
            from <input type="time" value={clock(settings.quietHours.startMinute)} onChange={(e) => setQuiet('startMinute', e.target.value)} /> to{' '}
            <input type="time" value={clock(settings.quietHours.endMinute)} onChange={(e) => setQuiet('endMinute', e.target.value)} />{' '}
            <span className="muted">(this computer's time zone)</span>
          </label>
        )}
      </fieldset>
      <button type="button" onClick={() => void save()}>
        Save
      </button>{' '}
      <span data-testid="status">{status}</span>
    </main>
  );
}

const root = document.getElementById('root');
if (root !== null)
  createRoot(root).render(
    <StrictMode>
      <Options />
    </StrictMode>,
  );
