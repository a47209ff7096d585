import { createECDH } from 'node:crypto';
import { createRequire } from 'node:module';
import webpush from 'web-push';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url, utf8 } from './base64url.ts';
import { decryptPush, encryptPush, generateP256KeyPair, MAX_PUSH_PLAINTEXT_BYTES } from './push-encryption.ts';

const subtle = globalThis.crypto.subtle;
const b64 = (text: string): Uint8Array => {
  const bytes = decodeBase64url(text);
  if (bytes === null) throw new Error(`bad base64url in the test: ${text}`);
  return bytes;
};

// RFC 8291 Appendix A (the long values joined, as the RFC says).
const RFC = {
  plaintext: 'When I grow up, I want to be a watermelon',
  asPublic: 'BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8',
  asPrivate: 'yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw',
  uaPublic: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
  uaPrivate: 'q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94',
  salt: 'DGv6ra1nlYgDCS1FRnbzlw',
  authSecret: 'BTBZMqHH6r4Tts7J_aSIgg',
  body:
    'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
};

/** A raw P-256 private scalar plus its public point, as a WebCrypto key (JWK is the only way in). */
function importPrivate(privateB64: string, publicB64: string, name: 'ECDH' | 'ECDSA') {
  const pub = b64(publicB64);
  const jwk = { kty: 'EC', crv: 'P-256', d: privateB64, x: encodeBase64url(pub.slice(1, 33)), y: encodeBase64url(pub.slice(33, 65)) };
  return subtle.importKey('jwk', jwk, { name, namedCurve: 'P-256' }, false, name === 'ECDH' ? ['deriveBits'] : ['sign']);
}

describe('encryptPush (RFC 8291 aes128gcm)', () => {
  it('reproduces the RFC 8291 Appendix A body byte for byte', async () => {
    const senderKeys = { publicKey: b64(RFC.asPublic), privateKey: await importPrivate(RFC.asPrivate, RFC.asPublic, 'ECDH') };
    const body = await encryptPush({ plaintext: utf8(RFC.plaintext), uaPublic: b64(RFC.uaPublic), authSecret: b64(RFC.authSecret), salt: b64(RFC.salt), senderKeys }, subtle);
    expect(body.ok).toBe(true);
    if (body.ok) {
      expect(body.value.length).toBe(144);
      expect(encodeBase64url(body.value)).toBe(RFC.body);
    }
  });

  it('decrypts the RFC body with the user agent key, and refuses it with a wrong auth secret', async () => {
    const uaPrivateKey = await importPrivate(RFC.uaPrivate, RFC.uaPublic, 'ECDH');
    const input = { body: b64(RFC.body), uaPrivateKey, uaPublic: b64(RFC.uaPublic), authSecret: b64(RFC.authSecret) };
    const plain = await decryptPush(input, subtle);
    expect(plain.ok && new TextDecoder().decode(plain.value)).toBe(RFC.plaintext);
    const wrong = await decryptPush({ ...input, authSecret: new Uint8Array(16) }, subtle);
    expect(wrong).toEqual({ ok: false, error: expect.stringContaining('does not decrypt') });
    const cut = await decryptPush({ ...input, body: b64(RFC.body).slice(0, 100) }, subtle);
    expect(cut.ok).toBe(false);
  });

  it('refuses bad keys and an oversized payload with a reason, never a throw', async () => {
    const good = { uaPublic: b64(RFC.uaPublic), authSecret: b64(RFC.authSecret) };
    expect(await encryptPush({ ...good, plaintext: new Uint8Array(MAX_PUSH_PLAINTEXT_BYTES + 1) }, subtle)).toEqual({ ok: false, error: expect.stringContaining('payload') });
    expect((await encryptPush({ ...good, plaintext: new Uint8Array(MAX_PUSH_PLAINTEXT_BYTES) }, subtle)).ok).toBe(true);
    expect(await encryptPush({ ...good, uaPublic: new Uint8Array(65), plaintext: utf8('x') }, subtle)).toEqual({ ok: false, error: expect.stringContaining('p256dh') });
    const offCurve = b64(RFC.uaPublic);
    offCurve[40] = offCurve[40]! ^ 1;
    expect(await encryptPush({ ...good, uaPublic: offCurve, plaintext: utf8('x') }, subtle)).toEqual({ ok: false, error: expect.stringContaining('p256dh') });
    expect(await encryptPush({ ...good, authSecret: new Uint8Array(8), plaintext: utf8('x') }, subtle)).toEqual({ ok: false, error: expect.stringContaining('auth') });
  });
});

describe('against the web-push package (Node), both directions', () => {
  const require = createRequire(import.meta.url);
  const ece = require('http_ece') as { decrypt(buffer: Buffer, params: Record<string, unknown>): Buffer };

  /** A browser-side subscription: a Node ECDH key for http_ece and the same key as a WebCrypto key for us. */
  async function subscription() {
    const ua = createECDH('prime256v1');
    ua.generateKeys();
    const uaPublic = new Uint8Array(ua.getPublicKey());
    const uaPrivateKey = await importPrivate(encodeBase64url(new Uint8Array(ua.getPrivateKey())), encodeBase64url(uaPublic), 'ECDH');
    const authSecret = globalThis.crypto.getRandomValues(new Uint8Array(16));
    return { ua, uaPublic, uaPrivateKey, authSecret };
  }

  it('http_ece (what web-push is built on) decrypts what we encrypt', async () => {
    const s = await subscription();
    const message = JSON.stringify({ web_push: 8030, notification: { title: 'Margin call', body: 'add 412 USDT' } });
    const body = await encryptPush({ plaintext: utf8(message), uaPublic: s.uaPublic, authSecret: s.authSecret }, subtle);
    if (!body.ok) throw new Error(body.error);
    const plain = ece.decrypt(Buffer.from(body.value), { version: 'aes128gcm', privateKey: s.ua, authSecret: Buffer.from(s.authSecret) });
    expect(plain.toString('utf8')).toBe(message);
  });

  it('we decrypt what web-push encrypts for a subscription', async () => {
    const s = await subscription();
    const vapid = webpush.generateVAPIDKeys();
    const details = webpush.generateRequestDetails(
      { endpoint: 'https://push.example.test/abc', keys: { p256dh: encodeBase64url(s.uaPublic), auth: encodeBase64url(s.authSecret) } },
      'Critical: rho 0.93',
      { vapidDetails: { subject: 'mailto:ops@example.test', publicKey: vapid.publicKey, privateKey: vapid.privateKey }, contentEncoding: 'aes128gcm', TTL: 60 },
    );
    expect(details.headers['Content-Encoding']).toBe('aes128gcm');
    const plain = await decryptPush({ body: new Uint8Array(details.body as Buffer), uaPrivateKey: s.uaPrivateKey, uaPublic: s.uaPublic, authSecret: s.authSecret }, subtle);
    expect(plain.ok && new TextDecoder().decode(plain.value)).toBe('Critical: rho 0.93');
  });

  it('a fresh salt and sender key per message: the same text never gives the same body', async () => {
    const s = await subscription();
    const keys = await generateP256KeyPair(subtle, 'ecdh');
    const a = await encryptPush({ plaintext: utf8('same'), uaPublic: s.uaPublic, authSecret: s.authSecret }, subtle);
    const b = await encryptPush({ plaintext: utf8('same'), uaPublic: s.uaPublic, authSecret: s.authSecret }, subtle);
    expect(a.ok && b.ok && encodeBase64url(a.value) !== encodeBase64url(b.value)).toBe(true);
    expect(keys.publicKey.length).toBe(65);
  });
});
