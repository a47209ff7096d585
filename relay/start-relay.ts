import { mkdirSync } from 'node:fs';
import { checkDeviceSnapshot } from './devices/device-snapshot.ts';
import { startRelayServer, type RunningServer } from './http/relay-server.ts';
import { DEFAULT_PUSH_CONNECTIONS, httpPushPost, pushWindowFor, type PushPost } from './push/push-post.ts';
import { pushSender } from './push/push-sender.ts';
import { loadOrCreateVapidKeys } from './push/relay-vapid-keys.ts';
import type { RelayConfig } from './relay-config.ts';
import type { RelayLog } from './relay-log.ts';
import type { RelayStore } from './store/relay-store.ts';
import { openStore } from './store/open-store.ts';
import { inThreadSender, threadPushSender, type RunningSender } from './push/sender-thread.ts';
import { MARK_WINDOW_MS, publicMarkFeed } from './watch/public-mark-feed.ts';
import { relayWatcher, type RelayWatcher, type WatcherOptions } from './watch/relay-watcher.ts';
import { systemClock } from '../shared/platform/system-clock.ts';
import { venueAdapters } from '../shared/exchanges/venues.ts';
import { venueGateway } from './gateway/venue-gateway.ts';

/**
 * Builds a relay from its configuration: store, keys, HTTP API, push queue. Separate from main.ts so
 * tests start the same relay in-process; main.ts adds signals and the process's own logs.
 */
export interface Relay {
  readonly url: string;
  readonly store: RelayStore;
  readonly watcher: RelayWatcher;
  /** Message agreements made ahead and waiting, and pushes that took one (push-sender.ts; the bench reports them). */
  pushAgreements(): { readonly waiting: number; readonly taken: number };
  /** Stops accepting requests, finishes what is in flight, closes the store. */
  stop(): Promise<void>;
}

export interface RelayPorts {
  readonly log: RelayLog;
  readonly clock: () => number;
  /** The venue gateway's upstream requests. */
  readonly fetch: typeof globalThis.fetch;
  /** How pushes reach the push services (default: keep-alive HTTP, push-post.ts). */
  readonly postPush?: PushPost;
  /** How often the push queue is drained even when nothing new was queued (retries fall due). */
  readonly drainEveryMs?: number;
  /** The venues' mark feeds (default: shared/feed without credentials, at config.venuesFrom or the real venues). */
  readonly openFeed?: WatcherOptions['openFeed'];
  /** A monitor worker thread died (main.ts exits, so that the supervisor restarts the relay). */
  readonly onWorkerFailed?: (error: Error) => void;
  /** Told after each watcher batch (tests, bench). */
  readonly onBatch?: WatcherOptions['onBatch'];
}

export async function startRelay(config: RelayConfig, ports: RelayPorts): Promise<Relay> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const vapid = await loadOrCreateVapidKeys(config.dataDir);
  const store = await openStore(config);
  // With monitor workers (a relay for many devices) the sender gets a thread of its own too; a relay
  // in one thread, or one whose posts are given (tests), keeps it beside the feeds.
  const threaded = config.workers > 0 && ports.postPush === undefined;
  const connections = config.pushConnections ?? DEFAULT_PUSH_CONNECTIONS;
  const window = config.pushWindow ?? pushWindowFor(connections);
  const http = ports.postPush === undefined && !threaded ? httpPushPost({ socketsPerOrigin: connections }) : null;
  const sender: RunningSender = threaded
    ? await threadPushSender({ dataDir: config.dataDir, store: config.store, shard: config.shard, connections, window }, store, ports.log, ports.onWorkerFailed ?? ((error) => ports.log.error('push sender worker failed; pushes wait until the relay restarts', { error: error.message })))
    : inThreadSender(pushSender({ store, log: ports.log, clock: ports.clock, relayKeys: vapid.keys, post: ports.postPush ?? http!.post, shard: config.shard, window }));
  let drainSoon: () => void = () => undefined;
  const watcher = relayWatcher({
    store,
    log: ports.log,
    clock: ports.clock,
    timers: systemClock,
    shard: config.shard,
    workers: config.workers,
    onWorkerFailed: ports.onWorkerFailed ?? ((error) => ports.log.error('monitor worker failed; its devices are not watched until the relay restarts', { error: error.message })),
    staleAfterSec: config.staleAfterSec,
    ...(config.calmEveryMs === undefined ? {} : { calmEveryMs: config.calmEveryMs }),
    ...(config.calmBudgetMs === undefined ? {} : { calmBudgetMs: config.calmBudgetMs }),
    openFeed: ports.openFeed ?? publicMarkFeed(config.venuesFrom),
    windowMs: (venue) => MARK_WINDOW_MS[venue],
    drain: () => drainSoon(),
    // The crash code compiled before a real crash needs it (watch/rehearsal.ts).
    rehearse: true,
    ...(ports.onBatch === undefined ? {} : { onBatch: ports.onBatch }),
  });
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
        onDeviceChanged: (deviceId) => watcher.deviceChanged(deviceId),
        version: '0.1.0',
        gateway: venueGateway({
          restBase: (venue) => (config.venuesFrom === null ? venueAdapters[venue].liveEndpoints.rest : `${config.venuesFrom}/${venue}`),
          fetch: ports.fetch,
          clock: ports.clock,
        }),
      },
      config.port,
      config.host,
    );
    await watcher.start();
  } catch (error) {
    await watcher.stop();
    await sender.stop();
    await store.close();
    http?.close();
    throw error;
  }
  drainSoon = () => void sender.drain();
  const drainTimer = setInterval(() => void sender.drain(), ports.drainEveryMs ?? 1_000);
  void sender.drain();
  ports.log.info('relay started', { url: server.url, workers: config.workers, store: config.store === 'sqlite' ? 'sqlite' : 'postgres', shard: config.shard === null ? null : `${config.shard.index}/${config.shard.count}` });
  return {
    url: server.url,
    store,
    watcher,
    pushAgreements: () => sender.prepared(),
    async stop() {
      clearInterval(drainTimer);
      await server.close();
      await watcher.stop();
      await sender.stop();
      await store.close();
      http?.close();
      ports.log.info('relay stopped');
    },
  };
}
