import 'fake-indexeddb/auto';
import { openDB, type IDBPDatabase } from 'idb';
import { describe, expect, it } from 'vitest';
import { addAlert, loadSnapshots, recentAlerts, saveSnapshot } from './app-records.ts';
import { MIGRATIONS, STORE_NAMES, type Migration, type SentryDb } from './db-schema.ts';
import { openStore, type OpenedStore } from './open-store.ts';
import { createPassphraseVault, unlockVault, isVaultError } from './secret-vault.ts';

let counter = 0;
const freshName = (): string => `test-db-${++counter}-${Math.random().toString(36).slice(2)}`;

function opened(o: OpenedStore): IDBPDatabase<SentryDb> {
  if (o.db === null) throw new Error(`no database: ${o.report.problems.join('; ')}`);
  return o.db;
}

/** Writes raw records, bypassing every check (what a bug, another app or DevTools could leave). */
async function writeRaw(name: string, store: string, records: unknown[]): Promise<void> {
  const db = await openDB(name);
  const tx = db.transaction(store, 'readwrite');
  for (const r of records) await tx.objectStore(store).put(r);
  await tx.done;
  db.close();
}

const snapshot = (accountId: string, savedAt = 1_700_000_000_000) => ({ accountId, savedAt, snapshot: { rho: 0.42, positions: [{ symbol: 'BTCUSDT', qty: 0.5 }] } });

describe('openStore', () => {
  it('creates every store on a fresh device and reports nothing', async () => {
    const name = freshName();
    const o = await openStore({ name });
    const db = opened(o);
    expect(o.report).toEqual({ rebuilt: false, problems: [], dropped: {} });
    expect([...db.objectStoreNames].sort()).toEqual([...STORE_NAMES].sort());
    expect(db.version).toBe(MIGRATIONS.length);
    db.close();
  });

  it('keeps the data through a later migration (appended, never edited)', async () => {
    const name = freshName();
    const db1 = opened(await openStore({ name }));
    await saveSnapshot(db1, snapshot('acc-1'));
    db1.close();
    const addsAnIndex: Migration = (_db, tx) => tx.objectStore('snapshots').createIndex('by-saved' as never, 'savedAt');
    const o = await openStore({ name, migrations: [...MIGRATIONS, addsAnIndex] });
    const db2 = opened(o);
    expect(o.report.problems).toEqual([]);
    expect(db2.version).toBe(MIGRATIONS.length + 1);
    expect(db2.transaction('snapshots').store.indexNames.contains('by-saved' as never)).toBe(true);
    expect(await loadSnapshots(db2)).toEqual([snapshot('acc-1')]);
    db2.close();
  });

  it('drops garbage records, says how many, and keeps the rest', async () => {
    const name = freshName();
    const db = opened(await openStore({ name }));
    await saveSnapshot(db, snapshot('good'));
    await addAlert(db, { id: 'a1', accountId: 'good', at: 5, alert: { level: 'watch' } });
    db.close();
    await writeRaw(name, 'snapshots', [{ accountId: 'nan', savedAt: 1, snapshot: { rho: Number.NaN } }, { accountId: 'x', savedAt: 'yesterday', snapshot: null }]);
    await writeRaw(name, 'alerts', [{ id: 'a2', accountId: 'good', at: -1, alert: {} }]);
    await writeRaw(name, 'marks', [{ symbol: 'BTCUSDT', t: 1, price: 0 }, { symbol: 'BTCUSDT', t: 2, price: 100 }]);

    const o = await openStore({ name });
    const again = opened(o);
    expect(o.report.rebuilt).toBe(false);
    expect(o.report.dropped).toEqual({ snapshots: 2, alerts: 1, marks: 1 });
    expect(o.report.problems).toEqual(['Dropped damaged data: 2 snapshot records, 1 alert record, 1 price point record']);
    expect(await loadSnapshots(again)).toEqual([snapshot('good')]);
    expect((await recentAlerts(again, 10)).map((a) => a.id)).toEqual(['a1']);
    expect(await again.getAll('marks')).toEqual([{ symbol: 'BTCUSDT', t: 2, price: 100 }]);
    again.close();
  });

  it('rebuilds a foreign database of the same name, keeping the records that fit', async () => {
    const name = freshName();
    // Another app's layout at our version: a snapshots store keyed by something else, no other stores.
    const foreign = await openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore('snapshots', { keyPath: 'key' });
        db.createObjectStore('todos', { autoIncrement: true });
      },
    });
    await foreign.put('snapshots', { key: 'k1', accountId: 'acc-9', savedAt: 7, snapshot: { ok: true } });
    await foreign.put('snapshots', { key: 'k2', something: 'else' });
    await foreign.add('todos', { text: 'buy milk' });
    foreign.close();

    const o = await openStore({ name });
    const db = opened(o);
    expect(o.report.rebuilt).toBe(true);
    expect(o.report.problems[0]).toBe("The local database does not have this app's layout (no alerts store): rebuilt it, keeping 1 record");
    expect(o.report.dropped).toEqual({ snapshots: 1 });
    expect([...db.objectStoreNames].sort()).toEqual([...STORE_NAMES].sort());
    expect(await loadSnapshots(db)).toEqual([{ key: 'k1', accountId: 'acc-9', savedAt: 7, snapshot: { ok: true } }]);
    db.close();
  });

  it('rebuilds a database from a newer version instead of failing to open', async () => {
    const name = freshName();
    const db1 = opened(await openStore({ name }));
    await saveSnapshot(db1, snapshot('acc-new'));
    db1.close();
    const newer = await openDB(name, 9, { upgrade: (db) => void db.createObjectStore('future') });
    newer.close();

    const o = await openStore({ name });
    const db = opened(o);
    expect(o.report.rebuilt).toBe(true);
    expect(o.report.problems[0]).toMatch(/^The local database could not be opened \(VersionError/);
    expect(db.version).toBe(MIGRATIONS.length);
    expect(await loadSnapshots(db)).toEqual([snapshot('acc-new')]);
    db.close();
  });

  it('drops secrets whose key record is gone, and says why', async () => {
    const name = freshName();
    const db = opened(await openStore({ name }));
    const vault = await createPassphraseVault(db, 'correct horse battery');
    if (isVaultError(vault)) throw new Error(vault.message);
    await vault.put('binance.secret', 'shh-this-is-secret');
    db.close();
    await writeRaw(name, 'vault', [{ id: 'vault', kind: 'passphrase', salt: 'not bytes', iterations: 600000, check: null }]);

    const o = await openStore({ name });
    const again = opened(o);
    expect(o.report.dropped).toEqual({ vault: 1, secrets: 1 });
    expect(o.report.problems).toEqual([
      'Dropped damaged data: 1 vault record',
      '1 saved secret could not be kept because the key record was lost: enter the API keys again',
    ]);
    expect(JSON.stringify(o.report)).not.toContain('shh');
    expect(await again.count('secrets')).toBe(0);
    expect(isVaultError(await unlockVault(again, 'correct horse battery'))).toBe(true);
    again.close();
  });
});
