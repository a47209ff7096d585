/**
 * HMAC-SHA256, the one primitive the venues' request signing needs. Homes implement it with WebCrypto
 * (`crypto.subtle`, present in browsers, extension workers and Node 20; see
 * shared/platform/webcrypto-hmac.ts). Async because WebCrypto is. Keys stay in the home; a venue's
 * signing code passes the secret through and never stores it.
 */
export interface Hmac {
  /** HMAC-SHA256 of the UTF-8 bytes of `message` under the UTF-8 bytes of `secret` (non-empty: WebCrypto refuses a zero-length key). */
  sha256(secret: string, message: string): Promise<Uint8Array>;
}

const HEX = '0123456789abcdef';

/** Lower-case hex, as Binance and Bybit expect their signatures. */
export function hexOf(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b >> 4]! + HEX[b & 15]!;
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard Base64 with padding, as OKX expects its signatures (no btoa: the engine has no DOM). */
export function base64Of(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    out += B64[a >> 2]! + B64[((a & 3) << 4) | ((b ?? 0) >> 4)]!;
    out += b === undefined ? '=' : B64[((b & 15) << 2) | ((c ?? 0) >> 6)]!;
    out += c === undefined ? '=' : B64[c & 63]!;
  }
  return out;
}

export const hmacHex = async (hmac: Hmac, secret: string, message: string): Promise<string> =>
  hexOf(await hmac.sha256(secret, message));

export const hmacBase64 = async (hmac: Hmac, secret: string, message: string): Promise<string> =>
  base64Of(await hmac.sha256(secret, message));
