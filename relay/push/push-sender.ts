import { pushOutcome, type RetryPolicy, DEFAULT_RETRY_POLICY } from '../../shared/push/push-outcome.ts';
import { prepareSubscription, pushRequestCache, pushRequestTo, type PreparedSubscription } from '../../shared/push/push-request.ts';
import type { VapidKeys } from '../../shared/push/vapid.ts';
import type { RelayLog } from '../relay-log.ts';
import type { DuePush, PushMark, RelayStore, Shard } from '../store/relay-store.ts';
import { nodeMessageCrypto, nodePushTopic } from './node-message-crypto.ts';
import { DEFAULT_PUSH_CONNECTIONS, pushWindowFor, type PushPost } from './push-post.ts';
import { importVapidJwk } from './relay-vapid-keys.ts';

/**
 * Drains the store's push queue: each due push is encrypted for the device's subscription, signed with
 * the device's VAPID pair (or the relay's), and posted with a timeout. 201 marks it sent; 404/410
 * drop the subscription (the phone must re-pair) and everything queued for it; 429/5xx try again at
 * Retry-After or with backoff; other refusals are final. The queue lives in the store, so a killed
 * relay picks up where it stopped: a push posted but not yet marked may go out twice, and the Topic
 * header and the notification tag (the alert id) make the phone show it once.
 *
 * Per push only what must be new is made new: the message's key pair and salt (on node:crypto,
 * node-message-crypto.ts). The VAPID token (per key pair and push service) is kept, and so is each
 * device's subscription checked and decoded and its VAPID pair imported, while the subscription text the
 * queue's read brings with each push is the same (a new subscription is decoded anew at its first push);
 * a round's outcomes are marked in one transaction (docs/relay-load-log.md, "The sender's CPU per push").
 */

export interface PushSenderOptions {
  readonly store: RelayStore;
  readonly log: RelayLog;
  readonly clock: () => number;
  readonly relayKeys: VapidKeys;
  /** How a request reaches the push service (push-post.ts: keep-alive connections per origin). */
  readonly post: PushPost;
  readonly shard: Shard | null;
  readonly retry?: RetryPolicy;
  /** Give up after this many tries (the margin call is stale by then). */
  readonly maxAttempts?: number;
  readonly timeoutMs?: number;
  /** Outcomes marked together, in one transaction. */
  readonly roundSize?: number;
  /**
   * Posts in flight at most (the HTTP client queues what its connections cannot take yet). Refilled
   * when half of it is free: twice the connections keeps every connection busy. Default 512.
   */
  readonly window?: number;
  /**
   * Message agreements made ahead while the queue is empty (node-message-crypto.ts): at most `room` in
   * all, `perDevice` for one device. Default 50,000 and 5 (~12 MB; the flash market's burst sends a
   * device ~3.8 pushes on average: Watch, Margin call, Critical, Liquidation and their forecasts, less
   * those a newer one replaced; with 4 a device, the devices it hit hardest made ~5,600 of 37,700 in the
   * burst, docs/relay-load-log.md, Session 20). A room of 0 makes none.
   */
  readonly prepareAhead?: { readonly room: number; readonly perDevice: number };
}

/** For push-post.ts's default connections (pushWindowFor). */
export const DEFAULT_PUSH_WINDOW = pushWindowFor(DEFAULT_PUSH_CONNECTIONS);

/** The pool of agreements made ahead by default (the relay's; the bench waits for it to fill). */
export const DEFAULT_PREPARE_AHEAD = { room: 50_000, perDevice: 5 } as const;

export interface PushSender {
  /** Sends what is due now; resolves with how many were posted. Never throws. */
  drain(): Promise<number>;
  /** Agreements waiting, and pushes that took one (for the bench and the tests). */
  prepared(): { readonly waiting: number; readonly taken: number };
  /** Resolves once agreements are being made for no device (tests); made again at the next empty drain. */
  settled(): Promise<void>;
  /** Stops making agreements ahead (relay stop, before the store closes). */
  close(): void;
}

/** How long one slice of agreements made ahead may hold the thread before it yields to sockets and drains. */
const PREPARE_SLICE_MS = 4;
/** One slice at most this often: the agreements take at most a fifth of a core. */
const PREPARE_EVERY_MS = 20;
/**
 * Agreements are made ahead only once no push has been posted for this long (relay clock): the queue
 * empties for moments between a burst's batches, and slices made then took the CPU the burst's own
 * pushes needed (~2 s of the sender thread's busiest 20 s at 10,000 devices, 11:25 UTC profile).
 */
