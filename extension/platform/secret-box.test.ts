import { describe, expect, it } from 'vitest';
import { open, parseSealedBox, seal } from './secret-box.ts';

describe('secret box: keys encrypted at rest', () => {
  it('opens with the passphrase, not without; the box holds no plaintext', async () => {
    const box = await seal('{"apiKey":"k-123","apiSecret":"s-456"}', 'correct horse');
    expect(JSON.stringify(box)).not.toContain('k-123');
    expect(JSON.stringify(box)).not.toContain('s-456');
    expect(await open(JSON.parse(JSON.stringify(box)), 'correct horse')).toBe('{"apiKey":"k-123","apiSecret":"s-456"}');
    expect(await open(box, 'wrong horse')).toBeNull();
  });
  it('an altered box does not open', async () => {
    const box = await seal('secret', 'pw');
    const flipped = box.data.startsWith('A') ? `B${box.data.slice(1)}` : `A${box.data.slice(1)}`;
    expect(await open({ ...box, data: flipped }, 'pw')).toBeNull();
  });
  it('a stored box is read back field by field', async () => {
    const box = await seal('x', 'pw');
    expect(parseSealedBox(JSON.parse(JSON.stringify(box)), '$.box')).toEqual(box);
    expect(parseSealedBox({ ...box, iv: 'not base64!' }, '$.box')).toBe('$.box.iv: expected base64');
    expect(parseSealedBox({ ...box, iterations: 10 }, '$.box')).toBe('$.box.iterations: expected 100000..10000000');
  });
});
