import { encodeBase64url, utf8 } from '../../shared/push/base64url.ts';

/**
 * Device credentials: a random id and a random bearer token (32 octets each); the store keeps only the
 * token's SHA-256, so a leaked database cannot be replayed against the relay.
 */

const random = (octets: number): string => encodeBase64url(globalThis.crypto.getRandomValues(new Uint8Array(octets)));

export const newDeviceId = (): string => random(16);
export const newDeviceToken = (): string => random(32);

export async function tokenHash(token: string): Promise<string> {
  return encodeBase64url(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', utf8(token))));
}

/** Compares two hashes in time independent of where they differ. */
export function sameHash(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i += 1) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
