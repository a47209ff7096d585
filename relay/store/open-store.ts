import { join } from 'node:path';
import type { RelayStore } from './relay-store.ts';
import { openPostgresStore } from './postgres-store.ts';
import { CHECKPOINT_EVERY_MS } from './sqlite-checkpoints.ts';
import { openSqliteStore } from './sqlite-store.ts';

/**
 * The store named by the relay's `--store` (`sqlite` in its data folder, or a postgres:// URL). The
 * relay's writer (its main thread) asks for `writer`: SQLite's checkpoints then run in a thread of their own.
 */
export async function openStore(config: { readonly store: string; readonly dataDir: string }, role: 'writer' | 'reader' = 'reader'): Promise<RelayStore> {
  if (config.store === 'sqlite') return openSqliteStore(join(config.dataDir, 'relay.sqlite'), role === 'writer' ? { checkpointEveryMs: CHECKPOINT_EVERY_MS } : {});
  return openPostgresStore(config.store);
}
