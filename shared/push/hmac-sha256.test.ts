import { describe, expect, it } from 'vitest';
import { hmacSha256, sha256 } from './hmac-sha256.ts';

const subtle = globalThis.crypto.subtle;
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
const random = (n: number): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(n));

async function webHmac(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  // WebCrypto refuses an empty HMAC key; RFC 2104 pads it to a block of zeros either way.
  const k = await subtle.importKey('raw', key.length === 0 ? new Uint8Array(64) : key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle.sign('HMAC', k, data));
}

describe('sha256', () => {
  it('equals WebCrypto for every length from 0 to 300 octets (one, two and more blocks, each padding edge)', async () => {
    for (let n = 0; n <= 300; n += 1) {
      const data = random(n);
      expect(hex(sha256(data)), `length ${n}`).toBe(hex(new Uint8Array(await subtle.digest('SHA-256', data))));
    }
  });

  it('hashes its parts as one message', () => {
    const data = random(150);
    expect(hex(sha256(data.subarray(0, 7), data.subarray(7, 70), data.subarray(70)))).toBe(hex(sha256(data)));
  });

  it('gives the FIPS 180-2 digest of "abc"', () => {
    expect(hex(sha256(new TextEncoder().encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('hmacSha256', () => {
  it('gives RFC 4231 test cases 1, 2 and 6 (a key longer than a block)', () => {
    expect(hex(hmacSha256(fromHex('0b'.repeat(20)), new TextEncoder().encode('Hi There')))).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
    expect(hex(hmacSha256(new TextEncoder().encode('Jefe'), new TextEncoder().encode('what do ya want for nothing?')))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    expect(hex(hmacSha256(fromHex('aa'.repeat(131)), new TextEncoder().encode('Test Using Larger Than Block-Size Key - Hash Key First')))).toBe(
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    );
  });

  it('equals WebCrypto for keys of 0 to 100 octets and data of 0 to 200', async () => {
    for (let k = 0; k <= 100; k += 7) {
      for (let n = 0; n <= 200; n += 13) {
        const key = random(k);
        const data = random(n);
        expect(hex(hmacSha256(key, data.subarray(0, 5), data.subarray(5))), `key ${k}, data ${n}`).toBe(hex(await webHmac(key, data)));
      }
    }
  });
});
