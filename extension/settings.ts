import { DEFAULT_ALERT_POLICY, DEFAULT_LADDER, ladderProblem, type AlertPolicyOptions, type QuietHours } from '../shared/engine/alerts/alert-ladder.ts';

/**
 * What the user sets in the options page, stored in chrome.storage.local as plain JSON. Holds no key
 * material: read-only venue keys live sealed in their own list (accounts.ts).
 */
export interface ExtensionSettings {
  readonly kind: 'settings';
  readonly version: 1;
  /** Demo mode: watch the local simulator's four demo accounts. */
  readonly demo: { readonly enabled: boolean; /** `http://127.0.0.1:<port>`: the simulator's REST base; its ws base is the same origin. */ readonly simulatorUrl: string };
  /** The call ladder's levels (rho); liquidation stays at 1. */
  readonly ladder: { readonly watch: number; readonly marginCall: number; readonly critical: number };
  /** Margin-call notices wait until the quiet ends (Critical and Liquidation always get through). null: never quiet. */
  readonly quietHours: QuietHours | null;
}

const levelOf = (name: string): number => DEFAULT_LADDER.find((r) => r.name === name)?.level ?? Number.NaN;

export const DEFAULT_SETTINGS: ExtensionSettings = {
  kind: 'settings',
  version: 1,
  demo: { enabled: true, simulatorUrl: 'http://127.0.0.1:8780' },
  ladder: { watch: levelOf('Watch'), marginCall: levelOf('Margin call'), critical: levelOf('Critical') },
  quietHours: null,
};

/** The alert policy these settings ask for: the default ladder with the user's levels, and the quiet hours. */
export function alertPolicyOf(settings: ExtensionSettings): AlertPolicyOptions {
  const levels: Readonly<Record<string, number>> = { Watch: settings.ladder.watch, 'Margin call': settings.ladder.marginCall, Critical: settings.ladder.critical };
  return { ...DEFAULT_ALERT_POLICY, ladder: DEFAULT_LADDER.map((r) => ({ ...r, level: levels[r.name] ?? r.level })), quietHours: settings.quietHours };
}

export type SettingsResult = { readonly ok: true; readonly settings: ExtensionSettings } | { readonly ok: false; readonly error: string };

/** Loopback only: the demo build may reach the local simulator and nothing else beyond the venues. */
const LOOPBACK_URL = /^http:\/\/127\.0\.0\.1:(\d{1,5})$/;

const isMinute = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1440;

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

  const l = r['ladder'];
  if (typeof l !== 'object' || l === null) return fail('$.ladder: expected an object');
  const lv = l as Record<string, unknown>;
  for (const f of ['watch', 'marginCall', 'critical'] as const) {
    const v = lv[f];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v >= 1) return fail(`$.ladder.${f}: expected a rho between 0 and 1`);
  }
  const ladder = { watch: lv['watch'] as number, marginCall: lv['marginCall'] as number, critical: lv['critical'] as number };
  const problem = ladderProblem(alertPolicyOf({ ...DEFAULT_SETTINGS, ladder }).ladder);
  if (problem !== null) return fail(`$.ladder: ${problem} (watch < margin call < critical < 1)`);

  const q = r['quietHours'];
  let quietHours: QuietHours | null = null;
  if (q !== null) {
    if (typeof q !== 'object' || q === undefined) return fail('$.quietHours: expected an object or null');
    const qh = q as Record<string, unknown>;
    if (!isMinute(qh['startMinute'])) return fail('$.quietHours.startMinute: expected a minute of the day, 0..1439');
    if (!isMinute(qh['endMinute'])) return fail('$.quietHours.endMinute: expected a minute of the day, 0..1439');
    const off = qh['utcOffsetMinutes'];
    if (typeof off !== 'number' || !Number.isInteger(off) || off < -720 || off > 840) return fail('$.quietHours.utcOffsetMinutes: expected -720..840');
    quietHours = { startMinute: qh['startMinute'], endMinute: qh['endMinute'], utcOffsetMinutes: off };
  }
  return { ok: true, settings: { kind: 'settings', version: 1, demo: { enabled: d['enabled'], simulatorUrl: url as string }, ladder, quietHours } };
}
