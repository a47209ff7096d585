/**
 * What the user sets in the options page, stored in chrome.storage.local as plain JSON. Holds no key
 * material: read-only venue keys (not built yet) go to their own encrypted store, never here.
 */
export interface ExtensionSettings {
  readonly kind: 'settings';
  readonly version: 1;
  /** Demo mode: watch the local simulator's four demo accounts instead of real ones. */
  readonly demo: { readonly enabled: boolean; /** `http://127.0.0.1:<port>`: the simulator's REST base; its ws base is the same origin. */ readonly simulatorUrl: string };
}

export const DEFAULT_SETTINGS: ExtensionSettings = { kind: 'settings', version: 1, demo: { enabled: true, simulatorUrl: 'http://127.0.0.1:8780' } };

export type SettingsResult = { readonly ok: true; readonly settings: ExtensionSettings } | { readonly ok: false; readonly error: string };

/** Loopback only: the demo build may reach the local simulator and nothing else beyond the venues. */
const LOOPBACK_URL = /^http:\/\/127\.0\.0\.1:(\d{1,5})$/;

/** Reads stored or sent settings field by field; the first bad field is named. */
export function parseSettings(raw: unknown): SettingsResult {
  const fail = (error: string): SettingsResult => ({ ok: false, error });
  if (typeof raw !== 'object' || raw === null) return fail('$: expected an object');
  const r = raw as Record<string, unknown>;
  if (r['kind'] !== 'settings') return fail('$.kind: expected "settings"');
  if (r['version'] !== 1) return fail(`$.version: ${String(r['version'])} is not a version this build reads`);
  const demo = r['demo'];
  if (typeof demo !== 'object' || demo === null) return fail('$.demo: expected an object');
  const d = demo as Record<string, unknown>;
  if (typeof d['enabled'] !== 'boolean') return fail('$.demo.enabled: expected true or false');
  const url = d['simulatorUrl'];
  const port = typeof url === 'string' ? LOOPBACK_URL.exec(url)?.[1] : undefined;
  if (port === undefined || Number(port) < 1 || Number(port) > 65535) return fail('$.demo.simulatorUrl: expected http://127.0.0.1:<port>');
  return { ok: true, settings: { kind: 'settings', version: 1, demo: { enabled: d['enabled'], simulatorUrl: url as string } } };
}
