import { createCipheriv, createECDH, createHmac } from 'node:crypto';
import type { MessageCrypto } from '../../shared/push/push-encryption.ts';

/**
 * RFC 8291's per-message operations (a new P-256 key pair and its ECDH secret, AES-128-GCM, the key
 * schedule's HMACs) on node:crypto, for the relay's sender: ~170 µs of CPU a push against ~420 µs through Node's WebCrypto,
 * whose every call is a thread-pool round trip and a promise (relay/README.md, Load). The message
 * format, the key schedule and the checks stay in shared/push/push-encryption.ts; this only does the
 * same primitives faster (node-message-crypto.test.ts checks them against WebCrypto and http_ece).
 */
export function nodeMessageCrypto(): MessageCrypto {
  return {
    async agree(uaPublic) {
      const ecdh = createECDH('prime256v1');
      const asPublic = ecdh.generateKeys();
      // Throws for a key that is no point on the curve: encryptPush names the field.
      const secret = ecdh.computeSecret(uaPublic);
      return { asPublic: new Uint8Array(asPublic), secret: new Uint8Array(secret) };
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
  };
}
