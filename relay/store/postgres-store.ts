import pg from 'pg';
import type { DecisionSave, DeviceRecord, DuePush, MonitorRecord, PushRecord, PushStatus, QueuedPush, RelayStore, Shard } from './relay-store.ts';
import { deviceHash } from './shard.ts';

/**
 * The same store on PostgreSQL, for a hosted relay whose workers share devices by shard
 * (`--store postgres://… --shard i/n`). The schema is the SQLite one; versions are kept in
 * `relay_schema` and each step runs once, under an advisory lock so two workers starting together
 * do not both migrate. Times are BIGINT epoch ms (read back as numbers: they stay far below 2^53).
 */

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE devices (
     id TEXT PRIMARY KEY, shard_hash BIGINT NOT NULL, token_hash TEXT NOT NULL, created_at_ms BIGINT NOT NULL,
     subscription TEXT, vapid_jwk TEXT, subject TEXT NOT NULL);
   CREATE TABLE snapshots (
     device_id TEXT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
     body TEXT NOT NULL, received_at_ms BIGINT NOT NULL);
   CREATE TABLE monitors (
     device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE, account_id TEXT NOT NULL,
     state TEXT NOT NULL, saved_at_ms BIGINT NOT NULL, PRIMARY KEY (device_id, account_id));
   CREATE TABLE pushes (
     id BIGSERIAL PRIMARY KEY,
     device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE, dedupe_key TEXT NOT NULL,
     payload TEXT NOT NULL, urgency TEXT NOT NULL, topic_key TEXT, ttl_sec INTEGER NOT NULL,
     created_at_ms BIGINT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL, next_at_ms BIGINT NOT NULL,
     UNIQUE (device_id, dedupe_key));
   CREATE INDEX pushes_due ON pushes (status, next_at_ms);`,
  // A new push replaces its device's pending ones with its Topic: found by this index, not by scanning
  // every pending push (which made queueing quadratic in the backlog: 11 ms of CPU a push at 10,000 devices).
  `CREATE INDEX pushes_topic ON pushes (device_id, topic_key, status);`,
  // Due pushes are read urgent first, then oldest (`duePushes`): in that order from this index, instead of
  // every pending push sorted at each read (4-11 ms a read with a backlog of thousands at 10,000 devices).
  `DROP INDEX pushes_due;
   CREATE INDEX pushes_due_order ON pushes (status, (CASE urgency WHEN 'high' THEN 0 ELSE 1 END), next_at_ms, id);`,
  // A pushing step saves only its alert part (relay/watch/alert-part.ts) beside the whole snapshot, in a
  // table of its own (as in SQLite: an update would write the whole row's snapshot again).
  `CREATE TABLE monitor_alerts (
     device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE, account_id TEXT NOT NULL,
     alerts TEXT NOT NULL, saved_at_ms BIGINT NOT NULL, PRIMARY KEY (device_id, account_id));`,
  // As in SQLite: the queue's indexes hold pending pushes only (a push marked sent leaves them).
  `DROP INDEX pushes_due_order;
   CREATE INDEX pushes_pending_order ON pushes ((CASE urgency WHEN 'high' THEN 0 ELSE 1 END), next_at_ms, id) WHERE status = 'pending';
   DROP INDEX pushes_topic;
   CREATE INDEX pushes_pending_topic ON pushes (device_id, topic_key) WHERE status = 'pending';`,
];

const MIGRATION_LOCK = 7_204_519;

// BIGINT comes back as text by default; every BIGINT here is epoch ms or a 32-bit hash.
pg.types.setTypeParser(20, (text) => Number(text));

interface Row {
  [column: string]: unknown;
}

const device = (r: Row): DeviceRecord => ({
  id: r['id'] as string,
  tokenHash: r['token_hash'] as string,
  createdAtMs: r['created_at_ms'] as number,
  subscription: (r['subscription'] as string | null) ?? null,
  vapidJwk: (r['vapid_jwk'] as string | null) ?? null,
  subject: r['subject'] as string,
});

const queued = (r: Row): QueuedPush => ({
  id: r['id'] as number,
  deviceId: r['device_id'] as string,
  dedupeKey: r['dedupe_key'] as string,
  payload: r['payload'] as string,
  urgency: r['urgency'] as QueuedPush['urgency'],
  topicKey: (r['topic_key'] as string | null) ?? null,
  ttlSec: r['ttl_sec'] as number,
  createdAtMs: r['created_at_ms'] as number,
  status: r['status'] as PushStatus,
  attempts: r['attempts'] as number,
  nextAtMs: r['next_at_ms'] as number,
});

const shardArgs = (shard: Shard | null): [number, number] => (shard === null ? [1, 0] : [shard.count, shard.index]);

export async function openPostgresStore(connectionString: string): Promise<RelayStore> {
  const pool = new pg.Pool({ connectionString, max: 4 });
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS relay_schema (version INTEGER NOT NULL)');
    const { rows } = await client.query('SELECT version FROM relay_schema');
    const version = (rows[0]?.['version'] as number | undefined) ?? 0;
    if (version > MIGRATIONS.length) throw new Error(`store version ${version} is newer than this relay knows (${MIGRATIONS.length}); upgrade the relay`);
    for (let v = version; v < MIGRATIONS.length; v += 1) {
      await client.query('BEGIN');
      await client.query(MIGRATIONS[v]!);
      await client.query('DELETE FROM relay_schema');
      await client.query('INSERT INTO relay_schema (version) VALUES ($1)', [v + 1]);
      await client.query('COMMIT');
    }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
    await pool.end();
    throw error;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
  }
  client.release();

  const query = async (text: string, values: unknown[] = []): Promise<Row[]> => (await pool.query(text, values)).rows as Row[];
  /** A pending push with a newer one for its device and Topic is replaced (RelayStore.saveDecisions). */
  const replaceOlder = (c: pg.PoolClient, deviceIds: readonly string[]) =>
    c.query(
      `UPDATE pushes o SET status = 'replaced'
       WHERE o.status = 'pending' AND o.topic_key IS NOT NULL AND o.device_id = ANY($1::text[])
         AND EXISTS (SELECT 1 FROM pushes n WHERE n.status = 'pending' AND n.device_id = o.device_id AND n.topic_key = o.topic_key AND n.id > o.id)`,
      [deviceIds],
    );

  return {
    async createDevice(d) {
      await query('INSERT INTO devices (id, shard_hash, token_hash, created_at_ms, subscription, vapid_jwk, subject) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        d.id,
        deviceHash(d.id),
        d.tokenHash,
        d.createdAtMs,
        d.subscription,
        d.vapidJwk,
        d.subject,
      ]);
    },
    async device(id) {
      const [row] = await query('SELECT * FROM devices WHERE id = $1', [id]);
      return row === undefined ? null : device(row);
    },
    async deleteDevice(id) {
      await query('DELETE FROM devices WHERE id = $1', [id]);
    },
    async updateSubscription(id, subscription) {
      await query('UPDATE devices SET subscription = $1 WHERE id = $2', [subscription, id]);
    },
    async dropSubscription(id, subscription) {
      return (await query('UPDATE devices SET subscription = NULL WHERE id = $1 AND subscription = $2 RETURNING id', [id, subscription])).length > 0;
    },
    async devices(shard) {
      return (await query('SELECT * FROM devices WHERE shard_hash % $1 = $2 ORDER BY id', shardArgs(shard))).map(device);
    },
    async putSnapshot(s) {
      await query(
        `INSERT INTO snapshots (device_id, body, received_at_ms) VALUES ($1, $2, $3)
         ON CONFLICT (device_id) DO UPDATE SET body = excluded.body, received_at_ms = excluded.received_at_ms`,
        [s.deviceId, s.body, s.receivedAtMs],
      );
    },
    async snapshot(deviceId) {
      const [row] = await query('SELECT device_id, body, received_at_ms FROM snapshots WHERE device_id = $1', [deviceId]);
      return row === undefined ? null : { deviceId: row['device_id'] as string, body: row['body'] as string, receivedAtMs: row['received_at_ms'] as number };
    },
    async saveDecisions(monitor: MonitorRecord, pushes: readonly PushRecord[]) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        await c.query(
          `INSERT INTO monitors (device_id, account_id, state, saved_at_ms) VALUES ($1, $2, $3, $4)
           ON CONFLICT (device_id, account_id) DO UPDATE SET state = excluded.state, saved_at_ms = excluded.saved_at_ms`,
          [monitor.deviceId, monitor.accountId, monitor.state, monitor.savedAtMs],
        );
        await c.query('DELETE FROM monitor_alerts WHERE device_id = $1 AND account_id = $2', [monitor.deviceId, monitor.accountId]);
        let count = 0;
        for (const p of pushes) {
          const r = await c.query(
            `INSERT INTO pushes (device_id, dedupe_key, payload, urgency, topic_key, ttl_sec, created_at_ms, status, attempts, next_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $7) ON CONFLICT (device_id, dedupe_key) DO NOTHING`,
            [p.deviceId, p.dedupeKey, p.payload, p.urgency, p.topicKey, p.ttlSec, p.createdAtMs],
          );
          count += r.rowCount ?? 0;
        }
        if (count > 0) await replaceOlder(c, [monitor.deviceId]);
        await c.query('COMMIT');
        return count;
      } catch (error) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        c.release();
      }
    },
    async saveBatch(saves: readonly DecisionSave[]) {
      if (saves.length === 0) return 0;
      // One statement per table over arrays (unnest), not one round trip per row. The same monitor
      // twice in a batch would make ON CONFLICT touch a row twice: folded here, in order (a whole
      // snapshot clears the alert part before it; a later alert part goes beside it).
      type Fold = { deviceId: string; accountId: string; whole: { state: string; savedAtMs: number } | null; part: { alerts: string; savedAtMs: number } | null };
      const byMonitor = new Map<string, Fold>();
      for (const { monitor: m } of saves) {
        const key = `${m.deviceId}\u0000${m.accountId}`;
        const fold = byMonitor.get(key) ?? { deviceId: m.deviceId, accountId: m.accountId, whole: null, part: null };
        if (m.state !== null) byMonitor.set(key, { ...fold, whole: { state: m.state, savedAtMs: m.savedAtMs }, part: null });
        else byMonitor.set(key, { ...fold, part: { alerts: m.alerts, savedAtMs: m.savedAtMs } });
      }
      const monitors = [...byMonitor.values()].filter((f) => f.whole !== null);
      const parts = [...byMonitor.values()].filter((f) => f.part !== null);
      const pushes = saves.flatMap((s) => s.pushes);
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        if (monitors.length > 0) {
          await c.query(
            `INSERT INTO monitors (device_id, account_id, state, saved_at_ms)
             SELECT u.d, u.a, u.s, u.t FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS u(d, a, s, t)
             WHERE EXISTS (SELECT 1 FROM devices WHERE id = u.d)
             ON CONFLICT (device_id, account_id) DO UPDATE SET state = excluded.state, saved_at_ms = excluded.saved_at_ms`,
            [monitors.map((m) => m.deviceId), monitors.map((m) => m.accountId), monitors.map((m) => m.whole!.state), monitors.map((m) => m.whole!.savedAtMs)],
          );
          // A whole snapshot supersedes the alert part saved before it; a part saved after it in the batch goes in next.
          await c.query('DELETE FROM monitor_alerts o USING unnest($1::text[], $2::text[]) AS u(d, a) WHERE o.device_id = u.d AND o.account_id = u.a', [
            monitors.map((m) => m.deviceId),
            monitors.map((m) => m.accountId),
          ]);
        }
        if (parts.length > 0) {
          await c.query(
            `INSERT INTO monitor_alerts (device_id, account_id, alerts, saved_at_ms)
             SELECT u.d, u.a, u.p, u.t FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS u(d, a, p, t)
             WHERE EXISTS (SELECT 1 FROM devices WHERE id = u.d)
             ON CONFLICT (device_id, account_id) DO UPDATE SET alerts = excluded.alerts, saved_at_ms = excluded.saved_at_ms`,
            [parts.map((m) => m.deviceId), parts.map((m) => m.accountId), parts.map((m) => m.part!.alerts), parts.map((m) => m.part!.savedAtMs)],
          );
        }
        const r =
          pushes.length === 0
            ? null
            : await c.query(
                `INSERT INTO pushes (device_id, dedupe_key, payload, urgency, topic_key, ttl_sec, created_at_ms, status, attempts, next_at_ms)
                 SELECT u.d, u.k, u.p, u.u, u.t, u.ttl, u.c, 'pending', 0, u.c
                 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::bigint[]) WITH ORDINALITY AS u(d, k, p, u, t, ttl, c, n)
                 WHERE EXISTS (SELECT 1 FROM devices WHERE id = u.d) ORDER BY u.n
                 ON CONFLICT (device_id, dedupe_key) DO NOTHING`,
                [
                  pushes.map((p) => p.deviceId),
                  pushes.map((p) => p.dedupeKey),
                  pushes.map((p) => p.payload),
                  pushes.map((p) => p.urgency),
                  pushes.map((p) => p.topicKey),
                  pushes.map((p) => p.ttlSec),
                  pushes.map((p) => p.createdAtMs),
                ],
              );
        if ((r?.rowCount ?? 0) > 0) await replaceOlder(c, [...new Set(pushes.map((p) => p.deviceId))]);
        await c.query('COMMIT');
        return r?.rowCount ?? 0;
      } catch (error) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        c.release();
      }
    },
    async monitors(deviceId) {
      const rows = await query(
        `SELECT m.*, a.alerts FROM monitors m LEFT JOIN monitor_alerts a ON a.device_id = m.device_id AND a.account_id = m.account_id
         WHERE m.device_id = $1 ORDER BY m.account_id`,
        [deviceId],
      );
      return rows.map((r) => ({
        deviceId: r['device_id'] as string,
        accountId: r['account_id'] as string,
        state: r['state'] as string,
        savedAtMs: r['saved_at_ms'] as number,
        alerts: (r['alerts'] as string | null) ?? null,
      }));
    },
    async duePushes(nowMs, limit, shard, skip) {
      // Read past what the sender holds (skip), then pass over it here; the device's fields come along.
      const rows = await query(
        `SELECT p.*, d.subscription, d.vapid_jwk, d.subject FROM pushes p JOIN devices d ON d.id = p.device_id
         WHERE p.status = 'pending' AND p.next_at_ms <= $1 AND d.shard_hash % $2 = $3
         ORDER BY CASE p.urgency WHEN 'high' THEN 0 ELSE 1 END, p.next_at_ms, p.id LIMIT $4`,
        [nowMs, ...shardArgs(shard), limit + (skip?.size ?? 0)],
      );
      const due: DuePush[] = [];
      for (const r of rows) {
        if (due.length === limit) break;
        if (skip?.has(r['id'] as number) === true) continue;
        due.push({ ...queued(r), subscription: (r['subscription'] as string | null) ?? null, vapidJwk: (r['vapid_jwk'] as string | null) ?? null, subject: r['subject'] as string });
      }
      return due;
    },
    async markPushes(marks) {
      if (marks.length === 0) return;
      await query(
        `UPDATE pushes p SET status = u.s, attempts = u.a, next_at_ms = u.n
         FROM unnest($1::bigint[], $2::text[], $3::int[], $4::bigint[]) AS u(id, s, a, n)
         WHERE p.id = u.id AND (p.status = 'pending' OR u.s = 'sent')`,
        [marks.map((m) => m.id), marks.map((m) => m.status), marks.map((m) => m.attempts), marks.map((m) => m.nextAtMs)],
      );
    },
    async pushes(deviceId) {
      return (await query('SELECT * FROM pushes WHERE device_id = $1 ORDER BY id', [deviceId])).map(queued);
    },
    async close() {
      await pool.end();
    },
  };
}
