import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ProvidedContext } from 'vitest';
import './browser-provided.ts';
import { ensureChromium } from './chromium-path.ts';

/**
 * vitest globalSetup of the `browser` project: builds the PWA and the extension exactly as `npm run
 * build` does (so a fresh clone's `npm ci && npm test` tests what ships) and finds, or installs,
 * Chromium. Runs only when browser tests are selected.
 */

const root = join(import.meta.dirname, '../..');

/** The part of vitest's TestProject a globalSetup needs. */
interface Provider {
  provide<K extends keyof ProvidedContext>(key: K, value: ProvidedContext[K]): void;
}

export default async function setup(project: Provider): Promise<() => void> {
  const chromiumPath = ensureChromium();
  // A child process, as `npm run build` runs it: inside vitest NODE_ENV is "test", which would give a
  // development build (React's dev runtime, no service worker registration).
  const env = { ...process.env, NODE_ENV: 'production' };
  await promisify(execFile)(join(root, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { cwd: root, env });
  await promisify(execFile)(join(root, 'node_modules/.bin/tsx'), [join(root, 'extension/build/build-extension.ts'), '--quiet'], { cwd: root, env });
  project.provide('chromiumPath', chromiumPath);
  project.provide('pwaDist', join(root, 'dist/pwa'));
  project.provide('extensionDist', join(root, 'dist/extension'));
  // Persistent profiles (~6 MB each) go here; removed once every test file's browser is closed.
  const profileRoot = mkdtempSync(join(tmpdir(), 'sentry-profiles-'));
  project.provide('profileRoot', profileRoot);
  return () => rmSync(profileRoot, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}
