import { decodeBase64url, encodeBase64url } from '../../../shared/push/base64url.ts';
import { buildPushPairing, pushPairingLink, type PushPairing } from '../../../shared/push/push-pairing.ts';
import { vapidSubjectProblem } from '../../../shared/push/vapid.ts';
import type { SecretStore } from '../../../shared/ports/secret-store.ts';
import { isFieldError } from '../../../shared/units/field-error.ts';

/**
 * The phone's side of "the extension as a sender": this device's own VAPID key pair (made once, kept
 * in the vault), a push subscription made with it, and the pairing link the desktop extension takes.
 * A subscription accepts one signing key, so every sender this phone pairs with signs with this pair;
 * the relay's registration takes the same pair (`vapid` in `POST /v1/devices`, relay/README.md).
 */
export const PHONE_VAPID_SECRET = 'push:phone-vapid';

export interface PhoneVapidPair {
  /** base64url, the uncompressed P-256 point (65 octets): the subscription's applicationServerKey. */
  readonly publicKey: string;
  /** base64url, the private scalar d (32 octets). */
  readonly privateKey: string;
}

type Subtle = typeof globalThis.crypto.subtle;

function readPair(text: string): PhoneVapidPair | null {
  try {
    const v = JSON.parse(text) as Partial<PhoneVapidPair>;
    const pub = typeof v.publicKey === 'string' ? decodeBase64url(v.publicKey) : null;
    const d = typeof v.privateKey === 'string' ? decodeBase64url(v.privateKey) : null;
    return pub?.length === 65 && d?.length === 32 ? { publicKey: v.publicKey!, privateKey: v.privateKey! } : null;
  } catch {
    return null;
  }
}

/** The phone's pair from the vault, made and kept on first use. A damaged entry is replaced (the old subscription then needs re-pairing anyway). */
export async function phoneVapidPair(vault: SecretStore, subtle: Subtle = globalThis.crypto.subtle): Promise<PhoneVapidPair> {
  const kept = await vault.get(PHONE_VAPID_SECRET);
  const read = kept === undefined ? null : readPair(kept);
  if (read !== null) return read;
  const pair = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as { publicKey: Parameters<Subtle['exportKey']>[1]; privateKey: Parameters<Subtle['exportKey']>[1] };
  const publicKey = encodeBase64url(new Uint8Array(await subtle.exportKey('raw', pair.publicKey)));
  const d = (await subtle.exportKey('jwk', pair.privateKey)).d;
  if (d === undefined) throw new Error('the browser exported no private key');
  const made = { publicKey, privateKey: d };
  await vault.put(PHONE_VAPID_SECRET, JSON.stringify(made));
  return made;
}

/** The browser's push subscription made with a given key, or why there is none. */
export type SubscribeOutcome = { readonly subscription: unknown } | { readonly problem: string; readonly otherKey: boolean };

export interface PushSubscriber {
  /**
   * `replace`: drop the current subscription first, whatever its key, and make a new one: every link
   * and registration made for the old one stops working (410 at its sender).
   */
  subscribe(applicationServerKey: string, replace: boolean): Promise<SubscribeOutcome>;
}

export type SenderPairingOutcome =
  | { readonly ok: true; readonly pairing: PushPairing; readonly link: string }
  | { readonly ok: false; readonly field: string | null; readonly message: string; readonly otherKey?: boolean };

/**
 * Everything the Settings card does on "Make the pairing": the contact checked, the pair kept, the
 * subscription made with it, the pairing built and checked by the same parser the extension uses.
 */
export async function makeSenderPairing(input: {
  readonly vault: SecretStore;
  readonly subscriber: PushSubscriber;
  readonly subject: string;
  readonly appUrl: string;
  readonly replace: boolean;
  readonly subtle?: Subtle;
}): Promise<SenderPairingOutcome> {
  const subject = input.subject.trim();
  const problem = vapidSubjectProblem(subject);
  if (problem !== null) return { ok: false, field: 'senderContact', message: problem.replace(/^subject: /, '') };
  const pair = await phoneVapidPair(input.vault, input.subtle);
  const sub = await input.subscriber.subscribe(pair.publicKey, input.replace);
  if ('problem' in sub) return { ok: false, field: null, message: sub.problem, otherKey: sub.otherKey };
  const pairing = buildPushPairing({ subscription: sub.subscription, vapidPublicKey: pair.publicKey, vapidPrivateKey: pair.privateKey, subject });
  if (isFieldError(pairing)) return { ok: false, field: null, message: `The browser's subscription is not usable (${pairing.field}: ${pairing.message}).` };
  return { ok: true, pairing, link: pushPairingLink(pairing, input.appUrl) };
}
