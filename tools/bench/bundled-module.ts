import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/**
 * A module and everything it imports bundled the way the homes' vite builds bundle the engine (esbuild,
 * target es2022 as vite.config.ts, no `keepNames`), then imported. Under tsx every function expression
 * made at run time is followed by `__name(fn, ...)` (an `Object.defineProperty`), which neither the
 * PWA's and the extension's bundles nor the relay's monitor workers (relay/watch/monitor-worker-bundle.ts)
 * carry; this is the reading of what they run. Minified like a production build, so that nothing but the
 * code's own work is left. `node:` modules stay external.
 */
export async function bundledModule<T>(entryFile: string): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'bundled-module-'));
  const outfile = join(dir, `${basename(entryFile, '.ts')}.mjs`);
  await build({ entryPoints: [entryFile], bundle: true, format: 'esm', platform: 'node', target: 'es2022', minify: true, keepNames: false, outfile, logLevel: 'error' });
  try {
    return (await import(pathToFileURL(outfile).href)) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
