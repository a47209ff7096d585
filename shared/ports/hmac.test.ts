import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { webCryptoHmac } from '../platform/webcrypto-hmac.ts';
import { base64Of, hexOf } from './hmac.ts';

describe('hmac encodings', () => {
  it('hex and Base64 agree with Node for every length remainder', () => {
    for (let n = 0; n < 40; n += 1) {
      const bytes = new Uint8Array(randomBytes(n));
      expect(base64Of(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      expect(hexOf(bytes)).toBe(Buffer.from(bytes).toString('hex'));
    }
  });

  it('the WebCrypto port equals node:crypto HMAC-SHA256, including non-ASCII secrets and messages', async () => {
    const hmac = webCryptoHmac();
    for (const [secret, message] of [['k', ''], ['sécret', 'GET/realtime1662350400000'], ['a'.repeat(200), 'ünïcødé ✓']] as const) {
      expect(Buffer.from(await hmac.sha256(secret, message)).toString('hex')).toBe(createHmac('sha256', secret).update(message).digest('hex'));
    }
  });
});
