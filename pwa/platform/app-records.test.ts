import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { addAlert, getSetting, loadSnapshots, putSetting, recentAlerts, saveSnapshot } from './app-records.ts';
import { idbMarkHistory } from './idb-mark-history.ts';
import { openStore } from './open-store.ts';

async function freshDb() {
  const o = await openStore({ name: `records-${Math.random().toString(36).slice(2)}` });
  if (o.db === null) throw new Error('no db');
  return o.db;
}

describe('app records', () => {
  it('saves one snapshot per account (the newest wins)', async () => {
    const db = await freshDb();
    await saveSnapshot(db, { accountId: 'a', savedAt: 1, snapshot: { rho: 0.1 } });
    await saveSnapshot(db, { accountId: 'a', savedAt: 2, snapshot: { rho: 0.2 } });
    await saveSnapshot(db, { accountId: 'b', savedAt: 2, snapshot: null });
    expect(await loadSnapshots(db)).toEqual([
      { accountId: 'a', savedAt: 2, snapshot: { rho: 0.2 } },
      { accountId: 'b', savedAt: 2, snapshot: null },
    ]);
    db.close();
  });

  it('refuses what is not plain data, naming the field, and writes nothing', async () => {
    const db = await freshDb();
    await expect(saveSnapshot(db, { accountId: 'a', savedAt: 1, snapshot: { positions: [{ rho: Number.NaN }] } })).rejects.toThrow(
      'not saved in snapshots: snapshot.positions[0].rho is NaN, not a finite number',
    );
    await expect(saveSnapshot(db, { accountId: 'a', savedAt: 1, snapshot: { when: new Date(0) as never } })).rejects.toThrow(
      'snapshot.when is a Date, not a plain object',
    );
    await expect(putSetting(db, 'ladder', { calls: [0.8, Number.POSITIVE_INFINITY] })).rejects.toThrow('value.calls[1] is Infinity');
    expect(await loadSnapshots(db)).toEqual([]);
    expect(await getSetting(db, 'ladder')).toBeUndefined();
    db.close();
  });

  it('keeps the newest alerts only, newest first', async () => {
    const db = await freshDb();
    for (let i = 0; i < 8; i++) await addAlert(db, { id: `a${i}`, accountId: 'x', at: 1000 + ((i * 5) % 8), alert: { i } }, 5);
    const ats = (await recentAlerts(db, 100)).map((a) => a.at);
    expect(ats).toEqual([1007, 1006, 1005, 1004, 1003]);
    expect((await recentAlerts(db, 2)).length).toBe(2);
    db.close();
  });

  it('bounds the mark history per symbol, oldest out first, and refuses a bad price', async () => {
    const db = await freshDb();
    const marks = idbMarkHistory(db, 3);
    for (const t of [5, 1, 4, 2, 3]) await marks.append('binance:BTCUSDT', { t, price: 100 + t });
    await marks.append('okx:ETH-USDT-SWAP', { t: 1, price: 3000 });
    await marks.append('binance:BTCUSDT', { t: 5, price: 99 });
    expect(await marks.read('binance:BTCUSDT')).toEqual([
      { t: 3, price: 103 },
      { t: 4, price: 104 },
      { t: 5, price: 99 },
    ]);
    expect(await marks.read('okx:ETH-USDT-SWAP')).toEqual([{ t: 1, price: 3000 }]);
    await expect(marks.append('x', { t: 9, price: Number.NaN })).rejects.toThrow('mark for x not saved: price NaN is not a finite price > 0');
    expect(await marks.read('x')).toEqual([]);
    db.close();
  });
});
