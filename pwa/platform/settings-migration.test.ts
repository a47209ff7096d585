import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { getSetting } from './app-records.ts';
import { MIGRATIONS } from './db-schema.ts';
import { openStore } from './open-store.ts';
import { LEGACY_APP_SETTINGS_NAME, migrateSettingRecords } from './settings-migration.ts';
import { parseSettings, SETTINGS_NAME, type PwaSettings } from './settings-record.ts';

let counter = 0;
const freshName = (): string => `settings-migration-${++counter}-${Math.random().toString(36).slice(2)}`;

/** The worker's former record, as the platform branch wrote it. */
const legacyApp = (accounts: unknown[]) => ({ version: 1, demo: { enabled: false, simulatorOrigin: 'http://127.0.0.1:8780' }, accounts });
const live = {
  id: 'okx:main',
  venue: 'okx',
  label: 'Main',
  source: 'live',
  secretName: 'okx-main',
  address: null,
  policy: { ladder: [{ level: 0.4 }, { level: 0.7 }, { level: 0.9 }, { level: 1 }], target: 0.3 },
};
const demo = { id: 'binance:demo', venue: 'binance', label: 'Binance demo', source: 'demo', secretName: null, address: null, policy: {} };
/** The Settings screen's version 1 record. */
const screenV1 = {
  version: 1,
  demoMode: true,
  quietHours: { start: '22:00', end: '07:00' },
  accounts: [{ id: 'hyperliquid:hl', label: 'HL', venue: 'hyperliquid', source: 'keys', address: `0x${'ab'.repeat(20)}`, ladder: [0.5, 0.8, 0.9, 1], target: null, manual: null }],
  relay: null,
};

/** A database at version 1 holding `records` in its settings store, then opened by this app. */
async function upgraded(records: { name: string; value: unknown }[]): Promise<{ settings: unknown; legacy: unknown; version: number }> {
  const name = freshName();
  const v1 = await openStore({ name, migrations: MIGRATIONS.slice(0, 1) });
  if (v1.db === null) throw new Error('no database');
  for (const r of records) await v1.db.put('settings', r as never);
  v1.db.close();
  const o = await openStore({ name });
  if (o.db === null) throw new Error(o.report.problems.join('; '));
  expect(o.report.problems).toEqual([]);
  const out = { settings: await getSetting(o.db, SETTINGS_NAME), legacy: await getSetting(o.db, LEGACY_APP_SETTINGS_NAME), version: o.db.version };
  o.db.close();
  return out;
}

const parsed = (v: unknown): PwaSettings => {
  const p = parseSettings(v);
  if ('field' in p && 'message' in p && !('version' in p)) throw new Error(`${p.field}: ${p.message}`);
  return p as PwaSettings;
};

describe('the settings migration (IndexedDB version 1 -> 2)', () => {
  it("folds the worker's `app` record into the one record and removes it", async () => {
    const db = await upgraded([
      { name: LEGACY_APP_SETTINGS_NAME, value: legacyApp([demo, live]) },
      { name: 'acknowledged', value: ['a1'] },
    ]);
    expect(db.version).toBe(MIGRATIONS.length);
    expect(db.legacy).toBeUndefined();
    const s = parsed(db.settings);
    expect(s).toMatchObject({ version: 2, demoMode: false, simulatorOrigin: 'http://127.0.0.1:8780', relay: null, quietHours: null });
    // The demo account is what demo mode watches anyway; the live one keeps its ladder and target.
    expect(s.accounts).toEqual([{ id: 'okx:main', label: 'Main', venue: 'okx', source: 'keys', address: null, ladder: [0.4, 0.7, 0.9, 1], target: 0.3, manual: null }]);
  });

  it("brings the screen's version 1 record to version 2 and merges the other one's accounts", async () => {
    const db = await upgraded([
      { name: SETTINGS_NAME, value: screenV1 },
      { name: LEGACY_APP_SETTINGS_NAME, value: legacyApp([live]) },
    ]);
    const s = parsed(db.settings);
    expect(s.demoMode).toBe(true); // the screen's record decides what it already said
    expect(s.quietHours).toEqual({ start: '22:00', end: '07:00' });
    expect(s.simulatorOrigin).toBe('http://127.0.0.1:8780');
    expect(s.accounts.map((a) => a.id)).toEqual(['hyperliquid:hl', 'okx:main']);
    expect(db.legacy).toBeUndefined();
  });

  it('keeps an `app` record it cannot fully carry (nothing is lost)', async () => {
    const manual = { ...live, id: 'bybit:plan', venue: 'bybit', source: 'manual', policy: {} };
    const db = await upgraded([{ name: LEGACY_APP_SETTINGS_NAME, value: legacyApp([live, manual]) }]);
    expect(parsed(db.settings).accounts.map((a) => a.id)).toEqual(['okx:main']);
    expect(db.legacy).toEqual(legacyApp([live, manual]));
    // A garbage one stays too, and the new record is not invented from it.
    const garbage = await upgraded([{ name: LEGACY_APP_SETTINGS_NAME, value: { demo: 'yes' } }]);
    expect(garbage.settings).toBeUndefined();
    expect(garbage.legacy).toEqual({ demo: 'yes' });
  });

  it('is the identity on records already at version 2', () => {
    const v2 = { ...screenV1, version: 2, simulatorOrigin: null };
    const records = [{ name: SETTINGS_NAME, value: v2 }, { name: 'acknowledged', value: [] }];
    expect(migrateSettingRecords(records)).toEqual([{ name: 'acknowledged', value: [] }, { name: SETTINGS_NAME, value: v2 }]);
    expect(migrateSettingRecords(migrateSettingRecords(records))).toEqual(migrateSettingRecords(records));
  });
});
