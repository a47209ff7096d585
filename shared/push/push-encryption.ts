import { buffered, concatBytes, encodeBase64url, utf8 } from './base64url.ts';
import { hmacSha256 } from './hmac-sha256.ts';

/**
 * Web Push message encryption, `aes128gcm` (RFC 8291 on top of RFC 8188), on WebCrypto alone so the
 * extension worker, the PWA and the Node relay run the same code. One record, as RFC 8291 §4 requires:
 *
 *   body = salt(16) | rs(4, big-endian) | idlen(1) = 65 | as_public(65) | AES-128-GCM(plaintext | 0x02 | zeros)
 *
 * Keys: ECDH between a fresh sender key pair and the subscription's `p256dh`, then HKDF-SHA-256 in the
 * RFC's three steps (auth secret, key info, salt). HKDF-Expand to at most 32 octets is one HMAC block,
 * so each step is a single HMAC: T(1) = HMAC(PRK, info | 0x01). The HMACs are computed here
 * (hmac-sha256.ts: five WebCrypto calls cost about a quarter of a push); the ECDH and AES-GCM stay on
 * WebCrypto. The sender's key pair is new for every message (RFC 8291 §2: "when sending a message, an
 * application server generates an ECDH key pair and a random salt") and never reused; a sender may
 * make it, and its ECDH secret, ahead of the message in idle time (the relay does: its cost is then
 * out of a burst of margin calls), as long as each goes to one message only.
 * Checked byte for byte against RFC 8291 Appendix A (push-encryption.test.ts).
 */

type Subtle = typeof globalThis.crypto.subtle;
type Key = Awaited<ReturnType<Subtle['importKey']>>;

/** Every push service must accept a 4096-octet body; 86 header + 16 tag + 1 delimiter leave this much. */
export const MAX_PUSH_PLAINTEXT_BYTES = 3993;
const HEADER_BYTES = 86;
const TAG_BYTES = 16;
const RECORD_SIZE = 4096;

export interface SenderKeys {
  /** Uncompressed P-256 point, 65 octets (0x04 | x | y). */
  readonly publicKey: Uint8Array;
  readonly privateKey: Key;
}

export interface EncryptInput {
  readonly plaintext: Uint8Array;
  /** The subscription's `p256dh`: the user agent's uncompressed P-256 public key, 65 octets. */
  readonly uaPublic: Uint8Array;
  /** The subscription's `auth` secret, 16 octets. */
  readonly authSecret: Uint8Array;
  /** Fixed only by tests (the RFC vector); otherwise 16 fresh random octets. */
  readonly salt?: Uint8Array;
  /** Fixed only by tests; otherwise a fresh key pair per message, as RFC 8291 §3.1 requires. */
  readonly senderKeys?: SenderKeys;
  /** The per-message operations (default: WebCrypto, `webCryptoMessage`). */
  readonly message?: MessageCrypto;
}

/**
 * RFC 8291's per-message operations, behind a port so that a home with a faster implementation of the
 * same primitives uses it (the relay: node:crypto, ~170 µs against ~420 µs on Node's WebCrypto) while
 * the format, the key schedule and the checks stay here, one implementation for every sender.
 */
export interface MessageCrypto {
  /**
   * A new P-256 key pair for this message and its ECDH secret with the subscription's key: the sender's
   * public key (uncompressed, 65 octets) and the 32-octet secret. Rejects when `uaPublic` is no point on
   * the curve.
   */
  agree(uaPublic: Uint8Array): Promise<{ readonly asPublic: Uint8Array; readonly secret: Uint8Array }>;
  /** AES-128-GCM of `record` under `cek` and `nonce`, the 16-octet tag appended. */
  seal(cek: Uint8Array, nonce: Uint8Array, record: Uint8Array): Promise<Uint8Array>;
  /**
   * HMAC-SHA-256 of the concatenated parts, synchronously, for the key schedule's five HMACs; without
   * it, hmac-sha256.ts's (the relay's node:crypto one is ~3 µs against ~14 µs).
   */
  readonly hmac?: (key: Uint8Array, ...parts: Uint8Array[]) => Uint8Array;
  /**
   * 16 new random octets, the message's salt, never handed out twice; without it, `getRandomValues`
   * each message (the relay's cuts a large random buffer: ~8 µs a call otherwise).
   */
  readonly salt?: () => Uint8Array;
}

