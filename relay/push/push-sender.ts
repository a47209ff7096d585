import { pushOutcome, type RetryPolicy, DEFAULT_RETRY_POLICY } from '../../shared/push/push-outcome.ts';
import { pushRequest, type PushSubscriptionData } from '../../shared/push/push-request.ts';
import type { VapidKeys } from '../../shared/push/vapid.ts';
import type { RelayLog } from '../relay-log.ts';
import type { QueuedPush, RelayStore, Shard } from '../store/relay-store.ts';
import { importVapidJwk } from './relay-vapid-keys.ts';

/**
 * Drains the store's push queue: each due push is encrypted for the device's subscription, signed with
 * the device's VAPID pair (or the relay's), and posted with a timeout. 201 marks it sent; 404/410
 * drop the subscription (the phone must re-pair) and everything queued for it; 429/5xx try again at
 * Retry-After or with backoff; other refusals are final. The queue lives in the store, so a killed
 * relay picks up where it stopped: a push posted but not yet marked may go out twice, and the Topic
 * header and the notification tag (the alert id) make the phone show it once.
 */

export interface PushSenderOptions {
  readonly store: RelayStore;
  readonly log: RelayLog;
  readonly clock: () => number;
  readonly relayKeys: VapidKeys;
  readonly fetch: typeof globalThis.fetch;
  readonly shard: Shard | null;
  readonly retry?: RetryPolicy;
  /** Give up after this many tries (the margin call is stale by then). */
  readonly maxAttempts?: number;
  readonly timeoutMs?: number;
}

export interface PushSender {
  /** Sends what is due now; resolves with how many were posted. Never throws. */
  drain(): Promise<number>;
}

export function pushSender(options: PushSenderOptions): PushSender {
  const { store, log, clock } = options;
  const maxAttempts = options.maxAttempts ?? 8;
  const keysByDevice = new Map<string, Promise<VapidKeys>>();
  let running: Promise<number> | null = null;

  const keysFor = (deviceId: string, jwk: string | null): Promise<VapidKeys> => {
    if (jwk === null) return Promise.resolve(options.relayKeys);
    let keys = keysByDevice.get(deviceId);
    if (keys === undefined) {
      keys = importVapidJwk(JSON.parse(jwk) as Parameters<typeof importVapidJwk>[0]);
      keysByDevice.set(deviceId, keys);
    }
    return keys;
  };

  async function sendOne(push: QueuedPush): Promise<void> {
    const device = await store.device(push.deviceId);
    if (device === null || device.subscription === null) {
      await store.markPush(push.id, 'gone', push.attempts, clock());
      return;
    }
    const subscription = JSON.parse(device.subscription) as PushSubscriptionData;
    const request = await pushRequest({
      subscription,
      payload: push.payload,
      ttlSec: push.ttlSec,
      urgency: push.urgency,
      topicKey: push.topicKey,
      vapid: { keys: await keysFor(device.id, device.vapidJwk), subject: device.subject },
      nowSec: Math.floor(clock() / 1000),
    });
    if (!request.ok) {
      log.error('push not sendable', { deviceId: device.id, pushId: push.id, reason: request.error });
      await store.markPush(push.id, 'refused', push.attempts, clock());
      return;
    }
    const attempts = push.attempts + 1;
    let status: number;
    let retryAfter: string | null = null;
    try {
      const response = await options.fetch(request.value.url, {
        method: 'POST',
        headers: request.value.headers,
        body: request.value.body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      await response.arrayBuffer().catch(() => undefined);
    } catch {
      status = 503; // no answer: the same as a service that is down
    }
    const outcome = pushOutcome(status, retryAfter, attempts - 1, clock(), options.retry ?? DEFAULT_RETRY_POLICY);
    switch (outcome.kind) {
      case 'sent':
        await store.markPush(push.id, 'sent', attempts, clock());
        log.info('push sent', { deviceId: device.id, pushId: push.id, attempts });
        return;
      case 'gone':
        await store.updateSubscription(device.id, null);
        await store.markPush(push.id, 'gone', attempts, clock());
        log.info('subscription gone; device must re-pair', { deviceId: device.id, status: outcome.status });
        return;
      case 'retry':
        await store.markPush(push.id, attempts >= maxAttempts ? 'refused' : 'pending', attempts, outcome.atMs);
        log.info('push deferred', { deviceId: device.id, pushId: push.id, status: outcome.status, attempts, atMs: outcome.atMs });
        return;
      case 'refused':
        await store.markPush(push.id, 'refused', attempts, clock());
        log.error('push refused by the push service', { deviceId: device.id, pushId: push.id, status: outcome.status });
    }
  }

  async function drainOnce(): Promise<number> {
    let posted = 0;
    // A push retried "now" (Retry-After: 0) waits for the next drain rather than spinning in this one.
    const tried = new Set<number>();
    try {
      for (;;) {
        const due = (await store.duePushes(clock(), 50, options.shard)).filter((p) => !tried.has(p.id));
        if (due.length === 0) return posted;
        for (const p of due) tried.add(p.id);
        await Promise.all(due.map((p) => sendOne(p).catch((error: unknown) => log.error('push failed', { pushId: p.id, error: String(error) }))));
        posted += due.length;
      }
    } catch (error) {
      log.error('push queue unreadable', { error: String(error) });
      return posted;
    }
  }

  return {
    drain() {
      // One drain at a time: a second caller waits for the running one, then drains what came since.
      const next = (running ?? Promise.resolve(0)).then(drainOnce);
      running = next.finally(() => {
        if (running === next) running = null;
      });
      return next;
    },
  };
}
