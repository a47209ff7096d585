import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkDeviceSnapshot } from './devices/device-snapshot.ts';
import { startRelayServer, type RunningServer } from './http/relay-server.ts';
import { pushSender } from './push/push-sender.ts';
import { loadOrCreateVapidKeys } from './push/relay-vapid-keys.ts';
import type { RelayConfig } from './relay-config.ts';
import type { RelayLog } from './relay-log.ts';
import type { RelayStore } from './store/relay-store.ts';
import { openPostgresStore } from './store/postgres-store.ts';
import { openSqliteStore } from './store/sqlite-store.ts';

/**
 * Builds a relay from its configuration: store, keys, HTTP API, push queue. Separate from main.ts so
 * tests start the same relay in-process; main.ts adds signals and the process's own logs.
 */
export interface Relay {
  readonly url: string;
  readonly store: RelayStore;
  /** Stops accepting requests, finishes what is in flight, closes the store. */
  stop(): Promise<void>;
}

export interface RelayPorts {
  readonly log: RelayLog;
  readonly clock: () => number;
  readonly fetch: typeof globalThis.fetch;
  /** How often the push queue is drained even when nothing new was queued (retries fall due). */
  readonly drainEveryMs?: number;
}

async function openStore(config: RelayConfig): Promise<RelayStore> {
  if (config.store === 'sqlite') return openSqliteStore(join(config.dataDir, 'relay.sqlite'));
  return openPostgresStore(config.store);
}

export async function startRelay(config: RelayConfig, ports: RelayPorts): Promise<Relay> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const vapid = await loadOrCreateVapidKeys(config.dataDir);
  const store = await openStore(config);
  const sender = pushSender({ store, log: ports.log, clock: ports.clock, relayKeys: vapid.keys, fetch: ports.fetch, shard: config.shard });
  let server: RunningServer;
  try {
    server = await startRelayServer(
      {
        store,
        log: ports.log,
        clock: ports.clock,
        bodyLimitBytes: config.bodyLimitBytes,
        deviceRate: { burst: 30, perMinute: 60 },
        registrationRate: { burst: 10, perMinute: 10 },
        vapidPublicKey: vapid.publicKey,
        checkSnapshot: checkDeviceSnapshot,
        onDeviceChanged: () => {},
        version: '0.1.0',
      },
      config.port,
      config.host,
    );
  } catch (error) {
    await store.close();
    throw error;
  }
  const drainTimer = setInterval(() => void sender.drain(), ports.drainEveryMs ?? 1_000);
  void sender.drain();
  ports.log.info('relay started', { url: server.url, store: config.store === 'sqlite' ? 'sqlite' : 'postgres', shard: config.shard === null ? null : `${config.shard.index}/${config.shard.count}` });
  return {
    url: server.url,
    store,
    async stop() {
      clearInterval(drainTimer);
      await server.close();
      await sender.drain();
      await store.close();
      ports.log.info('relay stopped');
    },
  };
}
