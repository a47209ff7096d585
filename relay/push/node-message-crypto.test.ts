import { createECDH } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { encodeBase64url, utf8 } from '../../shared/push/base64url.ts';
import { decryptPush, encryptPush, webCryptoMessage } from '../../shared/push/push-encryption.ts';
import { hmacSha256 } from '../../shared/push/hmac-sha256.ts';
import { pushTopic } from '../../shared/push/push-request.ts';
import { nodeMessageCrypto, nodePushTopic } from './node-message-crypto.ts';

const subtle = globalThis.crypto.subtle;
const ece = createRequire(import.meta.url)('http_ece') as { decrypt(buffer: Buffer, params: Record<string, unknown>): Buffer };

/** A browser-side subscription: its Node ECDH key (for http_ece) and the same key in WebCrypto (for decryptPush). */
async function subscription() {
  const ua = createECDH('prime256v1');
  ua.generateKeys();
  const uaPublic = new Uint8Array(ua.getPublicKey());
  const jwk = { kty: 'EC', crv: 'P-256', d: encodeBase64url(new Uint8Array(ua.getPrivateKey())), x: encodeBase64url(uaPublic.slice(1, 33)), y: encodeBase64url(uaPublic.slice(33)) };
  const uaPrivateKey = await subtle.importKey('jwk', jwk, { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
  return { ua, uaPublic, uaPrivateKey, authSecret: globalThis.crypto.getRandomValues(new Uint8Array(16)) };
}

describe('nodeMessageCrypto (the relay\'s per-message operations)', () => {
  const message = nodeMessageCrypto();

  it('agrees the secret the subscription derives from the new sender key, a new key every message', async () => {
    const s = await subscription();
    const a = await message.agree(s.uaPublic);
    const b = await message.agree(s.uaPublic);
    expect(a.asPublic.length).toBe(65);
    expect(a.asPublic[0]).toBe(4);
    expect(encodeBase64url(a.asPublic)).not.toBe(encodeBase64url(b.asPublic));
    const peer = await subtle.importKey('raw', a.asPublic, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
    const theirs = new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: peer }, s.uaPrivateKey, 256));
    expect(encodeBase64url(a.secret)).toBe(encodeBase64url(theirs));
  });

  it('seals as WebCrypto AES-128-GCM does, tag included', async () => {
    const cek = globalThis.crypto.getRandomValues(new Uint8Array(16));
    const nonce = globalThis.crypto.getRandomValues(new Uint8Array(12));
    for (const n of [0, 1, 17, 360, 3994]) {
      const record = globalThis.crypto.getRandomValues(new Uint8Array(n));
      expect(encodeBase64url(await message.seal(cek, nonce, record)), `record of ${n}`).toBe(encodeBase64url(await webCryptoMessage(subtle).seal(cek, nonce, record)));
    }
  });

  it('computes the HMAC-SHA-256 of its parts as hmac-sha256.ts does (RFC 4231 case 2, and random inputs)', () => {
    const hmac = message.hmac!;
    const rfc4231 = hmac(utf8('Jefe'), utf8('what do ya want '), utf8('for nothing?'));
    expect(Buffer.from(rfc4231).toString('hex')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    for (const n of [0, 1, 55, 64, 65, 200]) {
      const key = globalThis.crypto.getRandomValues(new Uint8Array(n % 70));
      const a = globalThis.crypto.getRandomValues(new Uint8Array(n));
      const b = globalThis.crypto.getRandomValues(new Uint8Array(3));
      expect(encodeBase64url(hmac(key, a, b)), `parts of ${n} and 3`).toBe(encodeBase64url(hmacSha256(key, a, b)));
    }
  });

  it('names a Topic as shared/push does: 32 base64url characters of the key\'s SHA-256', () => {
    for (const key of ['', 'binance:main|pool|call', 'bench-9999 okx:main|BTC-USDT-SWAP|isolated|short', 'ünïcødé ✓ '.repeat(20)]) {
      expect(nodePushTopic(key), key).toBe(pushTopic(key));
      expect(nodePushTopic(key)).toMatch(/^[A-Za-z0-9_-]{32}$/);
    }
  });

  it('bodies made with it are decrypted by http_ece and by decryptPush; a key off the curve is refused with the field named', async () => {
    const s = await subscription();
    const text = JSON.stringify({ web_push: 8030, notification: { title: 'Margin call', body: 'add 412 USDT', navigate: '/' } });
    const body = await encryptPush({ plaintext: utf8(text), uaPublic: s.uaPublic, authSecret: s.authSecret, message }, subtle);
    if (!body.ok) throw new Error(body.error);
    expect(ece.decrypt(Buffer.from(body.value), { version: 'aes128gcm', privateKey: s.ua, authSecret: Buffer.from(s.authSecret) }).toString('utf8')).toBe(text);
    const plain = await decryptPush({ body: body.value, uaPrivateKey: s.uaPrivateKey, uaPublic: s.uaPublic, authSecret: s.authSecret }, subtle);
    expect(plain.ok && new TextDecoder().decode(plain.value)).toBe(text);
    const offCurve = s.uaPublic.slice();
    offCurve[40] = offCurve[40]! ^ 1;
    expect(await encryptPush({ plaintext: utf8('x'), uaPublic: offCurve, authSecret: s.authSecret, message }, subtle)).toEqual({ ok: false, error: 'p256dh: not a point on P-256' });
  });

  it('gives every message a salt of its own, across fills of its random buffer, and each stays as it was given', async () => {
    const salts = nodeMessageCrypto();
    const first = salts.salt!();
    const kept = encodeBase64url(first);
    const s = await subscription();
    const seen = new Set([kept]);
    // 600 messages: more than two fills of the buffer (256 salts each).
    for (let i = 0; i < 600; i += 1) {
      const body = await encryptPush({ plaintext: utf8('x'), uaPublic: s.uaPublic, authSecret: s.authSecret, message: salts }, subtle);
      if (!body.ok) throw new Error(body.error);
      seen.add(encodeBase64url(body.value.slice(0, 16)));
    }
    expect(seen.size).toBe(601);
    expect(first.length).toBe(16);
    expect(encodeBase64url(first)).toBe(kept); // not a view of the buffer filled again since
  });

  it('a prepared agreement goes to exactly one message, bounded per key and in all, and decrypts like a fresh one', async () => {
    const ahead = nodeMessageCrypto(3, 2);
    const s = await subscription();
    const other = await subscription();
    const third = await subscription();
    expect(ahead.prepare(s.uaPublic)).toBe(true);
    expect(ahead.prepare(s.uaPublic)).toBe(true);
    expect(ahead.prepare(s.uaPublic)).toBe(false); // two wait already
    expect(ahead.prepare(other.uaPublic)).toBe(true);
    expect(ahead.prepare(third.uaPublic)).toBe(false); // the room is full
    expect(ahead.counts()).toEqual({ waiting: 3, taken: 0 });
    const text = 'Critical: add 900 USDT';
    const seen = new Set<string>();
    for (let i = 0; i < 5; i += 1) {
      if (i === 3) ahead.prepare(s.uaPublic);
      const body = await encryptPush({ plaintext: utf8(text), uaPublic: s.uaPublic, authSecret: s.authSecret, message: ahead }, subtle);
      if (!body.ok) throw new Error(body.error);
      seen.add(encodeBase64url(body.value.slice(21, 86)));
      expect(ece.decrypt(Buffer.from(body.value), { version: 'aes128gcm', privateKey: s.ua, authSecret: Buffer.from(s.authSecret) }).toString('utf8')).toBe(text);
    }
    expect(seen.size).toBe(5); // no sender key twice
    expect(ahead.counts()).toEqual({ waiting: 1, taken: 3 });
    expect(ahead.ready(other.uaPublic)).toBe(1);
    expect(ahead.ready(s.uaPublic)).toBe(0);
    const offCurve = s.uaPublic.slice();
    offCurve[40] = offCurve[40]! ^ 1;
    expect(() => nodeMessageCrypto(1).prepare(offCurve)).toThrow();
  });

  it('forgets the agreements of keys no longer subscribed, and their room is made again for the others', async () => {
    const ahead = nodeMessageCrypto(2, 1);
    const gone = await subscription();
    const kept = await subscription();
    const later = await subscription();
    expect(ahead.prepare(gone.uaPublic)).toBe(true);
    expect(ahead.prepare(kept.uaPublic)).toBe(true);
    expect(ahead.prepare(later.uaPublic)).toBe(false); // the room is full
    ahead.forgetOthers([kept.uaPublic, later.uaPublic]);
    expect(ahead.ready(gone.uaPublic)).toBe(0);
    expect(ahead.ready(kept.uaPublic)).toBe(1);
    expect(ahead.counts()).toEqual({ waiting: 1, taken: 0 });
    expect(ahead.prepare(later.uaPublic)).toBe(true);
  });
});
