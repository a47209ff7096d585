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
