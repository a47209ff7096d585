import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_ICONS, ICON_GROUND, ICON_SOURCE, SAFE_ZONE_RADIUS } from '../../icons/icon-set.ts';
import { renderIcon } from './icon-drawing.ts';

const dir = join(import.meta.dirname, '../../icons');
const source = readFileSync(join(dir, ICON_SOURCE), 'utf8');

/** Width and height from a PNG's IHDR chunk (bytes 16..23, big-endian), after checking the signature. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('icons drawn from icons/icon.svg', () => {
  it.each(ALL_ICONS.map((o) => [o.file, o] as const))('%s is committed at its size and matches the drawing', async (file, output) => {
    const committed = readFileSync(join(dir, file));
    expect(pngSize(committed)).toEqual({ width: output.size, height: output.size });
    const fresh = await renderIcon(source, output);
    // Fails when icon.svg changed and `npm run icons` was not run.
    expect(Buffer.from(fresh.png).equals(committed)).toBe(true);
  });

  it('keeps the whole drawing of the maskable icon inside the safe zone, on an opaque ground', async () => {
    const output = ALL_ICONS.find((o) => o.kind === 'maskable')!;
    const { pixels, width } = await renderIcon(source, output);
    const ground = [1, 3, 5].map((i) => parseInt(ICON_GROUND.slice(i, i + 2), 16));
    const c = width / 2;
    let outside = 0;
    let inkInside = 0;
    let seeThrough = 0;
    for (let y = 0; y < width; y++) {
      for (let x = 0; x < width; x++) {
        const p = (y * width + x) * 4;
        if (pixels[p + 3] !== 255) seeThrough++;
        const isGround = Math.abs(pixels[p]! - ground[0]!) + Math.abs(pixels[p + 1]! - ground[1]!) + Math.abs(pixels[p + 2]! - ground[2]!) < 6;
        const r = Math.hypot(x + 0.5 - c, y + 0.5 - c);
        if (r > SAFE_ZONE_RADIUS * width && !isGround) outside++;
        if (r <= SAFE_ZONE_RADIUS * width && !isGround) inkInside++;
      }
    }
    expect(seeThrough).toBe(0);
    expect(outside).toBe(0);
    // The drawing fills the zone (not a speck in the middle): over half of the safe circle is ink.
    expect(inkInside / (Math.PI * (SAFE_ZONE_RADIUS * width) ** 2)).toBeGreaterThan(0.5);
  });
});
