import { addAlert, loadSnapshots, recentAlerts, saveSnapshot } from '../platform/app-records.ts';
import { idbMarkHistory } from '../platform/idb-mark-history.ts';
import { openStore } from '../platform/open-store.ts';
import { createDeviceVault, createPassphraseVault, isVaultError, unlockVault } from '../platform/secret-vault.ts';

/**
 * The platform modules, bundled as one script by platform.browser.test.ts and put on a page of the
 * served origin, so the same code the app ships runs against Chromium's own IndexedDB and WebCrypto.
 */
export const harness = {
  openStore,
  saveSnapshot,
  loadSnapshots,
  addAlert,
  recentAlerts,
  idbMarkHistory,
  createPassphraseVault,
  createDeviceVault,
  unlockVault,
  isVaultError,
};

(globalThis as unknown as { sentryPlatform: typeof harness }).sentryPlatform = harness;
