import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEBIAN_CHROMIUM, ensureChromium, findChromium, INSTALL_HINT } from './chromium-path.ts';

describe('findChromium', () => {
  const only = (...paths: string[]) => (p: string) => paths.includes(p);
  it('prefers CHROMIUM_PATH', () => {
    expect(findChromium({ CHROMIUM_PATH: '/opt/chrome/chrome' }, only('/opt/chrome/chrome', DEBIAN_CHROMIUM))).toEqual({ path: '/opt/chrome/chrome' });
  });
  it('says so when CHROMIUM_PATH points at nothing, rather than silently using another browser', () => {
    expect(findChromium({ CHROMIUM_PATH: '/nope' }, only(DEBIAN_CHROMIUM))).toEqual({ missing: 'CHROMIUM_PATH is set to /nope, which is not an executable file.' });
  });
  it("falls back to Debian's chromium", () => {
    expect(findChromium({}, only(DEBIAN_CHROMIUM))).toEqual({ path: DEBIAN_CHROMIUM });
  });
  it('gives the one line to run when there is none', () => {
    expect(findChromium({}, only())).toEqual({ missing: INSTALL_HINT });
  });
});

describe('ensureChromium', () => {
  afterEach(() => vi.unstubAllEnvs());
  it('stops with the reason, and installs nothing, when CHROMIUM_PATH names a missing file', () => {
    vi.stubEnv('CHROMIUM_PATH', '/nonexistent/chromium');
    const log: string[] = [];
    expect(() => ensureChromium((line) => log.push(line))).toThrow('CHROMIUM_PATH is set to /nonexistent/chromium, which is not an executable file.');
    expect(log).toEqual([]);
  });
});
