import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { relayStoreContract } from './relay-store.contract.ts';
import { DUE_PUSHES_SQL, openSqliteStore } from './sqlite-store.ts';

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
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${DUE_PUSHES_SQL}`).all(0, 0, 1, 0, 10) as { detail: string }[]).map((r) => r.detail).join(' | ');
    db.close();
    expect(plan).toContain('USING INDEX pushes_due_order');
    expect(plan).not.toContain('TEMP B-TREE');
  });
});
