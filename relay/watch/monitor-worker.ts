import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { RelayLog } from '../relay-log.ts';
import { monitorShard, type ShardOptions, type StepResult } from './monitor-shard.ts';
import type { MonitorWorkerData, ShardReply, ShardRequest } from './monitor-threads.ts';
import { rehearsingShard } from './rehearsal.ts';

/**
 * A worker thread holding one share of the relay's monitors (monitor-shard.ts). It owns no socket and
 * no store: requests and replies are plain data (monitor-threads.ts), logs go to the parent.
 */
const port = parentPort;
if (port === null) throw new Error('monitor-worker.ts runs as a worker thread');
const { shard: options, nice, rehearse } = workerData as MonitorWorkerData;
const send = (reply: ShardReply): void => port.postMessage(reply);
const log: RelayLog = {
  info: (message, fields) => send({ kind: 'log', level: 'info', message, fields: fields ?? {} }),
  error: (message, fields) => send({ kind: 'log', level: 'error', message, fields: fields ?? {} }),
};
if (nice !== null) {
  // Linux gives each thread its own nice value, named by its id in /proc/thread-self; elsewhere the
  // thread keeps the process's priority, and says so.
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), nice);
  } catch (error) {
    log.info('monitor thread priority unchanged', { nice, error: String(error) });
  }
}
const shard = (rehearse ? rehearsingShard : monitorShard)({ ...options, log } satisfies ShardOptions);

port.on('message', (request: ShardRequest) => {
  try {
    if (request.kind === 'load') send({ kind: 'loaded', id: request.id, results: shard.load(request.loads, request.nowMs) });
    else {
      const { id } = request;
      const onPart = request.parts ? (result: StepResult): void => send({ kind: 'part', id, result }) : undefined;
      send({ kind: 'stepped', id, result: shard.step(request.venue, request.events, request.prices, request.nowMs, request.firstEventAtMs, onPart) });
    }
  } catch (error) {
    send({ kind: 'failed', id: request.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
