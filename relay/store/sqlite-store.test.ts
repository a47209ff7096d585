import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { relayStoreContract } from './relay-store.contract.ts';
import { openSqliteStore } from './sqlite-store.ts';

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
});
