import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { DEFAULT_LADDER } from '../../shared/engine/alerts/alert-ladder.ts';
import type { ExtensionSettings } from '../settings.ts';
import { ask, isDemoBuild } from '../platform/runtime-client.ts';
import { AccountsSection } from './accounts-section.tsx';

/** Options: demo mode and the simulator's address; the ladder in force. Saved through the worker, which checks every field. */
function Options() {
  const [settings, setSettings] = useState<ExtensionSettings | null>(null);
  const [status, setStatus] = useState('');
  useEffect(() => {
    void ask({ kind: 'get-settings' }).then((r) => (r.kind === 'settings' ? setSettings(r.settings) : setStatus(r.detail)));
  }, []);
  if (settings === null) return <p>{status || 'Loading…'}</p>;
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
      <fieldset>
        <legend>Call ladder</legend>
        <table>
          <tbody>
            {DEFAULT_LADDER.map((l) => (
              <tr key={l.level}>
                <td>ρ ≥ {l.level}</td>
                <td>{l.name}</td>
                <td className="muted">{l.push ? 'notifies' : 'badge only'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">Quiet hours: none (Critical and Liquidation always notify).</p>
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
