import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { inject } from 'vitest';
import './browser-provided.ts';
import { CHROMIUM_ARGS } from './chromium-path.ts';

/** Headless Chromium at the path the browser project's globalSetup found. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: inject('chromiumPath'), headless: true, args: [...CHROMIUM_ARGS] });
}

/**
 * Chromium with a real (temporary) profile. Contexts from `launchChromium().newContext()` are incognito,
 * and Chromium never offers to install an app in incognito: an installability check needs this one.
 */
export async function launchPersistentChromium(options: { viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'sentry-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: inject('chromiumPath'),
    headless: true,
    args: [...CHROMIUM_ARGS],
    ...options,
  });
  // A profile is ~6 MB of caches and service worker storage, one per persistent browser test.
  context.on('close', () => rmSync(profile, { recursive: true, force: true }));
  return context;
}

/** test-artifacts/<area>/ at the repository root (gitignored), created on demand. */
export function artifactDir(area: string): string {
  const dir = join(import.meta.dirname, '../../test-artifacts', area);
  mkdirSync(dir, { recursive: true });
  return dir;
}
