import { decodeBase64url, encodeBase64url, utf8 } from './base64url.ts';
import { sha256 } from './hmac-sha256.ts';
import { encryptPush, webCryptoMessage, type MessageCrypto } from './push-encryption.ts';
import { vapidAuthorization, vapidCache, type VapidCache, type VapidKeys } from './vapid.ts';

/**
 * One RFC 8030 push as plain data (URL, headers, body) for whatever `fetch` the home has: the relay's
 * Node fetch, the extension worker's. Headers: `TTL` (required: a service answers 400 without it),
 * `Urgency`, `Topic` (a newer message with the same topic replaces an undelivered one), VAPID.
 */

type Subtle = typeof globalThis.crypto.subtle;

export type PushUrgency = 'very-low' | 'low' | 'normal' | 'high';

/** A browser's PushSubscription as JSON (`subscription.toJSON()`), checked. */
export interface PushSubscriptionData {
  readonly endpoint: string;
  readonly keys: { readonly p256dh: string; readonly auth: string };
}

export interface PushRequest {
  readonly url: string;
  readonly method: 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

export interface PushSendInput {
  readonly subscription: PushSubscriptionData;
  readonly payload: string;
  readonly ttlSec: number;
  readonly urgency: PushUrgency;
  /** Any stable text naming what the message is about; hashed into the 32-character topic. */
  readonly topicKey: string | null;
  readonly vapid: { readonly keys: VapidKeys; readonly subject: string };
  readonly nowSec: number;
}

/** Loopback endpoints are for the tests' fake push service; every real push service is https. */
const isLoopback = (url: URL): boolean => url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';

/** The subscription, or the field that is wrong: refused at pairing, before the first margin call. */
export function parsePushSubscription(value: unknown): { ok: true; value: PushSubscriptionData } | { ok: false; field: string; error: string } {
  if (typeof value !== 'object' || value === null) return { ok: false, field: 'subscription', error: 'subscription: not an object' };
  const v = value as Record<string, unknown>;
  const endpoint = v['endpoint'];
  let url: URL;
  try {
    if (typeof endpoint !== 'string') throw new Error();
    url = new URL(endpoint);
  } catch {
    return { ok: false, field: 'endpoint', error: 'endpoint: not a URL' };
  }
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url)))) {
    return { ok: false, field: 'endpoint', error: 'endpoint: push services are https (plain http only on loopback, for tests)' };
  }
  const keys = v['keys'];
  if (typeof keys !== 'object' || keys === null) return { ok: false, field: 'keys', error: 'keys: missing' };
  const { p256dh, auth } = keys as Record<string, unknown>;
  const pub = typeof p256dh === 'string' ? decodeBase64url(p256dh) : null;
  if (pub === null || pub.length !== 65 || pub[0] !== 4) return { ok: false, field: 'keys.p256dh', error: 'keys.p256dh: not a base64url uncompressed P-256 key' };
  const secret = typeof auth === 'string' ? decodeBase64url(auth) : null;
  if (secret === null || secret.length !== 16) return { ok: false, field: 'keys.auth', error: 'keys.auth: not a base64url 16-octet secret' };
  return { ok: true, value: { endpoint: url.href, keys: { p256dh: p256dh as string, auth: auth as string } } };
}

/** RFC 8030 §5.4: at most 32 characters of the base64url alphabet. 24 octets of SHA-256 make exactly 32. */
export function pushTopic(key: string): string {
  return encodeBase64url(sha256(utf8(key)).slice(0, 24));
}

/**
 * What a sender that pushes again and again keeps between pushes, and the per-message operations it
 * uses: the VAPID token per key pair and push service (vapid.ts), and by default WebCrypto keeping each
 * subscription's imported `p256dh` (a relay's devices, with room). The message's own key pair and salt
 * are never kept: they are new for every message.
 */
export interface PushRequestCache {
  readonly vapid: VapidCache;
  /** The per-message operations this sender uses (push-encryption.ts, MessageCrypto). */
  readonly message: MessageCrypto;
  /** `pushTopic` by other means (the relay: node:crypto's SHA-256, ~2 µs against ~17 µs); the same text. */
  readonly topic?: (key: string) => string;
}

export function pushRequestCache(
  subtle: Subtle = globalThis.crypto.subtle,
  message: MessageCrypto = webCryptoMessage(subtle, 50_000),
  topic?: (key: string) => string,
): PushRequestCache {
  return { vapid: vapidCache(subtle), message, ...(topic === undefined ? {} : { topic }) };
}

/**
 * A subscription checked and its keys decoded once, for a sender that pushes to it again and again (the
 * relay keeps one per device while the device's subscription text stays the same).
 */
export interface PreparedSubscription {
  readonly endpoint: string;
  /** `keys.p256dh`, 65 octets. */
  readonly uaPublic: Uint8Array;
  /** `keys.auth`, 16 octets. */
  readonly authSecret: Uint8Array;
}

export function prepareSubscription(value: unknown): { ok: true; value: PreparedSubscription } | { ok: false; error: string } {
  const checked = parsePushSubscription(value);
  if (!checked.ok) return { ok: false, error: checked.error };
  // Checked above: both decode, to 65 and 16 octets.
  return { ok: true, value: { endpoint: checked.value.endpoint, uaPublic: decodeBase64url(checked.value.keys.p256dh)!, authSecret: decodeBase64url(checked.value.keys.auth)! } };
}

export async function pushRequest(
  input: PushSendInput,
  subtle: Subtle = globalThis.crypto.subtle,
  cache: PushRequestCache | null = null,
): Promise<{ ok: true; value: PushRequest } | { ok: false; error: string }> {
  const target = prepareSubscription(input.subscription);
  if (!target.ok) return target;
  return pushRequestTo(target.value, input, subtle, cache);
}

/** `pushRequest` to a subscription prepared once (`prepareSubscription`). */
export async function pushRequestTo(
  target: PreparedSubscription,
  input: Omit<PushSendInput, 'subscription'>,
  subtle: Subtle = globalThis.crypto.subtle,
  cache: PushRequestCache | null = null,
): Promise<{ ok: true; value: PushRequest } | { ok: false; error: string }> {
  if (!(Number.isInteger(input.ttlSec) && input.ttlSec >= 0)) return { ok: false, error: 'ttl: a whole number of seconds, 0 or more' };
  const body = await encryptPush(
    {
      plaintext: utf8(input.payload),
      uaPublic: target.uaPublic,
      authSecret: target.authSecret,
      ...(cache === null ? {} : { message: cache.message }),
    },
    subtle,
  );
  if (!body.ok) return body;
  const vapid = { endpoint: target.endpoint, subject: input.vapid.subject, keys: input.vapid.keys, nowSec: input.nowSec };
  const auth = cache === null ? await vapidAuthorization(vapid, subtle) : await cache.vapid.authorization(vapid);
  if (!auth.ok) return auth;
  const headers: Record<string, string> = {
    TTL: String(input.ttlSec),
    Urgency: input.urgency,
    'Content-Encoding': 'aes128gcm',
    'Content-Type': 'application/octet-stream',
    Authorization: auth.header,
  };
  if (input.topicKey !== null) headers['Topic'] = (cache?.topic ?? pushTopic)(input.topicKey);
  return { ok: true, value: { url: target.endpoint, method: 'POST', headers, body: body.value } };
}
