import { join } from 'node:path';
import type { RelayStore } from './relay-store.ts';
import { openPostgresStore } from './postgres-store.ts';
import { openSqliteStore } from './sqlite-store.ts';

/** The store named by the relay's `--store` (`sqlite` in its data folder, or a postgres:// URL). */
export async function openStore(config: { readonly store: string; readonly dataDir: string }): Promise<RelayStore> {
  if (config.store === 'sqlite') return openSqliteStore(join(config.dataDir, 'relay.sqlite'));
  return openPostgresStore(config.store);
}
