import type { webcrypto } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBase64url, encodeBase64url } from '../../shared/push/base64url.ts';
import type { VapidKeys } from '../../shared/push/vapid.ts';

/**
 * The relay's own VAPID key pair, generated on first start and kept in the data folder (mode 0600),
 * so subscriptions made with its public key keep working across restarts. A phone that brought its
 * own pair (to share with the extension) is signed for with that pair instead.
 */

const FILE = 'vapid-keys.json';

export interface StoredVapidKeys {
  readonly keys: VapidKeys;
  readonly publicKey: string;
}

export async function importVapidJwk(jwk: { kty: string; crv: string; x: string; y: string; d: string }): Promise<VapidKeys> {
  const privateKey = await globalThis.crypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const x = decodeBase64url(jwk.x);
  const y = decodeBase64url(jwk.y);
  if (x === null || y === null || x.length !== 32 || y.length !== 32) throw new Error('vapid key: x and y must be 32 octets each');
  return { privateKey, publicKey: Uint8Array.of(4, ...x, ...y) };
}

export async function loadOrCreateVapidKeys(dataDir: string): Promise<StoredVapidKeys> {
  const path = join(dataDir, FILE);
  if (!existsSync(path)) {
    const pair = (await globalThis.crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as { publicKey: webcrypto.CryptoKey; privateKey: webcrypto.CryptoKey };
    const jwk = await globalThis.crypto.subtle.exportKey('jwk', pair.privateKey);
    writeFileSync(path, `${JSON.stringify({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d })}\n`, { mode: 0o600, flag: 'wx' });
  }
  let jwk: { kty: string; crv: string; x: string; y: string; d: string };
  try {
    jwk = JSON.parse(readFileSync(path, 'utf8')) as typeof jwk;
  } catch {
    throw new Error(`${path}: not JSON; move it away to make a new key pair (phones subscribed with the old key must re-pair)`);
  }
  const keys = await importVapidJwk(jwk);
  return { keys, publicKey: encodeBase64url(keys.publicKey) };
}
