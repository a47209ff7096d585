import type { KeyValueStore } from '../background/worker-ports.ts';

/** chrome.storage.local as the worker's key-value store: JSON values, survives worker and browser restarts. */
export const chromeLocalStore: KeyValueStore = {
  async get(key) {
    const got = await chrome.storage.local.get(key);
    return got[key];
  },
  async set(key, value) {
    await chrome.storage.local.set({ [key]: value });
  },
};

/**
 * chrome.storage.session: memory for this browser session, never written to disk, hidden from content
 * scripts (the default access level). Unlocked read-only keys live here so a restarted worker needs no
 * passphrase until the browser restarts.
 */
export const chromeSessionStore: KeyValueStore = {
  async get(key) {
    const got = await chrome.storage.session.get(key);
    return got[key];
  },
  async set(key, value) {
    await chrome.storage.session.set({ [key]: value });
  },
};
