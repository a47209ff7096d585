import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/**
 * A tree's live path (tools/bench/live-path-run.ts and everything it imports) bundled the way the homes'
 * vite builds bundle the engine: esbuild, target es2022 (vite.config.ts), no `keepNames`. Under tsx every
 * function expression made at run time is followed by `__name(fn, ...)` (an `Object.defineProperty`),
 * which the PWA's and the extension's bundles do not carry; this is the reading of what they run. The
 * relay runs under tsx and pays it: the suite reports both readings, never one for the other.
 * Minified like a production build, so that nothing but the code's own work is left.
 */
export async function bundledLivePath(root: string): Promise<typeof import('./live-path-run.ts')> {
  const dir = mkdtempSync(join(tmpdir(), 'bundled-live-path-'));
  const outfile = join(dir, 'live-path-run.mjs');
  await build({
    entryPoints: [join(root, 'tools/bench/live-path-run.ts')],
    bundle: true,
    format: 'esm',
    // node: only for the bench's own fixture reading (node:fs), left external; the engine needs nothing of it.
    platform: 'node',
    target: 'es2022',
    minify: true,
    keepNames: false,
    outfile,
    logLevel: 'error',
  });
  try {
    return (await import(pathToFileURL(outfile).href)) as typeof import('./live-path-run.ts');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
