import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { zipDirectory } from './store-zip.ts';

let dir: string | null = null;
afterEach(() => {
  if (dir !== null) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe('zipDirectory: the store zip without a zip command', () => {
  it('holds every file of the folder, nested paths with /, byte for byte, and the same bytes twice', () => {
    dir = mkdtempSync(join(tmpdir(), 'ms-zip-'));
    mkdirSync(join(dir, 'assets', 'icons'), { recursive: true });
    const files: Record<string, Uint8Array> = {
      'manifest.json': new TextEncoder().encode('{"manifest_version":3}\n'),
      'assets/worker.js': new TextEncoder().encode('self.addEventListener("install", () => {});\n'.repeat(50)),
      'assets/icons/16.png': Uint8Array.from({ length: 300 }, (_, i) => (i * 37) % 256),
    };
    for (const [path, bytes] of Object.entries(files)) writeFileSync(join(dir, path), bytes);
    const zip = zipDirectory(dir);
    expect(Object.fromEntries(Object.entries(unzipSync(zip)).map(([k, v]) => [k, Array.from(v)]))).toEqual(
      Object.fromEntries(Object.entries(files).map(([k, v]) => [k, Array.from(v)])),
    );
    expect(Buffer.from(zipDirectory(dir)).equals(Buffer.from(zip))).toBe(true);
  });
});