export type PushCryptoResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const ok = <T>(value: T): PushCryptoResult<T> => ({ ok: true, value });
const fail = <T>(error: string): PushCryptoResult<T> => ({ ok: false, error });

const isPoint = (bytes: Uint8Array): boolean => bytes.length === 65 && bytes[0] === 0x04;

/** The content key and nonce both sides derive (RFC 8291 §3.3-3.4, RFC 8188 §2.2-2.3). */
const WEBPUSH_INFO = utf8('WebPush: info\0');
const CEK_INFO = utf8('Content-Encoding: aes128gcm\0\x01');
const NONCE_INFO = utf8('Content-Encoding: nonce\0\x01');
const ONE = Uint8Array.of(1);

function contentKeys(
  ecdhSecret: Uint8Array,
  authSecret: Uint8Array,
  uaPublic: Uint8Array,
  asPublic: Uint8Array,
  salt: Uint8Array,
  hmac: (key: Uint8Array, ...parts: Uint8Array[]) => Uint8Array = hmacSha256,
): { cek: Uint8Array; nonce: Uint8Array } {
  const prkKey = hmac(authSecret, ecdhSecret);
  const ikm = hmac(prkKey, WEBPUSH_INFO, uaPublic, asPublic, ONE);
  const prk = hmac(salt, ikm);
  return { cek: hmac(prk, CEK_INFO).slice(0, 16), nonce: hmac(prk, NONCE_INFO).slice(0, 12) };
}

/** A subscription's `p256dh` as a WebCrypto ECDH public key (throws when it is not a point on P-256). */
export function recipientKey(uaPublic: Uint8Array, subtle: Subtle = globalThis.crypto.subtle): Promise<Key> {
  return subtle.importKey('raw', buffered(uaPublic), { name: 'ECDH', namedCurve: 'P-256' }, false, []);
}

async function ecdh(subtle: Subtle, privateKey: Key, peer: Key): Promise<Uint8Array> {
  return new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: peer }, privateKey, 256));
}

/** A fresh P-256 key pair in the form `encryptPush` and `vapid` take (public key raw, 65 octets). */
export async function generateP256KeyPair(subtle: Subtle, usage: 'ecdh' | 'ecdsa', extractable = false): Promise<SenderKeys> {
  const algorithm = usage === 'ecdh' ? { name: 'ECDH', namedCurve: 'P-256' } : { name: 'ECDSA', namedCurve: 'P-256' };
  const uses: ('deriveBits' | 'sign' | 'verify')[] = usage === 'ecdh' ? ['deriveBits'] : ['sign', 'verify'];
  const pair = (await subtle.generateKey(algorithm, extractable, uses)) as { publicKey: Key; privateKey: Key };
  return { publicKey: new Uint8Array(await subtle.exportKey('raw', pair.publicKey)), privateKey: pair.privateKey };
}

/**
 * The per-message operations on WebCrypto: the extension's and the PWA's, and the default. A sender that
 * pushes to the same subscriptions again keeps up to `keepRecipients` imported `p256dh` keys (~50 µs
 * each time otherwise); a key that does not import is not kept.
 */
export function webCryptoMessage(subtle: Subtle = globalThis.crypto.subtle, keepRecipients = 0): MessageCrypto {
  const recipients = new Map<string, Promise<Key>>();
  const peer = (uaPublic: Uint8Array): Promise<Key> => {
    if (keepRecipients === 0) return recipientKey(uaPublic, subtle);
    const id = encodeBase64url(uaPublic);
    let key = recipients.get(id);
    if (key === undefined) {
      key = recipientKey(uaPublic, subtle);
      key.catch(() => recipients.delete(id));
      if (recipients.size >= keepRecipients) recipients.delete(recipients.keys().next().value!);
      recipients.set(id, key);
    }
    return key;
  };
  return {
    async agree(uaPublic) {
      const sender = await generateP256KeyPair(subtle, 'ecdh');
      return { asPublic: sender.publicKey, secret: await ecdh(subtle, sender.privateKey, await peer(uaPublic)) };
    },
    async seal(cek, nonce, record) {
      const key = await subtle.importKey('raw', buffered(cek), { name: 'AES-GCM' }, false, ['encrypt']);
      return new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv: buffered(nonce) }, key, buffered(record)));
    },
  };
}

