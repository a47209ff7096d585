import type { DeviceSummary } from '../platform/device-summary.ts';
import { formatSavedAt } from './saved-at.ts';

const VAULT_TEXT = {
  none: 'No API keys are saved on this device.',
  passphrase: 'API keys are encrypted under your passphrase.',
  device: 'API keys are encrypted under a key that never leaves this device.',
} as const;

/** What is kept on this device, in plain words; null summary means the store is still opening or absent. */
export function DeviceCard({ summary, storageMissing, now }: { summary: DeviceSummary | null; storageMissing: boolean; now: number }) {
  return (
    <section className="card" aria-labelledby="device-title" data-testid="device-card">
      <h2 id="device-title">On this device</h2>
      {storageMissing ? (
        <p>This browser does not let the app save anything (private mode or storage blocked): nothing will survive a reload.</p>
      ) : summary === null ? (
        <p>Opening local data…</p>
      ) : (
        <dl className="facts">
          <dt>Accounts saved</dt>
          <dd data-testid="accounts-saved">
            {summary.accounts}
            {summary.lastSavedAt !== null && <span className="muted"> · last saved {formatSavedAt(summary.lastSavedAt, now)}</span>}
          </dd>
          <dt>Alerts in history</dt>
          <dd data-testid="alerts-saved">{summary.alerts}</dd>
          <dt>API keys</dt>
          <dd>{summary.secrets > 0 || summary.vault !== 'none' ? `${summary.secrets} saved. ${VAULT_TEXT[summary.vault]}` : VAULT_TEXT.none}</dd>
        </dl>
      )}
    </section>
  );
}
