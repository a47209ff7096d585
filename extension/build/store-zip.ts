import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { zipSync, type Zippable } from 'fflate';

/**
 * The Web Store zip of a built extension folder, made in-process (fflate, no native code) so a fresh
 * machine needs no `zip` command. Entries are sorted, paths use `/`, and every entry carries the same
 * fixed time: the same folder always gives the same bytes.
 */
const FIXED_MTIME = new Date('2020-01-01T00:00:00Z');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

export function zipDirectory(dir: string): Uint8Array {
  const entries: Zippable = {};
  for (const file of filesUnder(dir)) entries[relative(dir, file).split(sep).join('/')] = [readFileSync(file), { level: 9, mtime: FIXED_MTIME }];
  return zipSync(entries);
}
