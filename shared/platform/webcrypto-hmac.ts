import type { Hmac } from '../ports/hmac.ts';

/**
 * The `Hmac` port on WebCrypto (`crypto.subtle`), which browsers, MV3 extension workers and Node 20
 * all provide as a global. Outside the platform-free set (shared/tsconfig.json does not include
 * this folder) because it names a platform global; each home passes it to the feed.
 * Imported keys are cached per secret so that signing every request does not re-import.
 */
type Subtle = typeof globalThis.crypto.subtle;
// Spelled through the global so it compiles with the DOM lib (extension, PWA) and with Node's types alike.
type Key = Awaited<ReturnType<Subtle['importKey']>>;

export function webCryptoHmac(subtle: Subtle = globalThis.crypto.subtle): Hmac {
  const encoder = new TextEncoder();
  const keys = new Map<string, Promise<Key>>();
  const keyFor = (secret: string): Promise<Key> => {
    let key = keys.get(secret);
    if (key === undefined) {
      key = subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      keys.set(secret, key);
    }
    return key;
  };
  return {
    async sha256(secret, message) {
      const signature = await subtle.sign('HMAC', await keyFor(secret), encoder.encode(message));
      return new Uint8Array(signature);
    },
  };
}
