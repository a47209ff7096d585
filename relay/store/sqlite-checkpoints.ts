import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * SQLite's WAL checkpoints in a thread of their own, at nice 10: copying the WAL's pages back into the
 * database file was about a third of the main thread's CPU per save (auto-checkpoint in the committing
 * connection: 27.6 µs a save with it, 18.6 without; relay/README.md, "After the step"). In a burst the
 * main thread (feeds, the batches' transactions, the sender's marks) and the sender keep the cores, and
 * the checkpoints wait for the slack, as the monitor threads do. The writer keeps an auto-checkpoint
 * far above this one's (`BACKSTOP_PAGES`), so that the WAL stays bounded if this thread never runs.
 */
export const CHECKPOINT_EVERY_MS = 500;
/** The writer's own auto-checkpoint, in pages (4 KB each: ~40 MB of WAL, ~5 s of the flash burst's saves). */
export const BACKSTOP_PAGES = 10_000;
/** As the monitor threads (relay/watch/monitor-threads.ts, MONITOR_NICE). */
const CHECKPOINT_NICE = 10;

export interface CheckpointThread {
  stop(): Promise<void>;
}

// Plain CommonJS run by `eval`: this thread loads only the SQLite driver (a native module), no tsx.
const CODE = `
const { workerData, parentPort } = require('node:worker_threads');
const { file, driver, everyMs, nice } = workerData;
try {
  // Linux: each thread has its own nice value, named by its id in /proc/thread-self.
  require('node:os').setPriority(Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()), nice);
} catch {}
const Database = require(driver);
const db = new Database(file);
db.pragma('wal_autocheckpoint = 0');
// PASSIVE: copies what no reader still needs, never waits for the writer or a reader.
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
}, everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.postMessage('closed');
});
`;

export function startCheckpointThread(file: string, everyMs: number): CheckpointThread {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CODE, { eval: true, workerData: { file, driver, everyMs, nice: CHECKPOINT_NICE } });
  worker.unref();
  let exited = false;
  const exit = new Promise<void>((resolve) => worker.once('exit', () => ((exited = true), resolve())));
  // A thread that fails leaves the checkpoints to the writer's backstop; nothing else depends on it.
  worker.on('error', () => undefined);
  let asked = false;
  return {
    stop() {
      if (!exited && !asked) {
        asked = true;
        worker.once('message', () => void worker.terminate());
        worker.postMessage('close');
      }
      return exit;
    },
  };
}
