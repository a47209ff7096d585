import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresBinDir, POSTGRES_INSTALL_HINT, startThrowawayPostgres, type ThrowawayPostgres } from '../../tools/test-support/throwaway-postgres.ts';
import { openPostgresStore } from './postgres-store.ts';
import { relayStoreContract } from './relay-store.contract.ts';

// CI installs Debian's postgresql (.ci/run), so there the contract must run; elsewhere without it, say why it did not.
const available = postgresBinDir() !== null;
if (!available && process.env['CI'] !== undefined) throw new Error(`the PostgreSQL store tests need PostgreSQL: ${POSTGRES_INSTALL_HINT}`);
if (!available) console.warn(`skipping the PostgreSQL store contract: ${POSTGRES_INSTALL_HINT}`);

let server: ThrowawayPostgres;
let database = 0;
let current = '';

describe.skipIf(!available)('PostgreSQL store', () => {
  beforeAll(async () => {
    server = await startThrowawayPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  /** A fresh database per test, so each starts empty (and migrates from nothing). */
  async function freshDatabase(): Promise<string> {
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    const name = `relay_${++database}`;
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    current = server.url.replace('/relay?', `/${name}?`);
    return current;
  }

  relayStoreContract(
    'PostgreSQL',
    async () => openPostgresStore(await freshDatabase()),
    async () => openPostgresStore(current),
  );

  it('two workers opening the same new database migrate it once', async () => {
    const url = await freshDatabase();
    const [a, b] = await Promise.all([openPostgresStore(url), openPostgresStore(url)]);
    await a.createDevice({ id: 'x', tokenHash: 'h', createdAtMs: 1, subscription: null, vapidJwk: null, subject: 'mailto:a@b.test' });
    expect((await b.device('x'))?.id).toBe('x');
    await a.close();
    await b.close();
  });
});
