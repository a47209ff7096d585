import { createCipheriv, createECDH, createHash, createHmac, randomFillSync } from 'node:crypto';
import type { MessageCrypto } from '../../shared/push/push-encryption.ts';

type Agreement = { readonly asPublic: Uint8Array; readonly secret: Uint8Array };

/**
 * The relay's per-message operations, with agreements made ahead: `prepare` makes, in the relay's idle
 * time, the key pair and ECDH secret of the next message to one subscription key, and that message
 * takes it (~165 µs of the ~250 µs a push's crypto costs, moved out of a burst). A prepared agreement
 * is handed out once and forgotten (RFC 8291 §2: a new key pair for every message), at most `perKey`
 * wait per subscription key, and at most `room` in all.
 */
export interface NodeMessageCrypto extends MessageCrypto {
  /** Makes one more agreement for this key's next messages unless `perKey` wait or the room is full; whether it did. Throws for a key off the curve. */
  prepare(uaPublic: Uint8Array): boolean;
  /** How many agreements wait for this key. */
  ready(uaPublic: Uint8Array): number;
  /** How many agreements wait, and how many messages took one (for the bench). */
  counts(): { readonly waiting: number; readonly taken: number };
  /**
   * Drops the agreements of every key not in `uaPublics` (a device gone, or subscribed anew): else they
   * would hold their share of the room for good, and no message could ever take them.
   */
  forgetOthers(uaPublics: readonly Uint8Array[]): void;
}

/** 256 salts a fill. */
const SALT_POOL_BYTES = 4096;

const idOf = (uaPublic: Uint8Array): string => Buffer.from(uaPublic.buffer, uaPublic.byteOffset, uaPublic.byteLength).toString('latin1');

function agreeNow(uaPublic: Uint8Array): Agreement {
  const ecdh = createECDH('prime256v1');
  const asPublic = ecdh.generateKeys();
  // Throws for a key that is no point on the curve: encryptPush names the field.
  const secret = ecdh.computeSecret(uaPublic);
  return { asPublic: new Uint8Array(asPublic), secret: new Uint8Array(secret) };
}

/**
 * RFC 8291's per-message operations (a new P-256 key pair and its ECDH secret, AES-128-GCM, the key
 * schedule's HMACs) on node:crypto, for the relay's sender: ~250 µs of CPU a push against ~420 µs through Node's WebCrypto,
 * whose every call is a thread-pool round trip and a promise (docs/relay-load-log.md, "The sender's CPU per push"). The message
 * format, the key schedule and the checks stay in shared/push/push-encryption.ts; this only does the
 * same primitives faster (node-message-crypto.test.ts checks them against WebCrypto and http_ece).
 * `room`: how many agreements may wait, made ahead (0: none; every message agrees when it is made);
 * `perKey`: at most this many for one subscription key.
 */
export function nodeMessageCrypto(room = 0, perKey = 1): NodeMessageCrypto {
  const ahead = new Map<string, Agreement[]>();
  let waiting = 0;
  let taken = 0;
  // Salts cut from one random buffer, filled anew once every octet of it has been handed out.
  const salts = Buffer.alloc(SALT_POOL_BYTES);
  let saltAt = SALT_POOL_BYTES;
  return {
    salt() {
      if (saltAt === SALT_POOL_BYTES) {
        randomFillSync(salts);
        saltAt = 0;
      }
      saltAt += 16;
      // A copy: the buffer is filled again later.
      return new Uint8Array(salts.subarray(saltAt - 16, saltAt));
    },
    async agree(uaPublic) {
      if (waiting > 0) {
        const id = idOf(uaPublic);
        const prepared = ahead.get(id)?.pop();
        if (prepared !== undefined) {
          if (ahead.get(id)!.length === 0) ahead.delete(id);
          waiting -= 1;
          taken += 1;
          return prepared;
        }
      }
      return agreeNow(uaPublic);
    },
    async seal(cek, nonce, record) {
      const cipher = createCipheriv('aes-128-gcm', cek, nonce);
      return new Uint8Array(Buffer.concat([cipher.update(record), cipher.final(), cipher.getAuthTag()]));
    },
    hmac(key, ...parts) {
      const mac = createHmac('sha256', key);
      for (const part of parts) mac.update(part);
      return new Uint8Array(mac.digest());
    },
    prepare(uaPublic) {
      if (waiting >= room) return false;
      const id = idOf(uaPublic);
      const list = ahead.get(id) ?? [];
      if (list.length >= perKey) return false;
      list.push(agreeNow(uaPublic));
      ahead.set(id, list);
      waiting += 1;
      return true;
    },
    ready: (uaPublic) => ahead.get(idOf(uaPublic))?.length ?? 0,
    forgetOthers(uaPublics) {
      const current = new Set(uaPublics.map(idOf));
      for (const [id, list] of ahead) {
        if (current.has(id)) continue;
        waiting -= list.length;
        ahead.delete(id);
      }
    },
    counts: () => ({ waiting, taken }),
  };
}

/** shared/push's `pushTopic` (24 octets of SHA-256 in base64url, 32 characters) on node:crypto. */
export const nodePushTopic = (key: string): string => createHash('sha256').update(key, 'utf8').digest().subarray(0, 24).toString('base64url');
