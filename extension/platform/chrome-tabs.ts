import type { TabOpener } from '../background/worker-ports.ts';

/** Opening a tab needs no "tabs" permission (that one is for reading other tabs' URLs). */
export const chromeTabs: TabOpener = {
  async open(url) {
    await chrome.tabs.create({ url });
  },
};