export const FILL_AFTER_QUIET_MS = 3_000;
/** The devices' subscription keys are read again after this long (new devices, new subscriptions). */
const DEVICE_KEYS_TTL_MS = 10_000;

/** A device's subscription as the sender uses it, kept while its text (and VAPID pair) is the same. */
interface DeviceTarget {
  readonly subscription: string;
  readonly vapidJwk: string | null;
  /** The subscription checked and decoded, or what is wrong with it. */
  readonly prepared: { readonly ok: true; readonly value: PreparedSubscription } | { readonly ok: false; readonly error: string };
  /** Imported at the device's first push (null until then). */
  vapid: Promise<VapidKeys> | null;
}

export function pushSender(options: PushSenderOptions): PushSender {
  const { store, log, clock } = options;
  const maxAttempts = options.maxAttempts ?? 8;
  const roundSize = options.roundSize ?? 64;
  const windowSize = options.window ?? DEFAULT_PUSH_WINDOW;
  const keysByDevice = new Map<string, Promise<VapidKeys>>();
  const ahead = options.prepareAhead ?? DEFAULT_PREPARE_AHEAD;
  const message = nodeMessageCrypto(ahead.room, ahead.perDevice);
  const cache = pushRequestCache(globalThis.crypto.subtle, message, nodePushTopic);
  let running: Promise<number> | null = null;
  let asked = 0;
  /** drain() calls so far (`asked`: the drains running or waiting): the running drain reads the queue again only when a call came since its last read found it short. */
  let drainCalls = 0;
  /** Wakes the running drain (between posts) so that it reads what a new drain() call says was queued. */
  let poke: (() => void) | null = null;
  /** The drain asked for behind the running one, not started yet. */
  let waiting: Promise<number> | null = null;
  /** When a drain last posted a push (relay clock). */
  let postedAtMs = Number.NEGATIVE_INFINITY;
  let closed = false;

  /** Each device's target, by device id; rebuilt from the device rows every DEVICE_KEYS_TTL_MS (devices gone drop out). */
  let targets = new Map<string, DeviceTarget>();
  const targetOf = (known: DeviceTarget | undefined, subscription: string, vapidJwk: string | null): DeviceTarget => {
    if (known !== undefined && known.subscription === subscription && known.vapidJwk === vapidJwk) return known;
    let parsed: unknown;
    try {
      parsed = JSON.parse(subscription);
    } catch {
      parsed = null;
    }
    return { subscription, vapidJwk, prepared: prepareSubscription(parsed), vapid: null };
  };
  const targetFor = (deviceId: string, subscription: string, vapidJwk: string | null): DeviceTarget => {
    const known = targets.get(deviceId);
    const target = targetOf(known, subscription, vapidJwk);
    if (target !== known) targets.set(deviceId, target);
    return target;
  };
  const vapidOf = (target: DeviceTarget): Promise<VapidKeys> =>
    (target.vapid ??= target.vapidJwk === null ? Promise.resolve(options.relayKeys) : importVapidJwk(JSON.parse(target.vapidJwk) as Parameters<typeof importVapidJwk>[0]));

  /** Posts one push; resolves with what to mark (the subscription is dropped here when it is gone). */
  async function sendOne(push: DuePush): Promise<PushMark> {
    const mark = (status: PushMark['status'], attempts: number, nextAtMs: number): PushMark => ({ id: push.id, status, attempts, nextAtMs });
    if (push.subscription === null) return mark('gone', push.attempts, clock());
    const device = { id: push.deviceId };
    const target = targetFor(push.deviceId, push.subscription, push.vapidJwk);
    const request = !target.prepared.ok
      ? target.prepared
      : await pushRequestTo(
          target.prepared.value,
          {
            payload: push.payload,
            ttlSec: push.ttlSec,
            urgency: push.urgency,
            topicKey: push.topicKey,
            vapid: { keys: await vapidOf(target), subject: push.subject },
            nowSec: Math.floor(clock() / 1000),
          },
          globalThis.crypto.subtle,
          cache,
        );
    if (!request.ok) {
      log.error('push not sendable', { deviceId: device.id, pushId: push.id, reason: request.error });
      return mark('refused', push.attempts, clock());
    }
    const attempts = push.attempts + 1;
    let status: number;
    let retryAfter: string | null = null;
    try {
      ({ status, retryAfter } = await options.post(request.value, options.timeoutMs ?? 10_000));
    } catch {
      status = 503; // no answer: the same as a service that is down
    }
    const outcome = pushOutcome(status, retryAfter, attempts - 1, clock(), options.retry ?? DEFAULT_RETRY_POLICY);
    switch (outcome.kind) {
      case 'sent':
        log.info('push sent', { deviceId: device.id, pushId: push.id, attempts });
        return mark('sent', attempts, clock());
      case 'gone':
        if (targets.get(device.id) === target) targets.delete(device.id);
        // The subscription this push went to, not whatever the device holds now: the phone may have
        // subscribed anew meanwhile, and then the push goes again, to the new one.
        if (!(await store.dropSubscription(device.id, push.subscription))) {
          log.info('subscription gone, the device has a new one; pushed again', { deviceId: device.id, pushId: push.id, status: outcome.status });
          return mark('pending', attempts, clock());
        }
        log.info('subscription gone; device must re-pair', { deviceId: device.id, status: outcome.status });
        return mark('gone', attempts, clock());
      case 'retry':
        log.info('push deferred', { deviceId: device.id, pushId: push.id, status: outcome.status, attempts, atMs: outcome.atMs });
        return mark(attempts >= maxAttempts ? 'refused' : 'pending', attempts, outcome.atMs);
      case 'refused':
        log.error('push refused by the push service', { deviceId: device.id, pushId: push.id, status: outcome.status });
        return mark('refused', attempts, clock());
    }
  }

  /**
   * A sliding window of posts, not rounds: a round of 64 waited for its slowest post before the next was
   * read, so the sockets idled while the queue grew (10,000 devices: thousands left queued while the
   * sender's thread was 11-17 % busy). The window is refilled whenever half of it is free, each refill
   * reads its devices' rows once, and outcomes are still marked `roundSize` at a time in one transaction
   * (so a SIGKILL re-posts at most a window and a round: at least once, as before).
   */
  async function drainOnce(): Promise<number> {
    let posted = 0;
    // Pushes this drain holds and the store still has pending: in flight, posted and not yet marked, and
    // those marked to be tried again (Retry-After: 0 waits for the next drain rather than spinning in
    // this one). The queue's reads pass over them.
    const held = new Set<number>();
    const inFlight = new Set<Promise<void>>();
    let wake: (() => void) | null = null;
    const done: PushMark[] = [];
    const mark = async (count: number): Promise<void> => {
      const marks = done.splice(0, count);
      if (marks.length === 0) return;
      await store.markPushes(marks);
      for (const m of marks) if (m.status !== 'pending') held.delete(m.id);
    };
    const start = (push: DuePush): void => {
      held.add(push.id);
      const task: Promise<void> = sendOne(push)
        .then(
          (m) => void done.push(m),
          (error: unknown) => {
            // Left pending: it is tried again at the next drain.
            log.error('push failed', { pushId: push.id, error: String(error) });
          },
        )
        .finally(() => {
          inFlight.delete(task);
          wake?.();
        });
      inFlight.add(task);
    };
    // A read that found fewer due than it asked for emptied the queue: the next read waits for a drain()
    // call (the watcher's, after it queued more). Before, every post that finished read the queue again,
    // found one or two, and passed over the hundreds held: ~1,400 reads a second in the flash market's
    // burst, a quarter of the sender thread, taken from the monitors' cores.
    let shortAt: number | null = null;
    try {
      for (;;) {
        if (inFlight.size <= windowSize / 2 && shortAt !== drainCalls) {
          const want = windowSize - inFlight.size;
          const callsBefore: number = drainCalls;
          const due = await store.duePushes(clock(), want, options.shard, held);
          shortAt = due.length < want ? callsBefore : null;
          for (const p of due) start(p);
          posted += due.length;
          if (due.length > 0) postedAtMs = clock();
        }
        if (inFlight.size === 0) {
          await mark(done.length);
          return posted;
        }
        // Woken by the next post to finish (not Promise.race over the window: that hangs one more
        // reaction on every post in flight at each finish, ~128 per push in a backlog), or by a drain() call.
        await new Promise<void>((resolve) => (wake = poke = resolve));
        wake = poke = null;
        while (done.length >= roundSize) await mark(roundSize);
      }
    } catch (error) {
      log.error('push queue unreadable', { error: String(error) });
      await Promise.allSettled([...inFlight]);
      await mark(done.length).catch(() => undefined);
      return posted;
    }
  }

  /**
   * Agreements made ahead, while the queue is empty and has posted nothing for FILL_AFTER_QUIET_MS: each device's next message gets its key pair and
   * ECDH secret now, so that a burst of margin calls pays for the AES-GCM, the HMACs and the post only.
   * Passes over the devices in slices of PREPARE_SLICE_MS, stopped as soon as a drain is asked for
   * (the next drain that finds nothing due starts another).
   */
  let filling: Promise<void> | null = null;
  let deviceKeys: { readonly keys: readonly Uint8Array[]; readonly atMs: number } | null = null;
  const readDeviceKeys = async (): Promise<readonly Uint8Array[]> => {
    if (deviceKeys !== null && clock() - deviceKeys.atMs < DEVICE_KEYS_TTL_MS) return deviceKeys.keys;
    const keys: Uint8Array[] = [];
    const next = new Map<string, DeviceTarget>();
    for (const d of await store.devices(options.shard)) {
      if (d.subscription === null) continue;
      // Decoded once per subscription: the same text keeps its target (and its imported VAPID pair).
      const target = targetOf(targets.get(d.id), d.subscription, d.vapidJwk);
      next.set(d.id, target);
      if (target.prepared.ok) keys.push(target.prepared.value.uaPublic);
    }
    targets = next;
    message.forgetOthers(keys);
    deviceKeys = { keys, atMs: clock() };
    return keys;
  };
  /** What `taken` and the device keys were when a fill last completed: nothing to make until they change. */
  let filledAt: { taken: number; keys: readonly Uint8Array[] } | null = null;
  async function fillAhead(): Promise<void> {
    const keys = await readDeviceKeys();
    // A walk over every device's keys for nothing was ~0.1 s of the main thread at each idle drain (10,000 devices).
    if (filledAt !== null && filledAt.taken === message.counts().taken && filledAt.keys === keys) return;
    // Every device's first before any device's second: a burst reaches most devices once.
    let pace = 0;
    fill: for (let depth = 1; depth <= ahead.perDevice; depth += 1) {
      for (let i = 0; i < keys.length; ) {
        // Paced: the monitor threads may be busy though the queue is empty (the tail of a burst), and
        // the agreements would take their core. A slice in PREPARE_EVERY_MS is at most a fifth of one.
        await new Promise<void>((resolve) => setTimeout(resolve, pace));
        if (asked > 0 || closed) return;
        const sliceAt = performance.now();
        const until = sliceAt + PREPARE_SLICE_MS;
        for (; i < keys.length && performance.now() < until; i += 1) {
          try {
            if (message.ready(keys[i]!) < depth && !message.prepare(keys[i]!)) break fill; // the room is full
          } catch {
            // A key off the curve: its push is refused, with the field named, when it is made.
          }
        }
        pace = Math.max(0, PREPARE_EVERY_MS - (performance.now() - sliceAt));
      }
    }
    filledAt = { taken: message.counts().taken, keys };
  }
  const fillWhenIdle = (): void => {
    // Within a burst: the next drain that finds the queue quiet for long enough starts it (the relay drains every second).
    if (filling !== null || closed || ahead.room === 0 || clock() - postedAtMs < FILL_AFTER_QUIET_MS) return;
    filling = fillAhead()
      .catch((error: unknown) => log.error('push agreements not made ahead', { error: String(error) }))
      .finally(() => (filling = null));
  };

  return {
    drain() {
      // One drain at a time: a second caller waits for the running one, then drains what came since.
      // The running one is woken to read the queue now, between its posts; callers that come while a
      // drain already waits behind it share that one (the watcher asks after every committed part).
      drainCalls += 1;
      poke?.();
      if (waiting !== null) return waiting;
      asked += 1;
      const next = (running ?? Promise.resolve(0)).then(() => {
        waiting = null;
        return drainOnce();
      });
      waiting = next;
      running = next.finally(() => {
        asked -= 1;
        if (running === next) running = null;
      });
      // A drain ends when nothing more is due: the queue is empty, and no other drain is asked for.
      void next.then(() => {
        if (asked === 0) fillWhenIdle();
      });
      return next;
    },
    prepared: () => message.counts(),
    settled: async () => {
      while (filling !== null) await filling;
    },
    close() {
      closed = true;
    },
  };
}
