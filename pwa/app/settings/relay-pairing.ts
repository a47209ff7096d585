import type { SecretStore } from '../../../shared/ports/secret-store.ts';
import { RELAY_TOKEN_SECRET } from '../../platform/settings-record.ts';

/**
 * Pairing with the user's relay (relay/README.md, "API") and keeping it fed: register this device's
 * push subscription (`POST /v1/devices`), keep the token in the vault, and send the accounts
 * (`PUT /v1/devices/<id>/snapshot`) whenever they change while the app is open. The snapshot carries
 * the calc documents and policies only, never a key: the relay refuses any other field anyway.
 *
 * Every refusal comes back as a sentence for the screen, with the relay's own `{error, field}`.
 */
export type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<{ status: number; text(): Promise<string> }>;

export type RelayOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

export interface RelaySnapshotAccount {
  readonly accountId: string;
  /** The calc document of the account (positions, balances, tier tables). */
  readonly account: Record<string, unknown>;
  readonly policy?: Record<string, unknown>;
}

async function call(fetchFn: Fetch, url: string, method: string, body: unknown, token?: string): Promise<{ status: number; body: unknown } | { failed: string }> {
  try {
    const res = await fetchFn(url, {
      method,
      headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = null;
    }
    return { status: res.status, body: parsed };
  } catch (e) {
    return {
      failed:
        e instanceof TypeError
          ? `The relay at ${new URL(url).host} did not answer: the browser refused the request (CORS: the relay must allow this app's origin) or the network is down.`
          : `The relay at ${new URL(url).host} did not answer.`,
    };
  }
}

function refusal(what: string, status: number, body: unknown): string {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { error?: unknown; field?: unknown };
  const error = typeof b.error === 'string' ? b.error.slice(0, 200) : 'no reason given';
  const field = typeof b.field === 'string' ? ` (field ${b.field.slice(0, 80)})` : '';
  const hint = status === 401 ? ' The pairing is no longer valid: pair again.' : status === 429 ? ' Too many requests: try again in a minute.' : '';
  return `The relay refused ${what}: HTTP ${status}, ${error}${field}.${hint}`;
}

/** The relay's VAPID public key, to subscribe to push with. */
export async function relayVapidKey(fetchFn: Fetch, base: string): Promise<RelayOutcome<string>> {
  const r = await call(fetchFn, `${base}/v1/vapid-public-key`, 'GET', undefined);
  if ('failed' in r) return { ok: false, message: r.failed };
  const key = (r.body as { publicKey?: unknown } | null)?.publicKey ?? r.body;
  if (r.status !== 200 || typeof key !== 'string') return { ok: false, message: refusal('to give its push key', r.status, r.body) };
  return { ok: true, value: key };
}

/**
 * Registers the subscription; the token goes straight into the vault and is never returned. `vapid`:
 * the phone's own pair the subscription was made with (sender-pairing.ts), so the relay signs with it
 * and the same subscription serves the desktop extension too; without it the phone must have
 * subscribed with the relay's key (`relayVapidKey`).
 */
export async function registerDevice(
  fetchFn: Fetch,
  base: string,
  subscription: unknown,
  subject: string,
  vault: SecretStore,
  vapid?: { readonly publicKey: string; readonly privateKey: string },
): Promise<RelayOutcome<{ deviceId: string }>> {
  const r = await call(fetchFn, `${base}/v1/devices`, 'POST', { subscription, subject, ...(vapid === undefined ? {} : { vapid }) });
  if ('failed' in r) return { ok: false, message: r.failed };
  const body = r.body as { id?: unknown; token?: unknown } | null;
  if (r.status !== 201 || typeof body?.id !== 'string' || typeof body.token !== 'string') return { ok: false, message: refusal('the registration', r.status, r.body) };
  await vault.put(RELAY_TOKEN_SECRET, body.token);
  return { ok: true, value: { deviceId: body.id } };
}

/** Sends the accounts; the token is read from the vault. */
export async function sendSnapshot(
  fetchFn: Fetch,
  base: string,
  deviceId: string,
  vault: SecretStore,
  accounts: readonly RelaySnapshotAccount[],
  takenAtMs: number,
): Promise<RelayOutcome<null>> {
  const token = await vault.get(RELAY_TOKEN_SECRET);
  if (token === undefined) return { ok: false, message: 'No relay token on this device: pair again.' };
  const r = await call(fetchFn, `${base}/v1/devices/${encodeURIComponent(deviceId)}/snapshot`, 'PUT', { takenAtMs, accounts }, token);
  if ('failed' in r) return { ok: false, message: r.failed };
  return r.status === 200 ? { ok: true, value: null } : { ok: false, message: refusal('the snapshot', r.status, r.body) };
}

/**
 * Sends a snapshot when the accounts differ from the last one the relay accepted (positions change
 * far less often than marks: the relay follows the marks itself). `onOutcome` gets each result.
 */
export function relaySync(send: (accounts: readonly RelaySnapshotAccount[]) => Promise<RelayOutcome<null>>, onOutcome: (o: RelayOutcome<null>) => void) {
  let lastSent = '';
  let inFlight: Promise<void> = Promise.resolve();
  return {
    positionsChanged(accounts: readonly RelaySnapshotAccount[]): Promise<void> {
      // Marks left out: the relay follows them itself, a move alone is not worth a snapshot.
      const text = JSON.stringify(accounts, (key, value: unknown) => (key === 'markPrice' ? undefined : value));
      inFlight = inFlight.then(async () => {
        if (text === lastSent) return;
        const outcome = await send(accounts);
        if (outcome.ok) lastSent = text;
        onOutcome(outcome);
      });
      return inFlight;
    },
  };
}
