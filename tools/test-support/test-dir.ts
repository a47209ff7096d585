import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];
// Registered when a test file imports this module (each file imports it afresh): it runs after the
// file's own afterAll hooks (after hooks run in reverse), once its relays and stores are closed.
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh directory under the system's temp folder (a relay's data, a SQLite file, a certificate),
 * removed when the test file is done: a machine that runs the suite again and again would otherwise
 * keep every run's relays, databases and keys (hundreds of directories a day here).
 */
export function testDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
