import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { relayStoreContract } from './relay-store.contract.ts';
import { DUE_PUSH_IDS_OF_SHARD_SQL, DUE_PUSH_IDS_SQL, openSqliteStore } from './sqlite-store.ts';

let file = '';
relayStoreContract(
  'SQLite',
  async () => {
    file = join(mkdtempSync(join(tmpdir(), 'relay-store-')), 'relay.sqlite');
    return openSqliteStore(file);
  },
  async () => openSqliteStore(file),
);

describe('SQLite store files', () => {
  it('refuses a store written by a newer relay, and a file that is not a database, with the path named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-store-'));
    const newer = join(dir, 'newer.sqlite');
    const db = new Database(newer);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openSqliteStore(newer)).toThrow(/newer than this relay knows/);
    const garbage = join(dir, 'garbage.sqlite');
    writeFileSync(garbage, 'this is not a database, it is a text file that is long enough to look like a header........');
    expect(() => openSqliteStore(garbage)).toThrow();
  });

  it('reads due pushes in order from an index, without sorting the pending ones (a backlog of thousands is read every 64 posts)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-store-'));
    const path = join(dir, 'relay.sqlite');
    await openSqliteStore(path).close();
    const db = new Database(path, { readonly: true });
    const planOf = (sql: string, ...args: number[]): string => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join(' | ');
    const plan = planOf(DUE_PUSH_IDS_SQL, 0, 10);
    const shardPlan = planOf(DUE_PUSH_IDS_OF_SHARD_SQL, 0, 2, 1, 10);
    db.close();
    // The ids from the index alone (the sender reads past hundreds it holds in a burst).
    expect(plan).toContain('USING COVERING INDEX pushes_pending_order');
    expect(shardPlan).toContain('USING INDEX pushes_pending_order');
    for (const p of [plan, shardPlan]) expect(p).not.toContain('TEMP B-TREE');
  });

  it('keeps only pending pushes in the queue\'s indexes: a push marked sent or replaced leaves them (each mark was a delete and an insert in both)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'relay-store-')), 'relay.sqlite');
    const store = openSqliteStore(path);
    await store.createDevice({ id: 'd', tokenHash: 'h', createdAtMs: 1, subscription: null, vapidJwk: null, subject: 'mailto:a@b.test' });
    const push = (i: number, topicKey: string | null) => ({ deviceId: 'd', dedupeKey: `k${i}`, payload: 'p', urgency: 'normal' as const, topicKey, ttlSec: 60, createdAtMs: i });
    await store.saveBatch([{ monitor: { deviceId: 'd', accountId: 'a', state: '{}', savedAtMs: 1 }, pushes: [...Array.from({ length: 40 }, (_, i) => push(i, null)), push(40, 't'), push(41, 't')] }]);
    const due = await store.duePushes(100, 100, null);
    expect(due.map((p) => p.dedupeKey)).toEqual([...Array.from({ length: 40 }, (_, i) => `k${i}`), 'k41']);
    await store.markPushes(due.slice(0, 39).map((p) => ({ id: p.id, status: 'sent' as const, attempts: 1, nextAtMs: 0 })));
    await store.close();
    const db = new Database(path, { readonly: true });
    const entries = (index: string): number => (db.prepare(`SELECT coalesce(sum(ncell), 0) AS n FROM dbstat WHERE name = ? AND pagetype = 'leaf'`).get(index) as { n: number }).n;
    // Left pending: k39 and k41 (k40 was replaced by k41).
    expect([entries('pushes_pending_order'), entries('pushes_pending_topic')]).toEqual([2, 2]);
    db.close();
  });

  it('with a checkpoint thread, the writer\'s commits leave the WAL to it: the database file grows only when that thread copies the WAL in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-store-'));
    const alerts = 'a'.repeat(5_000);
    // ~8 MB of alert parts: twice SQLite's default auto-checkpoint (1,000 pages), a fifth of the writer's backstop.
    const write = async (store: ReturnType<typeof openSqliteStore>): Promise<void> => {
      for (let d = 0; d < 200; d += 1) await store.createDevice({ id: `d${d}`, tokenHash: 'h', createdAtMs: 1, subscription: null, vapidJwk: null, subject: 'mailto:a@b.test' });
      for (let round = 0; round < 8; round += 1) await store.saveBatch(Array.from({ length: 200 }, (_, d) => ({ monitor: { deviceId: `d${d}`, accountId: `a${round}`, state: null, alerts, savedAtMs: round }, pushes: [] })));
    };
    const size = (path: string): number => statSync(path).size;
    // A thread that does not come round within the test: nothing reaches the database file.
    const idle = join(dir, 'idle.sqlite');
    const idleStore = openSqliteStore(idle, { checkpointEveryMs: 3_600_000 });
    await write(idleStore);
    expect(size(idle)).toBeLessThan(1_000_000);
    expect(size(`${idle}-wal`)).toBeGreaterThan(8_000_000);
    await idleStore.close();
    // One that does: the file takes the WAL's pages without another commit.
    const busy = join(dir, 'busy.sqlite');
    const busyStore = openSqliteStore(busy, { checkpointEveryMs: 20 });
    await write(busyStore);
    for (const deadline = Date.now() + 10_000; size(busy) < 8_000_000 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    expect(size(busy)).toBeGreaterThan(8_000_000);
    await busyStore.close();
    // Nothing lost to either thread: every part read back.
    for (const path of [idle, busy]) {
      const db = new Database(path, { readonly: true });
      expect((db.prepare('SELECT count(*) AS n FROM monitor_alerts').get() as { n: number }).n).toBe(1_600);
      db.close();
    }
  });
});
