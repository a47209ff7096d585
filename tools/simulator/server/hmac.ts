import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 of `payload` under `secret`, lowercase hex (Binance, Bybit). */
export const hmacSha256Hex = (secret: string, payload: string): string =>
  createHmac('sha256', secret).update(payload).digest('hex');

/** HMAC-SHA256 of `payload` under `secret`, Base64 (OKX). */
export const hmacSha256Base64 = (secret: string, payload: string): string =>
  createHmac('sha256', secret).update(payload).digest('base64');

/** Constant-time comparison of two signatures (different lengths are simply unequal). */
export function signaturesEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
