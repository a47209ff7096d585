import { decodeBase64url, encodeBase64url } from '../../shared/push/base64url.ts';
import { parsePushSubscription, type PushSubscriptionData } from '../../shared/push/push-request.ts';
import { vapidSubjectProblem } from '../../shared/push/vapid.ts';

/**
 * `POST /v1/devices` body: the phone's push subscription, the VAPID contact, and (optionally) the VAPID
 * key pair the phone subscribed with. The phone owns that pair (a subscription accepts one signing key)
 * and hands it to each sender it pairs with; without one, the phone must have subscribed with the
 * relay's own key (`GET /v1/vapid-public-key`).
 *
 *   { "subscription": { "endpoint": "https://…", "keys": { "p256dh": "…", "auth": "…" } },
 *     "subject": "mailto:me@example.com",
 *     "vapid": { "publicKey": "<base64url, 65 octets>", "privateKey": "<base64url d, 32 octets>" } }
 */
export interface DeviceRegistration {
  readonly subscription: PushSubscriptionData;
  readonly subject: string;
  /** A P-256 JWK (kty, crv, x, y, d), or null: the relay's own key pair. */
  readonly vapidJwk: JsonWebKeyData | null;
}

export interface JsonWebKeyData {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly d: string;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly field: string; readonly message: string };

const refuse = <T>(field: string, message: string): Parsed<T> => ({ ok: false, field, message });

export function parseSubscriptionField(raw: unknown): Parsed<PushSubscriptionData> {
  const subscription = parsePushSubscription(raw);
  return subscription.ok ? subscription : refuse(subscription.field === 'subscription' ? 'subscription' : `subscription.${subscription.field}`, subscription.error);
}

export function parseDeviceRegistration(raw: unknown): Parsed<DeviceRegistration> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return refuse('body', 'expected an object');
  const body = raw as Record<string, unknown>;
  const known = new Set(['subscription', 'subject', 'vapid']);
  const unknown = Object.keys(body).find((k) => !known.has(k));
  if (unknown !== undefined) return refuse(unknown, 'unknown field');
  const subscription = parseSubscriptionField(body['subscription']);
  if (!subscription.ok) return subscription;
  const subject = body['subject'];
  if (typeof subject !== 'string') return refuse('subject', 'expected a mailto: or https: contact');
  const subjectProblem = vapidSubjectProblem(subject);
  if (subjectProblem !== null) return refuse('subject', subjectProblem.replace(/^subject: /, ''));
  const vapid = body['vapid'];
  if (vapid === undefined || vapid === null) return { ok: true, value: { subscription: subscription.value, subject, vapidJwk: null } };
  if (typeof vapid !== 'object' || Array.isArray(vapid)) return refuse('vapid', 'expected { publicKey, privateKey }');
  const { publicKey, privateKey } = vapid as Record<string, unknown>;
  const pub = typeof publicKey === 'string' ? decodeBase64url(publicKey) : null;
  if (pub === null || pub.length !== 65 || pub[0] !== 4) return refuse('vapid.publicKey', 'expected base64url of an uncompressed P-256 key (65 octets)');
  const d = typeof privateKey === 'string' ? decodeBase64url(privateKey) : null;
  if (d === null || d.length !== 32) return refuse('vapid.privateKey', 'expected base64url of a P-256 private scalar (32 octets)');
  const jwk: JsonWebKeyData = { kty: 'EC', crv: 'P-256', x: encodeBase64url(pub.slice(1, 33)), y: encodeBase64url(pub.slice(33)), d: encodeBase64url(d) };
  return { ok: true, value: { subscription: subscription.value, subject, vapidJwk: jwk } };
}
