import { mkdtempSync, writeFileSync } from 'node:fs';
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
    expect(plan).toContain('USING COVERING INDEX pushes_due_order');
    expect(shardPlan).toContain('USING INDEX pushes_due_order');
    for (const p of [plan, shardPlan]) expect(p).not.toContain('TEMP B-TREE');
  });
});
