import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/**
 * Where the browser tests find Chromium: `CHROMIUM_PATH` if set (it must then exist), else Debian's
 * `/usr/bin/chromium`. When neither is there, `ensureChromium` installs Debian's package if it can
 * (running as root with apt-get, as on the project's machines and CI) and otherwise stops with the one
 * line a user must run. playwright-core downloads no browser of its own.
 */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';
export const INSTALL_HINT = 'Chromium is missing: run `sudo apt-get install -y chromium` (Debian/Ubuntu) or set CHROMIUM_PATH to a Chromium or Chrome binary.';

/** Flags that keep a test browser quiet and offline-friendly (toolchain.md, section 3). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export type ChromiumLookup = { readonly path: string } | { readonly missing: string };

export function findChromium(env: Readonly<Record<string, string | undefined>> = process.env, exists = isExecutable): ChromiumLookup {
  const chosen = env.CHROMIUM_PATH;
  if (chosen !== undefined && chosen !== '') {
    return exists(chosen) ? { path: chosen } : { missing: `CHROMIUM_PATH is set to ${chosen}, which is not an executable file.` };
  }
  return exists(DEBIAN_CHROMIUM) ? { path: DEBIAN_CHROMIUM } : { missing: INSTALL_HINT };
}

const canInstallWithApt = (): boolean => process.getuid?.() === 0 && isExecutable('/usr/bin/apt-get');

/** The Chromium to drive, installing Debian's when allowed; throws the one-line instruction otherwise. */
export function ensureChromium(log: (line: string) => void = (line) => console.log(line)): string {
  const found = findChromium();
  if ('path' in found) return found.path;
  if (process.env.CHROMIUM_PATH === undefined && canInstallWithApt()) {
    log('Chromium not found: installing Debian\'s chromium with apt-get (about a minute)...');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
    const after = findChromium();
    if ('path' in after) return after.path;
  }
  throw new Error(found.missing);
}
