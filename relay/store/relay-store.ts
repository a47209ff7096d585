/**
 * What the relay keeps, behind one small interface so the embedded SQLite store and the PostgreSQL
 * store are interchangeable (the contract tests in relay-store.contract.ts run against both).
 * Everything in and out is plain data: JSON text for documents, numbers for times (epoch ms).
 * The relay never stores an API key: a device's snapshot holds positions, balances, the ladder and
 * policy, and at most a public address.
 */

export interface DeviceRecord {
  readonly id: string;
  /** SHA-256 of the bearer token, base64url: the token itself is shown once, at registration. */
  readonly tokenHash: string;
  readonly createdAtMs: number;
  /** The browser's PushSubscription.toJSON(), as checked JSON text; null once the push service said it is gone. */
  readonly subscription: string | null;
  /** The VAPID key pair the phone subscribed with (JWK JSON text), or null: the relay's own pair. */
  readonly vapidJwk: string | null;
  /** The VAPID contact (`mailto:` or `https:`). */
  readonly subject: string;
}

export interface SnapshotRecord {
  readonly deviceId: string;
  /** The device's accounts as JSON text (checked at the door, see relay/devices/device-snapshot.ts). */
  readonly body: string;
  readonly receivedAtMs: number;
}

export interface MonitorRecord {
  readonly deviceId: string;
  readonly accountId: string;
  /** The whole monitor snapshot JSON text (shared/engine/monitor), saved at least once a minute. */
  readonly state: string;
  readonly savedAtMs: number;
}

/** A monitor as stored: its whole snapshot, and the alert part saved after it (a whole save clears it). */
export interface StoredMonitor extends MonitorRecord {
  /** relay/watch/alert-part.ts, JSON text; null: nothing newer than `state`. */
  readonly alerts: string | null;
}

/** A pushing step's save: the alert part alone; the whole snapshot stays as stored. */
export interface AlertPartRecord {
  readonly deviceId: string;
  readonly accountId: string;
  readonly state: null;
  readonly alerts: string;
  readonly savedAtMs: number;
}

/** A monitor's new state (whole, or its alert part) and the pushes its decisions cause: saved together. */
export interface DecisionSave {
  readonly monitor: MonitorRecord | AlertPartRecord;
  readonly pushes: readonly PushRecord[];
}

/** `replaced`: a newer push for the same device and Topic was queued before this one was posted. */
export type PushStatus = 'pending' | 'sent' | 'gone' | 'refused' | 'replaced';

export interface PushRecord {
  readonly deviceId: string;
  /** Unique per device: the alert id plus what happened to it, so a decision is queued once. */
  readonly dedupeKey: string;
  /** The Declarative Web Push JSON text. */
  readonly payload: string;
  readonly urgency: 'very-low' | 'low' | 'normal' | 'high';
  readonly topicKey: string | null;
  readonly ttlSec: number;
  readonly createdAtMs: number;
}

export interface QueuedPush extends PushRecord {
  readonly id: number;
  readonly status: PushStatus;
  readonly attempts: number;
  readonly nextAtMs: number;
}

/**
 * A due push with what the sender needs of its device, read in the same query: no device read per
 * push, and a subscription changed since the last read is the one this push goes to.
 */
export interface DuePush extends QueuedPush {
  readonly subscription: string | null;
  readonly vapidJwk: string | null;
  readonly subject: string;
}

/** Ids a read of the queue passes over (a Set is one). */
export interface PushIds {
  has(id: number): boolean;
  readonly size: number;
}

/** What became of one posted push (the sender marks a round of them in one transaction). */
export interface PushMark {
  readonly id: number;
  readonly status: PushStatus;
  readonly attempts: number;
  readonly nextAtMs: number;
}

/** Which devices a worker follows: a hash of the device id modulo the worker count. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export interface RelayStore {
  createDevice(device: DeviceRecord): Promise<void>;
  device(id: string): Promise<DeviceRecord | null>;
  /** Removes the device and everything it owns (snapshot, monitors, queued pushes). */
  deleteDevice(id: string): Promise<void>;
  updateSubscription(id: string, subscription: string | null): Promise<void>;
  /**
   * Clears the device's subscription if it is still `subscription` (the push service said it is gone);
   * whether it did. One the phone made meanwhile is kept: a 410 for the old one must not unpair it.
   */
  dropSubscription(id: string, subscription: string): Promise<boolean>;
  devices(shard: Shard | null): Promise<DeviceRecord[]>;

  putSnapshot(snapshot: SnapshotRecord): Promise<void>;
  snapshot(deviceId: string): Promise<SnapshotRecord | null>;

  /**
   * One transaction: the monitor's new state and the pushes its decisions cause (a push is never queued
   * twice). A push with a Topic replaces the same device's pending pushes with that Topic (status
   * `replaced`): the push service would replace an undelivered one anyway, so the stale one is not posted.
   */
  saveDecisions(monitor: MonitorRecord, pushes: readonly PushRecord[]): Promise<number>;
  /**
   * One transaction for a whole batch of monitors (the watcher's): every monitor's new state and its
   * pushes, or nothing, Topics replacing as in saveDecisions. A save whose device is gone meanwhile is
   * skipped (its rows were deleted with it). An alert part is kept beside the stored whole snapshot
   * until the next whole one (a part with no whole snapshot stored is kept, and not read back: a
   * restart starts that monitor afresh).
   * Resolves with how many pushes were queued (a push already queued is not queued again).
   */
  saveBatch(saves: readonly DecisionSave[]): Promise<number>;
  /** The device's monitors: each one's whole snapshot and the alert part saved after it (or null). */
  monitors(deviceId: string): Promise<StoredMonitor[]>;

  /**
   * Pending pushes due at `nowMs`: urgency `high` first (Critical, Liquidation: a sender that is behind
   * posts the margin calls before the forecasts queued ahead of them), then oldest first. Pushes in
   * `skip` (the sender's: being posted, or posted and not yet marked) are passed over, so a read
   * returns up to `limit` pushes the sender does not hold yet.
   */
  duePushes(nowMs: number, limit: number, shard: Shard | null, skip?: PushIds): Promise<DuePush[]>;
  /**
   * One transaction for a round of posted pushes. A mark changes only a pending push, except `sent`,
   * which is always recorded: a push replaced while it was being posted is not revived by a retry.
   */
  markPushes(marks: readonly PushMark[]): Promise<void>;
  pushes(deviceId: string): Promise<QueuedPush[]>;

  close(): Promise<void>;
}
