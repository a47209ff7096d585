import { fieldError, type FieldError } from '../units/field-error.ts';
import { buffered, decodeBase64url, encodeBase64url, utf8 } from './base64url.ts';
import { parsePushSubscription, type PushSubscriptionData } from './push-request.ts';
import { vapidSubjectProblem, type VapidKeys } from './vapid.ts';

/**
 * A sender pairing: what a phone hands a sender it trusts (the desktop extension) so the sender can
 * push to it directly, with no relay. Plain, versioned data:
 *
 *   {"v":1, "subscription":{"endpoint","keys":{"p256dh","auth"}},
 *    "vapid":{"publicKey": 65-octet point, "privateKey": 32-octet d}, "subject":"mailto:…"}
 *
 * The phone owns the VAPID pair: a push subscription accepts one signing key, the one it was made
 * with, so the sender must sign with the phone's key. Whoever holds a pairing can push to the phone:
 * it is a secret, shown only to be copied into the sender.
 *
 * As a link: `<app>#pair-sender=<base64url of the JSON>` (a fragment: never sent to a server). The
 * parser takes the link, the payload after `#pair-sender=`, or the JSON itself.
 */
export const PUSH_PAIRING_VERSION = 1;
export const PAIRING_FRAGMENT = 'pair-sender=';

export interface PushPairing {
  readonly v: typeof PUSH_PAIRING_VERSION;
  readonly subscription: PushSubscriptionData;
  /** base64url without padding: the uncompressed public point and the private scalar d. */
  readonly vapid: { readonly publicKey: string; readonly privateKey: string };
  /** The contact the push services see in the VAPID token (`mailto:` or `https:`). */
  readonly subject: string;
}

const MAX_TEXT = 8_000;

/** The pairing, or the first field that is wrong. */
export function buildPushPairing(input: { subscription: unknown; vapidPublicKey: string; vapidPrivateKey: string; subject: string }): PushPairing | FieldError {
  return checkPairing({ v: PUSH_PAIRING_VERSION, subscription: input.subscription, vapid: { publicKey: input.vapidPublicKey, privateKey: input.vapidPrivateKey }, subject: input.subject });
}

export function pushPairingLink(pairing: PushPairing, appUrl: string): string {
  const base = appUrl.split('#')[0]!;
  return `${base}#${PAIRING_FRAGMENT}${encodeBase64url(utf8(JSON.stringify(pairing)))}`;
}

/** Reads a pasted link, payload or JSON; refusals name the field (`subscription.keys.auth`, `vapid.privateKey`, `v`). */
export function parsePushPairing(text: string): PushPairing | FieldError {
  const trimmed = text.trim();
  if (trimmed === '') return fieldError('link', 'empty: paste the link the phone shows under Settings > Desktop sender');
  if (trimmed.length > MAX_TEXT) return fieldError('link', `too long (${trimmed.length} characters; a pairing is under ${MAX_TEXT})`);
  let json: string;
  if (trimmed.startsWith('{')) json = trimmed;
  else {
    const at = trimmed.indexOf(PAIRING_FRAGMENT);
    const payload = at >= 0 ? trimmed.slice(at + PAIRING_FRAGMENT.length) : trimmed;
    const bytes = decodeBase64url(payload);
    if (bytes === null) return fieldError('link', `not a pairing link: expected …#${PAIRING_FRAGMENT}<base64url>`);
    try {
      json = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return fieldError('link', 'the payload is not text: the link was cut or altered');
    }
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return fieldError('link', 'the payload is not JSON: the link was cut or altered');
  }
  return checkPairing(raw);
}

function checkPairing(raw: unknown): PushPairing | FieldError {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fieldError('link', 'expected a pairing object');
  const r = raw as Record<string, unknown>;
  if (r['v'] !== PUSH_PAIRING_VERSION) {
    return fieldError('v', `expected pairing version ${PUSH_PAIRING_VERSION}, got ${JSON.stringify(r['v']) ?? 'nothing'} (update the app or the extension so both speak the same version)`);
  }
  const sub = parsePushSubscription(r['subscription']);
  if (!sub.ok) return fieldError(sub.field === 'subscription' ? 'subscription' : `subscription.${sub.field}`, sub.error.replace(/^[\w.]+: /, ''));
  const vapid = r['vapid'];
  if (typeof vapid !== 'object' || vapid === null) return fieldError('vapid', 'missing: the key pair the phone subscribed with');
  const { publicKey, privateKey } = vapid as Record<string, unknown>;
  const pub = typeof publicKey === 'string' ? decodeBase64url(publicKey) : null;
  if (pub === null || pub.length !== 65 || pub[0] !== 4) return fieldError('vapid.publicKey', 'expected a base64url uncompressed P-256 point (65 octets)');
  const d = typeof privateKey === 'string' ? decodeBase64url(privateKey) : null;
  if (d === null || d.length !== 32) return fieldError('vapid.privateKey', 'expected a base64url P-256 private key (32 octets)');
  const subject = r['subject'];
  if (typeof subject !== 'string') return fieldError('subject', 'missing: a mailto: or https: contact');
  const problem = vapidSubjectProblem(subject);
  if (problem !== null) return fieldError('subject', problem.replace(/^subject: /, ''));
  return { v: PUSH_PAIRING_VERSION, subscription: sub.value, vapid: { publicKey: publicKey as string, privateKey: privateKey as string }, subject };
}

type Subtle = typeof globalThis.crypto.subtle;

/**
 * The signing keys, checked: a private key that does not belong to the public one would sign tokens
 * every push service refuses (403), so it is caught here, at pairing, by signing once and verifying.
 */
export async function pairingVapidKeys(pairing: PushPairing, subtle: Subtle = globalThis.crypto.subtle): Promise<VapidKeys | FieldError> {
  const pub = decodeBase64url(pairing.vapid.publicKey)!;
  const jwk = { kty: 'EC', crv: 'P-256', x: encodeBase64url(pub.slice(1, 33)), y: encodeBase64url(pub.slice(33, 65)), d: pairing.vapid.privateKey, ext: false };
  try {
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
    const privateKey = await subtle.importKey('jwk', jwk, algorithm, false, ['sign']);
    const publicKey = await subtle.importKey('raw', buffered(pub), algorithm, false, ['verify']);
    const probe = utf8('margin-sentry pairing check');
    const signature = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, buffered(probe));
    if (!(await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, signature, buffered(probe)))) return fieldError('vapid.privateKey', 'does not belong to vapid.publicKey');
    return { privateKey, publicKey: pub };
  } catch {
    return fieldError('vapid.privateKey', 'not a P-256 key that matches vapid.publicKey');
  }
}
