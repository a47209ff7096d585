import { buffered, encodeBase64url, utf8 } from './base64url.ts';
import type { SenderKeys } from './push-encryption.ts';

/**
 * VAPID (RFC 8292): the `Authorization: vapid t=<JWT>, k=<public key>` header that tells a push
 * service which application server sent a message. The JWT is ES256; WebCrypto's ECDSA P-256 signature
 * is already the 64-octet r|s form JWS wants (RFC 7518 §3.4), so no DER step.
 *
 * Apple refuses (403 BadJwtToken) a token whose `sub` is not a `mailto:` or `https:` URI, whose `aud`
 * is not the push service's origin, or whose `exp` is more than a day ahead; a `mailto:` with spaces or
 * angle brackets is refused in the field too. We check the same rules before signing, so a bad
 * contact is an error at pairing time, not a silent 403 at the first margin call.
 */

type Subtle = typeof globalThis.crypto.subtle;
type Key = VapidKeys['privateKey'];

/** Longest lifetime a push service accepts (RFC 8292 §2: at most 24 h from the request). */
export const MAX_VAPID_LIFETIME_SEC = 24 * 3600;
/** What we sign for: long enough to cache per audience, well inside the 24 h limit. */
export const VAPID_LIFETIME_SEC = 12 * 3600;

export type VapidKeys = SenderKeys;

export type VapidResult = { readonly ok: true; readonly header: string; readonly expiresAtSec: number } | { readonly ok: false; readonly error: string };

/** Why a contact is not one every push service accepts, or null when it is. */
export function vapidSubjectProblem(subject: string): string | null {
  if (/^mailto:[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+$/.test(subject)) return null;
  if (subject.startsWith('https://')) {
    try {
      const url = new URL(subject);
      return url.hostname === 'localhost' ? 'subject: a localhost contact is refused by push services' : null;
    } catch {
      return 'subject: not a valid https: URL';
    }
  }
  return 'subject: must be mailto:name@domain (no spaces or angle brackets) or an https: URL';
}

/** The push service's origin: the token's audience. */
export function pushAudience(endpoint: string): string | null {
  try {
    return new URL(endpoint).origin;
  } catch {
    return null;
  }
}

export interface VapidInput {
  readonly endpoint: string;
  readonly subject: string;
  readonly keys: VapidKeys;
  /** Now, in seconds since the epoch (time is an argument, so tokens are testable). */
  readonly nowSec: number;
  readonly lifetimeSec?: number;
}

export async function vapidAuthorization(input: VapidInput, subtle: Subtle = globalThis.crypto.subtle): Promise<VapidResult> {
  const subjectProblem = vapidSubjectProblem(input.subject);
  if (subjectProblem !== null) return { ok: false, error: subjectProblem };
  const aud = pushAudience(input.endpoint);
  if (aud === null || aud === 'null') return { ok: false, error: 'endpoint: not a URL with an origin' };
  const lifetime = input.lifetimeSec ?? VAPID_LIFETIME_SEC;
  if (!(Number.isFinite(input.nowSec) && lifetime > 0 && lifetime <= MAX_VAPID_LIFETIME_SEC)) {
    return { ok: false, error: `lifetime: must be within (0, ${MAX_VAPID_LIFETIME_SEC}] seconds` };
  }
  if (input.keys.publicKey.length !== 65) return { ok: false, error: 'keys: the public key must be 65 octets (uncompressed P-256)' };
  const exp = Math.floor(input.nowSec) + lifetime;
  const header = encodeBase64url(utf8(JSON.stringify({ typ: 'JWT', alg: 'ES256' })));
  const claims = encodeBase64url(utf8(JSON.stringify({ aud, exp, sub: input.subject })));
  const signingInput = `${header}.${claims}`;
  const signature = new Uint8Array(await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, input.keys.privateKey, buffered(utf8(signingInput))));
  return { ok: true, header: `vapid t=${signingInput}.${encodeBase64url(signature)}, k=${encodeBase64url(input.keys.publicKey)}`, expiresAtSec: exp };
}

export interface VapidCache {
  /** `vapidAuthorization`, signed once per key pair, audience and contact while the token is fresh. */
  authorization(input: VapidInput): Promise<VapidResult>;
}

/**
 * A token is one ECDSA signature (~60-90 µs of CPU, a tenth of a push) and says only who signs for
 * which push service until when, so one serves every push to that service. It is handed out while at
 * least half its lifetime is left (6 of the 12 h): never near its expiry, however long a push waits or
 * a service's clock runs ahead, and never more than 24 h ahead of the caller's clock (one set back is
 * signed for again), which is what Apple checks.
 */
export function vapidCache(subtle: Subtle = globalThis.crypto.subtle): VapidCache {
  const byKey = new WeakMap<Key, Map<string, Promise<VapidResult>>>();
  const authorization = async (input: VapidInput): Promise<VapidResult> => {
    const lifetime = input.lifetimeSec ?? VAPID_LIFETIME_SEC;
    let tokens = byKey.get(input.keys.privateKey);
    if (tokens === undefined) {
      tokens = new Map();
      byKey.set(input.keys.privateKey, tokens);
    }
    const id = `${pushAudience(input.endpoint) ?? input.endpoint}\n${input.subject}\n${lifetime}`;
    const cached = tokens.get(id);
    if (cached !== undefined) {
      const token = await cached;
      const left = token.ok ? token.expiresAtSec - input.nowSec : 0;
      if (left >= lifetime / 2 && left <= MAX_VAPID_LIFETIME_SEC) return token;
      // Another caller renewed it meanwhile: take theirs.
      if (tokens.get(id) !== cached) return authorization(input);
    }
    const signing = vapidAuthorization(input, subtle);
    tokens.set(id, signing);
    const token = await signing;
    if (!token.ok && tokens.get(id) === signing) tokens.delete(id);
    return token;
  };
  return { authorization };
}
