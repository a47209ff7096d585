import { useEffect, useState, type ReactNode } from 'react';
import { VENUE_IDS } from '../../../shared/engine/positions/account.ts';
import { isFieldError } from '../../../shared/units/field-error.ts';
import { addAccount, removeAccount, type SettingsPorts } from './settings-actions.ts';
import { EMPTY_ACCOUNT_FORM, EMPTY_POSITION, parseGeneralForm, type AccountForm, type ManualPositionForm } from './settings-model.ts';
import { DEFAULT_SETTINGS, parseRelayUrl, parseSettings, SECRET_FIELDS, type PwaSettings } from '../../platform/settings-record.ts';
import { registerDevice, type Fetch } from './relay-pairing.ts';
import { phoneVapidPair } from './sender-pairing.ts';
import { SenderPairingCard } from './sender-pairing-card.tsx';
import './settings.css';

/** Notification permission as the page sees it, and the tap that asks for it. */
export interface NotificationPort {
  state(): NotificationPermission | 'unsupported';
  request(): Promise<NotificationPermission | 'unsupported'>;
}

/** Push subscription for the relay: the subscription's JSON, or a sentence saying why there is none. */
export interface RelayPort {
  readonly fetch: Fetch;
  subscribe(vapidPublicKey: string): Promise<unknown | string>;
}

export interface SettingsScreenProps {
  readonly ports: SettingsPorts;
  readonly notifications: NotificationPort;
  readonly relay: RelayPort;
}

const VENUE_NAMES = { binance: 'Binance', bybit: 'Bybit', okx: 'OKX', hyperliquid: 'Hyperliquid' } as const;
const SECRET_LABELS = { apiKey: 'API key (read-only)', apiSecret: 'API secret', passphrase: 'Passphrase' } as const;

type Errors = { field: string | null; message: string } | null;

/** A labelled input with its refusal beside it (same id scheme everywhere: `f-<field>`). */
function Field(props: { name: string; label: string; errors: Errors; children: (id: string, invalid: boolean) => ReactNode; hint?: string }) {
  const id = `f-${props.name.replace(/[^a-zA-Z0-9]+/g, '-')}`;
  const bad = props.errors !== null && props.errors.field === props.name;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.children(id, bad)}
      {props.hint !== undefined && !bad && <span className="muted hint">{props.hint}</span>}
      {bad && (
        <span className="field-error" role="alert" id={`${id}-error`} data-testid={`error-${props.name}`}>
          {props.errors!.message}
        </span>
      )}
    </div>
  );
}

