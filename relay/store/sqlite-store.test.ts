import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { relayStoreContract } from './relay-store.contract.ts';
import { DUE_PUSH_IDS_OF_SHARD_SQL, DUE_PUSH_IDS_SQL, openSqliteStore } from './sqlite-store.ts';
import { testDir } from '../../tools/test-support/test-dir.ts';

let file = '';
relayStoreContract(
  'SQLite',
  async () => {
    file = join(testDir('relay-store-'), 'relay.sqlite');
    return openSqliteStore(file);
  },
  async () => openSqliteStore(file),
);

describe('SQLite store files', () => {
  it('refuses a store written by a newer relay, and a file that is not a database, with the path named', () => {
    const dir = testDir('relay-store-');
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
    const dir = testDir('relay-store-');
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
    const path = join(testDir('relay-store-'), 'relay.sqlite');
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
});
