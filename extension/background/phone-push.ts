import type { AlertEntry } from '../../shared/protocol/alert-log.ts';
import { alertNotification } from '../../shared/protocol/alert-notification.ts';
import { declarativePush } from '../../shared/protocol/declarative-push.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import { pushOutcome, type RetryPolicy, DEFAULT_RETRY_POLICY } from '../../shared/push/push-outcome.ts';
import { pairingVapidKeys, parsePushPairing, type PushPairing } from '../../shared/push/push-pairing.ts';
import { pushRequest, type PushRequest } from '../../shared/push/push-request.ts';
import type { VapidKeys } from '../../shared/push/vapid.ts';
import type { PhonePairingStatus } from '../messages.ts';
import { open, parseSealedBox, seal, type SealedBox } from '../platform/secret-box.ts';
import { duePushes, enqueue, nextDue, parseOutbox, settle, EMPTY_OUTBOX, type Outbox } from './push-outbox.ts';
import type { KeyValueStore } from './worker-ports.ts';

/**
 * The extension as a push sender: the desktop, on anyway, pushes each alert notice it shows to the
 * paired phone directly, with the one Web Push implementation in shared/push. Platform-free: main.ts
 * gives it chrome.storage, fetch and chrome.alarms; the tests give it plain objects and a loopback push
 * service.
 *
 * The pairing (the phone's subscription and the VAPID pair it subscribed with) is sealed under the
 * accounts' passphrase like the API keys (secret-box.ts) and opened into session memory, so a
 * restarted worker signs without asking and a restarted browser asks once, at "Unlock".
 */
export interface PhonePushPorts {
  readonly kv: KeyValueStore;
  readonly session: KeyValueStore;
  /** Posts one push; a network failure is reported as a 503 (the same as a service that is down). */
  readonly post: (request: PushRequest) => Promise<{ status: number; retryAfter: string | null }>;
  /** Wake the worker at this time to drain the outbox (chrome.alarms: survives a killed worker); null cancels. */
  readonly wake: (atMs: number | null) => void;
  readonly now: () => number;
  readonly log: (line: string) => void;
  /** Why this passphrase may not seal the pairing (it must open the accounts stored before), or null. */
  readonly passphraseProblem: (passphrase: string) => Promise<string | null>;
  readonly retry?: RetryPolicy;
}

export interface AlertNotice {
  readonly entry: AlertEntry;
  readonly reminder: number;
  readonly accountLabel: string;
}

export interface PhonePush {
  pair(link: string, passphrase: string): Promise<{ status: PhonePairingStatus } | { refusal: string }>;
  unpair(): Promise<PhonePairingStatus>;
  /** Opens a sealed pairing with the passphrase given at "Unlock"; false when it does not open it. */
  unlock(passphrase: string): Promise<boolean>;
  status(): Promise<PhonePairingStatus>;
  /**
   * A notice the desktop just showed (never a resolve): resolves once it is in the outbox in storage,
   * and sends it after that, in the background (`drain`). Resolving before the send lets the sentry
   * save the notice as shown without waiting for the push service, and never before it is queued.
   */
  notify(notice: AlertNotice): Promise<void>;
  /** Sends what is due (the alarm, the worker's start). */
  drain(): Promise<void>;
}

export const PAIRING_KEY = 'phone-pairing';
export const OUTBOX_KEY = 'push-outbox';
const OPEN_KEY = 'phone-pairing-open';
/** Long enough for a phone in a tunnel, short enough that a margin call is not shown an hour late (the relay's too). */
export const PHONE_PUSH_TTL_SEC = 300;
/** The encrypted body's hard limit is 3993 octets; the brief's is 3 KB of payload. */
export const MAX_PAYLOAD_OCTETS = 3072;

interface PairingRecord {
  readonly state: 'paired' | 'gone';
  readonly pushService: string;
  readonly subject: string;
  readonly pairedAtMs: number;
  readonly sealed: SealedBox;
  readonly lastSentAtMs: number | null;
  readonly lastFailure: { readonly atMs: number; readonly message: string } | null;
}