function TextInput(props: { name: string; label: string; value: string; errors: Errors; onChange: (v: string) => void; type?: string; hint?: string; inputMode?: 'decimal' | 'text' }) {
  return (
    <Field name={props.name} label={props.label} errors={props.errors} {...(props.hint === undefined ? {} : { hint: props.hint })}>
      {(id, bad) => (
        <input
          id={id}
          name={props.name}
          type={props.type ?? 'text'}
          inputMode={props.inputMode}
          autoComplete="off"
          spellCheck={false}
          value={props.value}
          aria-invalid={bad}
          aria-describedby={bad ? `${id}-error` : undefined}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

function PositionRows({ positions, errors, onChange }: { positions: readonly ManualPositionForm[]; errors: Errors; onChange: (p: ManualPositionForm[]) => void }) {
  const set = (i: number, patch: Partial<ManualPositionForm>): void => onChange(positions.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  return (
    <>
      {positions.map((p, i) => {
        const n = (k: keyof ManualPositionForm): string => `positions[${i}].${k}`;
        const num = (k: keyof ManualPositionForm, label: string, hint?: string) => (
          <TextInput name={n(k)} label={label} value={p[k]} errors={errors} inputMode="decimal" onChange={(v) => set(i, { [k]: v })} {...(hint === undefined ? {} : { hint })} />
        );
        return (
          <fieldset className="position" key={i}>
            <legend>Position {i + 1}</legend>
            <TextInput name={n('symbol')} label="Symbol" value={p.symbol} errors={errors} onChange={(v) => set(i, { symbol: v })} />
            <Field name={n('side')} label="Side" errors={errors}>
              {(id) => (
                <select id={id} value={p.side} onChange={(e) => set(i, { side: e.target.value })}>
                  <option value="long">Long</option>
                  <option value="short">Short</option>
                </select>
              )}
            </Field>
            {num('qty', 'Quantity (base units)')}
            {num('entryPrice', 'Entry price')}
            {num('markPrice', 'Mark price')}
            <Field name={n('marginMode')} label="Margin mode" errors={errors}>
              {(id) => (
                <select id={id} value={p.marginMode} onChange={(e) => set(i, { marginMode: e.target.value })}>
                  <option value="cross">Cross</option>
                  <option value="isolated">Isolated</option>
                </select>
              )}
            </Field>
            {num('leverage', 'Leverage', 'optional for cross')}
            {p.marginMode === 'isolated' && num('isolatedMargin', 'Isolated margin (USDT)')}
            {num('mmr', 'Maintenance rate', 'e.g. 0.005 for 0.5 %')}
            <button type="button" className="link" onClick={() => onChange(positions.filter((_, j) => j !== i))}>
              Remove position {i + 1}
            </button>
          </fieldset>
        );
      })}
      <button type="button" onClick={() => onChange([...positions, EMPTY_POSITION])}>
        Add a position
      </button>
    </>
  );
}

function AccountFormCard({ settings, ports, onSaved }: { settings: PwaSettings; ports: SettingsPorts; onSaved: (s: PwaSettings, message: string) => void }) {
  const [form, setForm] = useState<AccountForm>(EMPTY_ACCOUNT_FORM);
  const [errors, setErrors] = useState<Errors>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<AccountForm>): void => setForm({ ...form, ...patch });
  const venue = VENUE_IDS.find((v) => v === form.venue) ?? 'binance';
  const manual = form.source === 'manual';

  const submit = async (): Promise<void> => {
    setBusy(true);
    setErrors(null);
    const outcome = await addAccount(form, settings, ports);
    setBusy(false);
    if (!outcome.ok) {
      setErrors({ field: outcome.field, message: outcome.message });
      return;
    }
    setForm(EMPTY_ACCOUNT_FORM);
    onSaved(outcome.settings, outcome.message);
  };

  return (
    <section className="card" aria-labelledby="add-account-title" data-testid="account-form">
      <h2 id="add-account-title">Add an account</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        noValidate
      >
        <TextInput name="label" label="Name" value={form.label} errors={errors} onChange={(v) => set({ label: v })} hint="e.g. Main" />
        <Field name="venue" label="Venue" errors={errors}>
          {(id) => (
            <select id={id} value={form.venue} onChange={(e) => set({ venue: e.target.value })}>
              {VENUE_IDS.map((v) => (
                <option key={v} value={v}>
                  {VENUE_NAMES[v]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset className="choice">
          <legend>Positions from</legend>
          <label>
            <input type="radio" name="source" value="keys" checked={!manual} onChange={() => set({ source: 'keys' })} /> the venue ({venue === 'hyperliquid' ? 'address' : 'read-only key'})
          </label>
          <label>
            <input type="radio" name="source" value="manual" checked={manual} onChange={() => set({ source: 'manual', positions: form.positions.length === 0 ? [EMPTY_POSITION] : form.positions })} /> typed by hand (what-if)
          </label>
        </fieldset>
        {!manual && venue === 'hyperliquid' && (
          <TextInput name="address" label="Account address" value={form.address} errors={errors} onChange={(v) => set({ address: v })} hint="0x…, public: no key is needed" />
        )}
        {!manual &&
          SECRET_FIELDS[venue].map((f) => (
            <TextInput key={f} name={f} label={SECRET_LABELS[f]} type={f === 'apiKey' ? 'text' : 'password'} value={form[f]} errors={errors} onChange={(v) => set({ [f]: v })} />
          ))}
        {!manual && venue !== 'hyperliquid' && <p className="muted hint">Create a key with reading only. A key that can trade or withdraw is refused and not kept.</p>}
        {manual && (
          <>
            <TextInput name="walletBalance" label="Wallet balance (USDT)" value={form.walletBalance} errors={errors} inputMode="decimal" onChange={(v) => set({ walletBalance: v })} />
            <PositionRows positions={form.positions} errors={errors} onChange={(positions) => set({ positions })} />
            {errors?.field === 'positions' && (
              <span className="field-error" role="alert" data-testid="error-positions">
                {errors.message}
              </span>
            )}
          </>
        )}
        <TextInput name="ladder" label="Call ladder (Watch, Margin call, Critical, Liquidation)" value={form.ladder} errors={errors} onChange={(v) => set({ ladder: v })} hint="rho levels, rising" />
        <TextInput name="target" label="Target rho for suggestions" value={form.target} errors={errors} inputMode="decimal" onChange={(v) => set({ target: v })} hint="blank: just below the first tier" />
        {errors !== null && errors.field === null && (
          <p className="banner banner-error" role="alert" data-testid="account-refusal">
            {errors.message}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? (manual ? 'Checking…' : 'Checking the key…') : 'Save account'}
        </button>
      </form>
    </section>
  );
}

function GeneralCard({ settings, ports, notifications, onSaved }: { settings: PwaSettings; ports: SettingsPorts; notifications: NotificationPort; onSaved: (s: PwaSettings, message: string) => void }) {
  const [demoMode, setDemo] = useState(settings.demoMode);
  const [quietEnabled, setQuiet] = useState(settings.quietHours !== null);
  const [quietStart, setStart] = useState(settings.quietHours?.start ?? '22:00');
  const [quietEnd, setEnd] = useState(settings.quietHours?.end ?? '07:00');
  const [errors, setErrors] = useState<Errors>(null);
  const [permission, setPermission] = useState(notifications.state());

  const save = async (): Promise<void> => {
    const parsed = parseGeneralForm({ demoMode, quietEnabled, quietStart, quietEnd });
    if (isFieldError(parsed)) return setErrors({ field: parsed.field, message: parsed.message });
    setErrors(null);
    const next = { ...settings, ...parsed };
    try {
      await ports.store.save(next);
      onSaved(next, 'Alert settings saved.');
    } catch (e) {
      setErrors({ field: null, message: `Nothing was saved: ${e instanceof Error ? e.message : 'the device store refused the write'}.` });
    }
  };

  return (
    <section className="card" aria-labelledby="general-title" data-testid="general-form">
      <h2 id="general-title">Alerts and mode</h2>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label className="check">
          <input type="checkbox" checked={demoMode} onChange={(e) => setDemo(e.target.checked)} /> Demo mode (the simulator's accounts, no keys)
        </label>
        <label className="check">
          <input type="checkbox" checked={quietEnabled} onChange={(e) => setQuiet(e.target.checked)} /> Quiet hours (only Critical and Liquidation push)
        </label>
        {quietEnabled && (
          <div className="row">
            <TextInput name="quietStart" label="From" value={quietStart} errors={errors} onChange={setStart} hint="HH:MM" />
            <TextInput name="quietEnd" label="To" value={quietEnd} errors={errors} onChange={setEnd} hint="HH:MM" />
          </div>
        )}
        <p>
          Notifications: <strong data-testid="permission">{permission === 'unsupported' ? 'not available in this browser' : permission}</strong>{' '}
          {permission === 'default' && (
            <button type="button" onClick={() => void notifications.request().then(setPermission)}>
              Allow notifications
            </button>
          )}
        </p>
        {permission === 'unsupported' && <p className="muted hint">On an iPhone: Share, then Add to Home Screen, and open the app from there.</p>}
        {permission === 'denied' && <p className="muted hint">Blocked: allow notifications for this site in the browser's settings.</p>}
        {errors !== null && errors.field === null && <p className="banner banner-error" role="alert">{errors.message}</p>}
        <button type="submit" className="primary">
          Save alert settings
        </button>
      </form>
    </section>
  );
}

function RelayCard({ settings, ports, relay, onSaved }: { settings: PwaSettings; ports: SettingsPorts; relay: RelayPort; onSaved: (s: PwaSettings, message: string) => void }) {
  const [url, setUrl] = useState(settings.relay?.url ?? '');
  const [contact, setContact] = useState('');
  const [errors, setErrors] = useState<Errors>(null);
  const [busy, setBusy] = useState(false);

  const pair = async (): Promise<void> => {
    setErrors(null);
    const base = parseRelayUrl(url);
    if (isFieldError(base)) return setErrors({ field: base.field, message: base.message });
    if (!/^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/.test(contact.trim())) return setErrors({ field: 'relayContact', message: 'expected mailto:you@example.com or an https:// page (push services require a contact)' });
    setBusy(true);
    try {
      const vault = await ports.vault();
      if (typeof vault === 'string') return setErrors({ field: null, message: vault });
      // The phone's own key pair: one subscription, accepted by every sender it is handed to (relay, extension).
      const pair = await phoneVapidPair(vault);
      const subscription = await relay.subscribe(pair.publicKey);
      if (typeof subscription === 'string') return setErrors({ field: null, message: subscription });
      const paired = await registerDevice(relay.fetch, base, subscription, contact.trim(), vault, pair);
      if (!paired.ok) return setErrors({ field: null, message: paired.message });
      const next = { ...settings, relay: { url: base, deviceId: paired.value.deviceId } };
      await ports.store.save(next);
      onSaved(next, 'Paired with the relay: it watches your positions while the app is closed.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="relay-title" data-testid="relay-form">
      <h2 id="relay-title">Your relay</h2>
      <p className="muted hint">Alerts while the app is closed. The relay gets positions and balances, never a key.</p>
      {settings.relay !== null && (
        <p data-testid="relay-paired">
          Paired with <strong>{new URL(settings.relay.url).host}</strong>.
        </p>
      )}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void pair();
        }}
      >
        <TextInput name="relayUrl" label="Relay URL" value={url} errors={errors} onChange={setUrl} hint="https://relay.example.com" />
        <TextInput name="relayContact" label="Contact for the push service" value={contact} errors={errors} onChange={setContact} hint="mailto:you@example.com" />
        {errors !== null && errors.field === null && (
          <p className="banner banner-error" role="alert" data-testid="relay-refusal">
            {errors.message}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Pairing…' : settings.relay === null ? 'Pair' : 'Pair again'}
        </button>
      </form>
    </section>
  );
}

/** Settings: accounts, ladder and target per account, quiet hours, notifications, demo mode, relay. */
export function SettingsScreen({ ports, notifications, relay }: SettingsScreenProps) {
  const [settings, setSettings] = useState<PwaSettings | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    void ports.store.load().then(
      (raw) => {
        const parsed = parseSettings(raw);
        if (isFieldError(parsed)) {
          setProblem(`The saved settings were damaged (${parsed.field}: ${parsed.message}); showing the defaults. Saving replaces them.`);
          setSettings(DEFAULT_SETTINGS);
        } else setSettings(parsed);
      },
      () => {
        setProblem('The saved settings could not be read; showing the defaults.');
        setSettings(DEFAULT_SETTINGS);
      },
    );
  }, [ports]);

  if (settings === null) return <p className="muted">Opening settings…</p>;
  const saved = (s: PwaSettings, message: string): void => {
    setSettings(s);
    setNotice(message);
  };

  return (
    <div className="settings" data-testid="settings-screen">
      {problem !== null && <p className="banner banner-warn" role="status">{problem}</p>}
      {notice !== null && (
        <p className="banner banner-info" role="status" data-testid="settings-notice">
          {notice}
        </p>
      )}
      <section className="card" aria-labelledby="accounts-title">
        <h2 id="accounts-title">Accounts</h2>
        {settings.accounts.length === 0 ? (
          <p className="muted">No accounts yet{settings.demoMode ? ': demo mode shows the simulator\'s.' : '.'}</p>
        ) : (
          <ul className="accounts" data-testid="accounts">
            {settings.accounts.map((a) => (
              <li key={a.id}>
                <div>
                  <strong>{a.label}</strong> <span className="muted">· {VENUE_NAMES[a.venue]} · {a.source === 'manual' ? 'typed by hand' : a.venue === 'hyperliquid' ? 'address' : 'read-only key'}</span>
                  <div className="muted small">
                    Ladder {a.ladder.join(' / ')}
                    {a.target !== null && ` · target ${a.target}`}
                  </div>
                </div>
                <button
                  type="button"
                  className="link"
                  onClick={() =>
                    void removeAccount(a.id, settings, ports).then((o) => (o.ok ? saved(o.settings, o.message) : setProblem(o.message)))
                  }
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <AccountFormCard settings={settings} ports={ports} onSaved={saved} />
      <GeneralCard settings={settings} ports={ports} notifications={notifications} onSaved={saved} />
      <RelayCard settings={settings} ports={ports} relay={relay} onSaved={saved} />
      <SenderPairingCard vault={() => ports.vault()} />
    </div>
  );
}
