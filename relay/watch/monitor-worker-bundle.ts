import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

/**
 * The monitor worker's code (monitor-worker.ts and the engine it imports) as one script, bundled once per
 * process by esbuild without `keepNames`. Under tsx every function expression made at run time is followed
 * by `__name(fn, ...)`, an `Object.defineProperty`: in the 10,000-device flash market that was ~17 s of
 * ~95 s busy on each monitor thread (docs/relay-load-log.md, "The post, the workers' code, and a thread for the sender"), work the homes'
 * bundles (vite: esbuild, no keepNames) never do. Not minified: stacks keep the functions' names.
 * CommonJS, so that the worker runs it with `eval` and nothing is written to disk.
 */
let code: string | null = null;

export function monitorWorkerCode(): string {
  if (code !== null) return code;
  const result = buildSync({
    entryPoints: [fileURLToPath(new URL('./monitor-worker.ts', import.meta.url))],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    keepNames: false,
    write: false,
    logLevel: 'error',
  });
  code = result.outputFiles[0]!.text;
  return code;
}