function parseRecord(raw: unknown): PairingRecord | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const sealed = parseSealedBox(r['sealed'], 'sealed');
  if (typeof sealed === 'string' || (r['state'] !== 'paired' && r['state'] !== 'gone') || typeof r['pushService'] !== 'string' || typeof r['subject'] !== 'string') return null;
  const time = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const failure = r['lastFailure'] as { atMs?: unknown; message?: unknown } | null;
  return {
    state: r['state'],
    pushService: r['pushService'],
    subject: r['subject'],
    pairedAtMs: time(r['pairedAtMs']) ?? 0,
    sealed,
    lastSentAtMs: time(r['lastSentAtMs']),
    lastFailure: failure !== null && typeof failure === 'object' && typeof failure.message === 'string' ? { atMs: time(failure.atMs) ?? 0, message: failure.message } : null,
  };
}

export function createPhonePush(ports: PhonePushPorts): PhonePush {
  let chain: Promise<unknown> = Promise.resolve();
  /** One storage writer at a time: enqueue, drain and unpair never interleave. A failure is logged, never thrown at the worker. */
  const serial = (work: () => Promise<void>): Promise<void> => {
    const next = chain.then(work, work).catch((e: unknown) => ports.log(`phone push: ${String(e)}`));
    chain = next;
    return next;
  };
  let keys: { privateKey: string; value: Promise<VapidKeys | null> } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const record = async (): Promise<PairingRecord | null> => parseRecord(await ports.kv.get(PAIRING_KEY));
  const opened = async (): Promise<PushPairing | null> => {
    const raw = await ports.session.get(OPEN_KEY);
    if (typeof raw !== 'string') return null;
    const p = parsePushPairing(raw);
    return isFieldError(p) ? null : p;
  };
  const readOutbox = async (): Promise<Outbox> => {
    const { outbox, problem } = parseOutbox(await ports.kv.get(OUTBOX_KEY));
    if (problem !== null) ports.log(`stored push outbox ignored: ${problem}`);
    return outbox;
  };
  const vapidKeys = (p: PushPairing): Promise<VapidKeys | null> => {
    if (keys?.privateKey !== p.vapid.privateKey) keys = { privateKey: p.vapid.privateKey, value: pairingVapidKeys(p).then((k) => (isFieldError(k) ? null : k)) };
    return keys.value;
  };

  async function status(): Promise<PhonePairingStatus> {
    const r = await record();
    const waiting = (await readOutbox()).pending.length;
    if (r === null) return { state: 'unpaired', pushService: null, subject: null, pairedAtMs: null, lastSentAtMs: null, lastFailure: null, waiting: 0 };
    const state = r.state === 'gone' ? 'gone' : (await opened()) === null ? 'locked' : 'paired';
    return { state, pushService: r.pushService, subject: r.subject, pairedAtMs: r.pairedAtMs, lastSentAtMs: r.lastSentAtMs, lastFailure: r.lastFailure, waiting };
  }

  const schedule = (outbox: Outbox): void => {
    const at = nextDue(outbox);
    if (timer !== null) clearTimeout(timer);
    timer = null;
    ports.wake(at);
    // While the worker lives (its sockets keep it up) a timer is sooner than an alarm's 30 s floor.
    if (at !== null) timer = setTimeout(() => void drain(), Math.max(0, at - ports.now()));
  };

  const drain = (): Promise<void> =>
    serial(async () => {
      let outbox = await readOutbox();
      const r = await record();
      const pairing = r?.state === 'paired' ? await opened() : null;
      if (r === null || pairing === null) return; // unpaired, gone, or locked: the outbox waits for the passphrase
      let next: PairingRecord = r;
      for (const item of duePushes(outbox, ports.now())) {
        const signing = await vapidKeys(pairing);
        const request = signing === null ? { ok: false as const, error: 'vapid.privateKey: the pairing key does not import' } : await pushRequest({ subscription: pairing.subscription, payload: item.payload, ttlSec: item.ttlSec, urgency: item.urgency, topicKey: item.topicKey, vapid: { keys: signing, subject: pairing.subject }, nowSec: Math.floor(ports.now() / 1000) });
        let settled;
        if (!request.ok) settled = settle(outbox, item.key, { kind: 'unsendable', reason: request.error });
        else {
          const answer = await ports.post(request.value).catch(() => ({ status: 503, retryAfter: null }));
          settled = settle(outbox, item.key, pushOutcome(answer.status, answer.retryAfter, item.attempts, ports.now(), ports.retry ?? DEFAULT_RETRY_POLICY));
        }
        outbox = settled.outbox;
        const at = ports.now();
        const e = settled.event;
        if (e.kind === 'sent') next = { ...next, lastSentAtMs: at, lastFailure: null };
        if (e.kind === 'retry') next = { ...next, lastFailure: { atMs: at, message: `The push service answered HTTP ${e.status}; trying again at ${new Date(e.atMs).toISOString().slice(11, 19)} UTC.` } };
        if (e.kind === 'dropped') next = { ...next, lastFailure: { atMs: at, message: `A push was not delivered: ${e.reason}.` } };
        if (e.kind === 'gone') {
          next = { ...next, state: 'gone', lastFailure: { atMs: at, message: `The phone unsubscribed (HTTP ${e.status}): pair again from the app's Settings.` } };
          await ports.session.set(OPEN_KEY, null);
          ports.log(`phone push: subscription gone (HTTP ${e.status}); unpaired`);
        }
        await ports.kv.set(OUTBOX_KEY, outbox);
        await ports.kv.set(PAIRING_KEY, next);
        if (e.kind === 'gone') break;
      }
      schedule(next.state === 'gone' ? EMPTY_OUTBOX : outbox);
    });

  return {
    async pair(link, passphrase) {
      const pairing = parsePushPairing(link);
      if (isFieldError(pairing)) return { refusal: `${pairing.field}: ${pairing.message}` };
      const signing = await pairingVapidKeys(pairing);
      if (isFieldError(signing)) return { refusal: `${signing.field}: ${signing.message}` };
      const problem = await ports.passphraseProblem(passphrase);
      if (problem !== null) return { refusal: problem };
      const text = JSON.stringify(pairing);
      const sealed = await seal(text, passphrase);
      await serial(async () => {
        const fresh: PairingRecord = { state: 'paired', pushService: new URL(pairing.subscription.endpoint).origin, subject: pairing.subject, pairedAtMs: ports.now(), sealed, lastSentAtMs: null, lastFailure: null };
        await ports.kv.set(PAIRING_KEY, fresh);
        await ports.kv.set(OUTBOX_KEY, EMPTY_OUTBOX);
        await ports.session.set(OPEN_KEY, text);
      });
      return { status: await status() };
    },
    async unpair() {
      await serial(async () => {
        await ports.kv.set(PAIRING_KEY, null);
        await ports.kv.set(OUTBOX_KEY, EMPTY_OUTBOX);
        await ports.session.set(OPEN_KEY, null);
        schedule(EMPTY_OUTBOX);
      });
      return status();
    },
    async unlock(passphrase) {
      const r = await record();
      if (r === null || r.state !== 'paired') return false;
      const text = await open(r.sealed, passphrase);
      if (text === null) return false;
      await ports.session.set(OPEN_KEY, text);
      void drain();
      return true;
    },
    status,
    async notify({ entry, reminder, accountLabel }) {
      const r = await record();
      if (r?.state !== 'paired') return;
      const n = alertNotification(entry, { accountLabel });
      const payload = JSON.stringify(declarativePush(n, `?alert=${encodeURIComponent(entry.id)}`));
      if (new TextEncoder().encode(payload).length > MAX_PAYLOAD_OCTETS) {
        ports.log(`phone push: payload for ${entry.id} over ${MAX_PAYLOAD_OCTETS} octets; not sent`);
        return;
      }
      await serial(async () => {
        const outbox = enqueue(await readOutbox(), { key: `${entry.id}#${reminder}`, payload, ttlSec: PHONE_PUSH_TTL_SEC, urgency: n.urgency, topicKey: entry.subject, queuedAtMs: ports.now() });
        await ports.kv.set(OUTBOX_KEY, outbox);
      });
      void drain();
    },
    drain,
  };
}
