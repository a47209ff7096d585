import { mkdirSync, mkdtempSync } from 'node:fs';
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
export function launchPersistentChromium(options: { viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  // Under the run's profile folder, which the globalSetup removes once every browser is gone: Chromium
  // still writes into a profile after its context reports closed.
  const profile = mkdtempSync(join(inject('profileRoot'), 'profile-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: inject('chromiumPath'),
    headless: true,
    args: [...CHROMIUM_ARGS],
    ...options,
  });
}

/** test-artifacts/<area>/ at the repository root (gitignored), created on demand. */
export function artifactDir(area: string): string {
  const dir = join(import.meta.dirname, '../../test-artifacts', area);
  mkdirSync(dir, { recursive: true });
  return dir;
}
