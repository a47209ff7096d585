import { parentPort, workerData } from 'node:worker_threads';
import type { RelayLog } from '../relay-log.ts';
import type { RelayStore } from '../store/relay-store.ts';
import { openStore } from '../store/open-store.ts';
import { httpPushPost } from './push-post.ts';
import { pushSender } from './push-sender.ts';
import { loadOrCreateVapidKeys } from './relay-vapid-keys.ts';
import type { SenderData, SenderReply, SenderRequest } from './sender-thread.ts';

/**
 * The push sender in a thread of its own (sender-thread.ts): its own connection to the store to read
 * the queue and the devices (SQLite in WAL: readers never wait for the writer), the relay's keys read
 * from the data folder, its own HTTP client. Logs go to the parent in batches, not one message a push.
 */
const port = parentPort;
if (port === null) throw new Error('sender-worker.ts runs as a worker thread');
const data = workerData as SenderData;
let logs: (SenderReply & { kind: 'log' })['lines'][number][] = [];
let flushTimer: NodeJS.Timeout | null = null;
const flushLogs = (): void => {
  if (flushTimer !== null) clearTimeout(flushTimer);
  flushTimer = null;
  if (logs.length === 0) return;
  port.postMessage({ kind: 'log', lines: logs } satisfies SenderReply);
  logs = [];
};
/**
 * Lines go to the parent every LOG_EVERY_MS or LOG_LINES, and before every reply: flushed at each turn
 * of the event loop they were a message per one to three pushes in a burst (a push's "push sent" line).
 */
const LOG_EVERY_MS = 100;
const LOG_LINES = 512;
const line = (level: 'info' | 'error') => (message: string, fields: Readonly<Record<string, string | number | boolean | null>> = {}) => {
  logs.push({ level, message, fields });
  if (logs.length >= LOG_LINES) flushLogs();
  else flushTimer ??= setTimeout(flushLogs, LOG_EVERY_MS);
};
const log: RelayLog = { info: line('info'), error: line('error') };

const opened = await openStore(data);
/**
 * The marks of what was posted go to the main thread, which writes them in its own connection: one
 * writer, so neither thread waits in SQLite's busy handler for the other (a transaction of the monitors'
 * saves holds the lock for milliseconds, and a waiting mark held up every post behind it). Until the main
 * thread confirms them, the pushes are left out of what this thread reads as due, so none goes twice.
 */
const unconfirmed = new Set<number>();
const store: RelayStore = {
  ...opened,
  async markPushes(marks) {
    if (marks.length === 0) return;
    for (const m of marks) unconfirmed.add(m.id);
    port.postMessage({ kind: 'marks', marks } satisfies SenderReply);
  },
  async duePushes(nowMs, limit, shard, skip) {
    if (unconfirmed.size === 0) return opened.duePushes(nowMs, limit, shard, skip);
    return opened.duePushes(nowMs, limit, shard, { has: (id) => unconfirmed.has(id) || skip?.has(id) === true, size: unconfirmed.size + (skip?.size ?? 0) });
  },
};
const vapid = await loadOrCreateVapidKeys(data.dataDir);
const http = httpPushPost(data.connections === undefined ? {} : { socketsPerOrigin: data.connections });
const sender = pushSender({ store, log, clock: Date.now, relayKeys: vapid.keys, post: http.post, shard: data.shard, ...(data.window === undefined ? {} : { window: data.window }) });

port.on('message', (request: SenderRequest) => {
  if (request.kind === 'marked') {
    for (const id of request.ids) unconfirmed.delete(id);
    return;
  }
  const reply = (r: SenderReply): void => {
    flushLogs();
    port.postMessage(r);
  };
  if (request.kind === 'drain') {
    void sender.drain().then((posted) => reply({ kind: 'drained', id: request.id, posted, prepared: sender.prepared() }));
    return;
  }
  void (async () => {
    await sender.drain();
    sender.close();
    await sender.settled();
    await opened.close();
    http.close();
    reply({ kind: 'closed', id: request.id });
  })().catch((error: unknown) => reply({ kind: 'failed', id: request.id, error: String(error) }));
});
port.postMessage({ kind: 'ready' } satisfies SenderReply);
