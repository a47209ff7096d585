import Database from 'better-sqlite3';
import type { DecisionSave, DeviceRecord, DuePush, MonitorRecord, PushMark, PushRecord, PushStatus, QueuedPush, RelayStore, Shard, SnapshotRecord } from './relay-store.ts';
import { deviceHash } from './shard.ts';

/**
 * The embedded store: one SQLite file in the relay's data folder, WAL so readers never wait for the
 * writer, `synchronous = NORMAL` (durable at each checkpoint; a power cut may lose the last
 * transaction, a process kill loses nothing). Versioned with `user_version`; each step below runs once.
 */

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE devices (
     id TEXT PRIMARY KEY, shard_hash INTEGER NOT NULL, token_hash TEXT NOT NULL, created_at_ms INTEGER NOT NULL,
     subscription TEXT, vapid_jwk TEXT, subject TEXT NOT NULL);
   CREATE TABLE snapshots (
     device_id TEXT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
     body TEXT NOT NULL, received_at_ms INTEGER NOT NULL);
   CREATE TABLE monitors (
     device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE, account_id TEXT NOT NULL,
     state TEXT NOT NULL, saved_at_ms INTEGER NOT NULL, PRIMARY KEY (device_id, account_id));
   CREATE TABLE pushes (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE, dedupe_key TEXT NOT NULL,
     payload TEXT NOT NULL, urgency TEXT NOT NULL, topic_key TEXT, ttl_sec INTEGER NOT NULL,
     created_at_ms INTEGER NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL, next_at_ms INTEGER NOT NULL,
     UNIQUE (device_id, dedupe_key));
   CREATE INDEX pushes_due ON pushes (status, next_at_ms);`,
  // A new push replaces its device's pending ones with its Topic: found by this index, not by scanning
  // every pending push (which made queueing quadratic in the backlog: 11 ms of CPU a push at 10,000 devices).
  `CREATE INDEX pushes_topic ON pushes (device_id, topic_key, status);`,
  // Due pushes are read urgent first, then oldest (`duePushes`): in that order from this index, instead of
  // every pending push sorted at each read (4-11 ms a read with a backlog of thousands at 10,000 devices).
  `DROP INDEX pushes_due;
   CREATE INDEX pushes_due_order ON pushes (status, (CASE urgency WHEN 'high' THEN 0 ELSE 1 END), next_at_ms, id);`,
  // A pushing step saves only its alert part (relay/watch/alert-part.ts) beside the whole snapshot: in
  // a table of its own, since an UPDATE rewrites the whole row (a 9 KB snapshot: 3 pages) in SQLite.
  `CREATE TABLE monitor_alerts (
     device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE, account_id TEXT NOT NULL,
     alerts TEXT NOT NULL, saved_at_ms INTEGER NOT NULL, PRIMARY KEY (device_id, account_id));`,
  // The queue's two indexes hold pending pushes only: a push marked sent (or replaced) leaves them
  // instead of moving to a 'sent' part that grows for good, and a push's row is in three indexes
  // while it waits and in one (its dedupe key) after.
  `DROP INDEX pushes_due_order;
   CREATE INDEX pushes_pending_order ON pushes ((CASE urgency WHEN 'high' THEN 0 ELSE 1 END), next_at_ms, id, status) WHERE status = 'pending';
   DROP INDEX pushes_topic;
   CREATE INDEX pushes_pending_topic ON pushes (device_id, topic_key) WHERE status = 'pending';`,
];

interface PushRow {
  id: number;
  device_id: string;
  dedupe_key: string;
  payload: string;
  urgency: QueuedPush['urgency'];
  topic_key: string | null;
  ttl_sec: number;
  created_at_ms: number;
  status: PushStatus;
  attempts: number;
  next_at_ms: number;
}

interface DeviceRow {
  id: string;
  token_hash: string;
  created_at_ms: number;
  subscription: string | null;
  vapid_jwk: string | null;
  subject: string;
}

const device = (r: DeviceRow): DeviceRecord => ({
  id: r.id,
  tokenHash: r.token_hash,
  createdAtMs: r.created_at_ms,
  subscription: r.subscription,
  vapidJwk: r.vapid_jwk,
  subject: r.subject,
});

const queued = (r: PushRow): QueuedPush => ({
  id: r.id,
  deviceId: r.device_id,
  dedupeKey: r.dedupe_key,
  payload: r.payload,
  urgency: r.urgency,
  topicKey: r.topic_key,
  ttlSec: r.ttl_sec,
  createdAtMs: r.created_at_ms,
  status: r.status,
  attempts: r.attempts,
  nextAtMs: r.next_at_ms,
});

/**
 * Due pushes, urgent first, then oldest: their ids read in that order from `pushes_pending_order` (never
 * sorted; `status` is its last column so that the read is covered by the index alone), and only then the rows of those the sender does not hold yet. The sender reads past what it
 * is posting and what waits for its mark (hundreds in a burst): whole rows for those were ~2 s of its
 * thread in a 20 s burst at 10,000 devices, ids are read from the index alone.
 */
export const DUE_PUSH_IDS_SQL = `SELECT id FROM pushes
  WHERE status = 'pending' AND next_at_ms <= ?
  ORDER BY CASE urgency WHEN 'high' THEN 0 ELSE 1 END, next_at_ms, id LIMIT ?`;
/** The same for one shard's devices (a relay worker of several). */
export const DUE_PUSH_IDS_OF_SHARD_SQL = `SELECT p.id FROM pushes p JOIN devices d ON d.id = p.device_id
  WHERE p.status = 'pending' AND p.next_at_ms <= ? AND d.shard_hash % ? = ?
  ORDER BY CASE p.urgency WHEN 'high' THEN 0 ELSE 1 END, p.next_at_ms, p.id LIMIT ?`;
/**
 * Due pushes by id (a JSON array), each with its device's subscription, VAPID pair and contact
 * (`DuePush`): one read for a window's 64 (~4 µs a push, against ~7 µs read one at a time).
 */
const DUE_PUSH_ROWS_SQL = `SELECT p.*, d.subscription, d.vapid_jwk, d.subject FROM pushes p JOIN devices d ON d.id = p.device_id
  WHERE p.id IN (SELECT value FROM json_each(?))`;

/** `(count, count, index)` for the `(? = 0 OR shard_hash % ? = ?)` filter; count 0 means every device. */
const shardArgs = (shard: Shard | null): [number, number, number] => (shard === null ? [0, 1, 0] : [shard.count, shard.count, shard.index]);

export function openSqliteStore(file: string): RelayStore {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    db.close();
    throw new Error(`${file}: store version ${version} is newer than this relay knows (${MIGRATIONS.length}); upgrade the relay`);
  }
  for (let v = version; v < MIGRATIONS.length; v += 1) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }

  const insertPush = db.prepare(
    `INSERT OR IGNORE INTO pushes (device_id, dedupe_key, payload, urgency, topic_key, ttl_sec, created_at_ms, status, attempts, next_at_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)`,
  );
  const upsertMonitor = db.prepare(
    `INSERT INTO monitors (device_id, account_id, state, saved_at_ms) VALUES (?, ?, ?, ?)
     ON CONFLICT (device_id, account_id) DO UPDATE SET state = excluded.state, saved_at_ms = excluded.saved_at_ms`,
  );
  /** A whole snapshot supersedes the alert part saved before it. */
  const clearAlertPart = db.prepare('DELETE FROM monitor_alerts WHERE device_id = ? AND account_id = ?');
  const replaceOlder = db.prepare(`UPDATE pushes SET status = 'replaced' WHERE device_id = ? AND topic_key = ? AND status = 'pending' AND id < ?`);
  /** Queues a push (once per dedupe key); a new one replaces the device's pending pushes with its Topic. */
  const queuePush = (p: PushRecord): number => {
    const inserted = insertPush.run(p.deviceId, p.dedupeKey, p.payload, p.urgency, p.topicKey, p.ttlSec, p.createdAtMs, p.createdAtMs);
    if (inserted.changes > 0 && p.topicKey !== null) replaceOlder.run(p.deviceId, p.topicKey, inserted.lastInsertRowid);
    return inserted.changes;
  };
  const saveDecisions = db.transaction((monitor: MonitorRecord, pushes: readonly PushRecord[]): number => {
    upsertMonitor.run(monitor.deviceId, monitor.accountId, monitor.state, monitor.savedAtMs);
    clearAlertPart.run(monitor.deviceId, monitor.accountId);
    let queuedCount = 0;
    for (const p of pushes) queuedCount += queuePush(p);
    return queuedCount;
  });

  // The batch's rows only for devices that still exist: a device deleted while its monitors stepped.
  const upsertLiveMonitor = db.prepare(
    `INSERT INTO monitors (device_id, account_id, state, saved_at_ms) SELECT @d, @a, @s, @t WHERE EXISTS (SELECT 1 FROM devices WHERE id = @d)
     ON CONFLICT (device_id, account_id) DO UPDATE SET state = excluded.state, saved_at_ms = excluded.saved_at_ms`,
  );
  const upsertAlertPart = db.prepare(
    `INSERT INTO monitor_alerts (device_id, account_id, alerts, saved_at_ms) SELECT @d, @a, @p, @t WHERE EXISTS (SELECT 1 FROM devices WHERE id = @d)
     ON CONFLICT (device_id, account_id) DO UPDATE SET alerts = excluded.alerts, saved_at_ms = excluded.saved_at_ms`,
  );
  const saveBatch = db.transaction((saves: readonly DecisionSave[]): number => {
    let queuedCount = 0;
    for (const { monitor: m, pushes } of saves) {
      if (m.state === null) {
        if (upsertAlertPart.run({ d: m.deviceId, a: m.accountId, p: m.alerts, t: m.savedAtMs }).changes === 0) continue;
      } else {
        if (upsertLiveMonitor.run({ d: m.deviceId, a: m.accountId, s: m.state, t: m.savedAtMs }).changes === 0) continue;
        clearAlertPart.run(m.deviceId, m.accountId);
      }
      for (const p of pushes) queuedCount += queuePush(p);
    }
    return queuedCount;
  });
  const markPush = db.prepare(`UPDATE pushes SET status = @status, attempts = @attempts, next_at_ms = @nextAtMs WHERE id = @id AND (status = 'pending' OR @status = 'sent')`);
  const markPushes = db.transaction((marks: readonly PushMark[]): void => {
    for (const m of marks) markPush.run(m);
  });

  // Prepared once: preparing a statement per call was 5 % of the relay's main thread in the crash.
  const insertDevice = db.prepare('INSERT INTO devices (id, shard_hash, token_hash, created_at_ms, subscription, vapid_jwk, subject) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const selectDevice = db.prepare('SELECT * FROM devices WHERE id = ?');
  const deleteDevice = db.prepare('DELETE FROM devices WHERE id = ?');
  const updateSubscription = db.prepare('UPDATE devices SET subscription = ? WHERE id = ?');
  const dropSubscription = db.prepare('UPDATE devices SET subscription = NULL WHERE id = ? AND subscription = ?');
  const selectDevices = db.prepare('SELECT * FROM devices WHERE (? = 0 OR shard_hash % ? = ?) ORDER BY id');
  const upsertSnapshot = db.prepare(
    `INSERT INTO snapshots (device_id, body, received_at_ms) VALUES (?, ?, ?)
     ON CONFLICT (device_id) DO UPDATE SET body = excluded.body, received_at_ms = excluded.received_at_ms`,
  );
  const selectSnapshot = db.prepare('SELECT device_id, body, received_at_ms FROM snapshots WHERE device_id = ?');
  const selectMonitors = db.prepare(
    `SELECT m.*, a.alerts FROM monitors m LEFT JOIN monitor_alerts a ON a.device_id = m.device_id AND a.account_id = m.account_id
     WHERE m.device_id = ? ORDER BY m.account_id`,
  );
  const selectDueIds = db.prepare(DUE_PUSH_IDS_SQL).pluck();
  const selectDueIdsOfShard = db.prepare(DUE_PUSH_IDS_OF_SHARD_SQL).pluck();
  const selectDue = db.prepare(DUE_PUSH_ROWS_SQL);
  const selectPushes = db.prepare('SELECT * FROM pushes WHERE device_id = ? ORDER BY id');

  return {
    async createDevice(d) {
      insertDevice.run(
        d.id,
        deviceHash(d.id),
        d.tokenHash,
        d.createdAtMs,
        d.subscription,
        d.vapidJwk,
        d.subject,
      );
    },
    async device(id) {
      const row = selectDevice.get(id) as DeviceRow | undefined;
      return row === undefined ? null : device(row);
    },
    async deleteDevice(id) {
      deleteDevice.run(id);
    },
    async updateSubscription(id, subscription) {
      updateSubscription.run(subscription, id);
    },
    async dropSubscription(id, subscription) {
      return dropSubscription.run(id, subscription).changes > 0;
    },
    async devices(shard) {
      const rows = selectDevices.all(...shardArgs(shard)) as DeviceRow[];
      return rows.map(device);
    },
    async putSnapshot(s) {
      upsertSnapshot.run(s.deviceId, s.body, s.receivedAtMs);
    },
    async snapshot(deviceId) {
      const row = selectSnapshot.get(deviceId) as
        | { device_id: string; body: string; received_at_ms: number }
        | undefined;
      return row === undefined ? null : { deviceId: row.device_id, body: row.body, receivedAtMs: row.received_at_ms };
    },
    async saveDecisions(monitor, pushes) {
      return saveDecisions(monitor, pushes);
    },
    async saveBatch(saves) {
      return saves.length === 0 ? 0 : saveBatch(saves);
    },
    async monitors(deviceId) {
      const rows = selectMonitors.all(deviceId) as {
        device_id: string;
        account_id: string;
        state: string;
        saved_at_ms: number;
        alerts: string | null;
      }[];
      return rows.map((r) => ({ deviceId: r.device_id, accountId: r.account_id, state: r.state, savedAtMs: r.saved_at_ms, alerts: r.alerts }));
    },
    async duePushes(nowMs, limit, shard, skip) {
      const read = limit + (skip?.size ?? 0);
      const ids = (shard === null ? selectDueIds.all(nowMs, read) : selectDueIdsOfShard.all(nowMs, shard.count, shard.index, read)) as number[];
      const wanted: number[] = [];
      for (const id of ids) {
        if (wanted.length === limit) break;
        if (skip?.has(id) !== true) wanted.push(id);
      }
      if (wanted.length === 0) return [];
      const rows = new Map<number, PushRow & Pick<DeviceRow, 'subscription' | 'vapid_jwk' | 'subject'>>();
      for (const row of selectDue.all(JSON.stringify(wanted)) as (PushRow & Pick<DeviceRow, 'subscription' | 'vapid_jwk' | 'subject'>)[]) rows.set(row.id, row);
      const due: DuePush[] = [];
      // In the order the index gave (urgent first, then oldest).
      for (const id of wanted) {
        const row = rows.get(id);
        if (row === undefined) continue;
        due.push({
          id: row.id,
          deviceId: row.device_id,
          dedupeKey: row.dedupe_key,
          payload: row.payload,
          urgency: row.urgency,
          topicKey: row.topic_key,
          ttlSec: row.ttl_sec,
          createdAtMs: row.created_at_ms,
          status: row.status,
          attempts: row.attempts,
          nextAtMs: row.next_at_ms,
          subscription: row.subscription,
          vapidJwk: row.vapid_jwk,
          subject: row.subject,
        });
      }
      return due;
    },
    async markPushes(marks) {
      if (marks.length > 0) markPushes(marks);
    },
    async pushes(deviceId) {
      return (selectPushes.all(deviceId) as PushRow[]).map(queued);
    },
    async close() {
      db.close();
    },
  };
}
