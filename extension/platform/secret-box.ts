/**
 * Read-only venue keys encrypted at rest: AES-GCM-256 under a key derived from the user's passphrase
 * with PBKDF2-SHA-256 (310 000 iterations, a random 16-byte salt per box, a random 12-byte IV). WebCrypto
 * only, so it runs in the worker, the options page and Node tests alike. The box is plain JSON (base64
 * fields) for chrome.storage.local; the passphrase is never stored.
 */
export interface SealedBox {
  readonly kind: 'sealed-box';
  readonly version: 1;
  readonly iterations: number;
  readonly salt: string;
  readonly iv: string;
  readonly data: string;
}

const ITERATIONS = 310_000;
const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function boxKey(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const material = await subtle().importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, ['deriveKey']);
  return subtle().deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

export async function seal(plaintext: string, passphrase: string): Promise<SealedBox> {
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const key = await boxKey(passphrase, salt, ITERATIONS);
  const data = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(plaintext)));
  return { kind: 'sealed-box', version: 1, iterations: ITERATIONS, salt: toBase64(salt), iv: toBase64(iv), data: toBase64(data) };
}

/** The plaintext, or null when the passphrase is wrong or the box was altered (AES-GCM authenticates it). */
export async function open(box: SealedBox, passphrase: string): Promise<string | null> {
  try {
    const key = await boxKey(passphrase, fromBase64(box.salt), box.iterations);
    const plain = await subtle().decrypt({ name: 'AES-GCM', iv: fromBase64(box.iv) }, key, fromBase64(box.data));
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseSealedBox(raw: unknown, path: string): SealedBox | string {
  if (typeof raw !== 'object' || raw === null) return `${path}: expected a sealed box`;
  const r = raw as Record<string, unknown>;
  if (r['kind'] !== 'sealed-box' || r['version'] !== 1) return `${path}.kind: expected a version 1 sealed box`;
  const iterations = r['iterations'];
  if (typeof iterations !== 'number' || !Number.isInteger(iterations) || iterations < 100_000 || iterations > 10_000_000) return `${path}.iterations: expected 100000..10000000`;
  for (const f of ['salt', 'iv', 'data'] as const) {
    const v = r[f];
    if (typeof v !== 'string' || !BASE64.test(v)) return `${path}.${f}: expected base64`;
  }
  return { kind: 'sealed-box', version: 1, iterations, salt: r['salt'] as string, iv: r['iv'] as string, data: r['data'] as string };
}
