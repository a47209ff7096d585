import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * `npm start`'s build step: builds the PWA (as `npm run build` does) only when dist/pwa is missing or
 * older than any source it is built from, so a second start is instant.
 */
export const ROOT = join(import.meta.dirname, '../..');
export const PWA_DIST = join(ROOT, 'dist/pwa');
const SOURCES = ['pwa', 'shared', 'icons', 'vite.config.ts', 'package-lock.json'];

function newestMtime(path: string): number {
  const s = statSync(path, { throwIfNoEntry: false });
  if (s === undefined) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const name of readdirSync(path)) if (name !== 'node_modules') newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

export function pwaBuildIsCurrent(): boolean {
  const built = statSync(join(PWA_DIST, 'sw.js'), { throwIfNoEntry: false });
  return built !== undefined && built.mtimeMs >= Math.max(...SOURCES.map((s) => newestMtime(join(ROOT, s))));
}

/** Builds unless current; returns whether it built. */
export async function buildPwaIfNeeded(log: (line: string) => void = () => undefined): Promise<boolean> {
  if (pwaBuildIsCurrent()) return false;
  log('building the PWA (npm run build)...');
  await promisify(execFile)(join(ROOT, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production' } });
  return true;
}