/** The `aes128gcm` body for one push message, or why not (bad key sizes, payload too large). */
export async function encryptPush(input: EncryptInput, subtle: Subtle = globalThis.crypto.subtle): Promise<PushCryptoResult<Uint8Array>> {
  if (!isPoint(input.uaPublic)) return fail('p256dh: not an uncompressed P-256 public key (65 octets, 0x04 first)');
  if (input.authSecret.length !== 16) return fail('auth: the secret must be 16 octets');
  if (input.plaintext.length > MAX_PUSH_PLAINTEXT_BYTES) {
    return fail(`payload: ${input.plaintext.length} octets, more than the ${MAX_PUSH_PLAINTEXT_BYTES} a push service must accept`);
  }
  const message = input.message ?? webCryptoMessage(subtle);
  const salt = input.salt ?? message.salt?.() ?? globalThis.crypto.getRandomValues(new Uint8Array(16));
  if (salt.length !== 16) return fail('salt: must be 16 octets');
  const fixed = input.senderKeys;
  let agreed: { readonly asPublic: Uint8Array; readonly secret: Uint8Array };
  try {
    agreed =
      fixed === undefined
        ? await message.agree(input.uaPublic)
        : { asPublic: fixed.publicKey, secret: await ecdh(subtle, fixed.privateKey, await recipientKey(input.uaPublic, subtle)) };
  } catch {
    return fail('p256dh: not a point on P-256');
  }
  if (!isPoint(agreed.asPublic) || agreed.secret.length !== 32) return fail('sender key: the message crypto gave no P-256 key and 32-octet secret');
  const { cek, nonce } = contentKeys(agreed.secret, input.authSecret, input.uaPublic, agreed.asPublic, salt, message.hmac);
  const ciphertext = await message.seal(cek, nonce, concatBytes(input.plaintext, Uint8Array.of(2)));
  const header = new Uint8Array(HEADER_BYTES);
  header.set(salt, 0);
  new DataView(header.buffer).setUint32(16, RECORD_SIZE);
  header[20] = 65;
  header.set(agreed.asPublic, 21);
  return ok(concatBytes(header, ciphertext));
}

export interface DecryptInput {
  readonly body: Uint8Array;
  /** The subscription's own key pair (what a browser keeps): private key for ECDH, public key raw. */
  readonly uaPrivateKey: Key;
  readonly uaPublic: Uint8Array;
  readonly authSecret: Uint8Array;
}

/**
 * What a browser does with a push body: the plaintext, or why it must be discarded. Used by the tests'
 * fake push service and the relay's self-check; one record only, as RFC 8291 allows.
 */
export async function decryptPush(input: DecryptInput, subtle: Subtle = globalThis.crypto.subtle): Promise<PushCryptoResult<Uint8Array>> {
  const { body } = input;
  if (body.length < HEADER_BYTES + TAG_BYTES + 1) return fail('body: shorter than a header and one record');
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const recordSize = view.getUint32(16);
  if (body[20] !== 65) return fail('header: keyid must be the 65-octet sender key');
  if (body.length - HEADER_BYTES > recordSize) return fail('body: more than one record');
  const salt = body.slice(0, 16);
  const asPublic = body.slice(21, HEADER_BYTES);
  if (!isPoint(asPublic)) return fail('header: sender key is not an uncompressed P-256 point');
  let plain: Uint8Array;
  try {
    const secret = await ecdh(subtle, input.uaPrivateKey, await recipientKey(asPublic, subtle));
    const { cek, nonce } = contentKeys(secret, input.authSecret, input.uaPublic, asPublic, salt);
    const key = await subtle.importKey('raw', buffered(cek), { name: 'AES-GCM' }, false, ['decrypt']);
    plain = new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv: buffered(nonce) }, key, buffered(body.slice(HEADER_BYTES))));
  } catch {
    return fail('body: does not decrypt with this subscription (wrong keys or a damaged message)');
  }
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end -= 1;
  // RFC 8188 §2: the last record's delimiter is 0x02; anything else means truncation or tampering.
  if (plain[end] !== 2) return fail('body: the record delimiter is not 0x02');
  return ok(plain.slice(0, end));
}
