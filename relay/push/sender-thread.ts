import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RelayLog } from '../relay-log.ts';
import type { PushMark, RelayStore, Shard } from '../store/relay-store.ts';
import type { PushSender } from './push-sender.ts';

/**
 * The push sender (push-sender.ts) in a worker thread of its own, behind the same interface. In a burst
 * of margin calls the main thread (feeds, the monitors' saves, the sender) was ~85 % busy and paced the
 * pushes while the monitor threads left part of the other core idle (docs/relay-load-log.md, "The post, the
 * workers' code, and a thread for the sender"). The worker opens the store itself; only requests, counts and log lines cross.
 */
export interface SenderData {
  readonly dataDir: string;
  readonly store: string;
  readonly shard: Shard | null;
  /** Keep-alive connections to one push service at most (push-post.ts; default DEFAULT_PUSH_CONNECTIONS, 256). */
  readonly connections?: number;
  /** Posts in flight at most (push-sender.ts; default twice the connections). */
  readonly window?: number;
}

export type SenderRequest =
  | { readonly kind: 'drain'; readonly id: number }
  | { readonly kind: 'close'; readonly id: number }
  | { readonly kind: 'marked'; readonly ids: readonly number[] };

export type SenderReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'drained'; readonly id: number; readonly posted: number; readonly prepared: { readonly waiting: number; readonly taken: number } }
  | { readonly kind: 'closed'; readonly id: number }
  /** Outcomes of posts, for the main thread to write (it is the store's one writer). */
  | { readonly kind: 'marks'; readonly marks: readonly PushMark[] }
  | { readonly kind: 'failed'; readonly id: number; readonly error: string }
  | { readonly kind: 'log'; readonly lines: readonly { readonly level: 'info' | 'error'; readonly message: string; readonly fields: Readonly<Record<string, string | number | boolean | null>> }[] };

// The worker registers tsx itself, then imports its module (better-sqlite3 is a native module, so this
// worker is not bundled as the monitor workers are; its own code is a small part of a push).
const TSX_API = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
const WORKER_MODULE = new URL('./sender-worker.ts', import.meta.url).href;
const BOOTSTRAP = `import(${JSON.stringify(TSX_API)}).then((api) => { (api.register ?? api.default.register)(); return import(${JSON.stringify(WORKER_MODULE)}); })`;

/** What the relay holds of its sender, in its thread or in a worker. */
export interface RunningSender {
  drain(): Promise<number>;
  prepared: PushSender['prepared'];
  /** Drains what is due, stops making agreements, and lets go of the store (before the relay closes it). */
  stop(): Promise<void>;
}

/** The sender in the relay's own thread (tests with a fake post, no monitor workers). */
export function inThreadSender(sender: PushSender): RunningSender {
  return {
    drain: () => sender.drain(),
    prepared: () => sender.prepared(),
    async stop() {
      await sender.drain();
      sender.close();
      await sender.settled();
    },
  };
}

/** Resolves once the worker has opened the store and read the keys. */
export async function threadPushSender(data: SenderData, store: RelayStore, log: RelayLog, onFailed: (error: Error) => void): Promise<RunningSender> {
  const execArgv = process.execArgv.filter((a) => a.startsWith('--cpu-prof'));
  const worker = new Worker(BOOTSTRAP, { eval: true, workerData: data, execArgv });
  const waiting = new Map<number, { resolve: (reply: SenderReply) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let closing = false;
  let prepared = { waiting: 0, taken: 0 };
  let ready: (() => void) | null = null;
  let failedEarly: ((error: Error) => void) | null = null;
  const fail = (error: Error): void => {
    failedEarly?.(error);
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
    if (!closing) onFailed(error);
  };
  worker.on('message', (reply: SenderReply) => {
    if (reply.kind === 'ready') return ready?.();
    if (reply.kind === 'log') {
      for (const l of reply.lines) log[l.level](l.message, l.fields);
      return;
    }
    if (reply.kind === 'marks') {
      // Written in order with the main thread's own writes; a mark that fails leaves its push pending (sent again: at least once).
      void store
        .markPushes(reply.marks)
        .catch((error: unknown) => log.error('push marks not saved', { count: reply.marks.length, error: String(error) }))
        .then(() => worker.postMessage({ kind: 'marked', ids: reply.marks.map((m) => m.id) } satisfies SenderRequest));
      return;
    }
    if (reply.kind === 'drained') prepared = reply.prepared;
    const w = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (reply.kind === 'failed') w?.reject(new Error(reply.error));
    else w?.resolve(reply);
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`push sender worker exited with code ${code}`)));
  await new Promise<void>((resolve, reject) => {
    ready = resolve;
    failedEarly = reject;
  });
  failedEarly = null;
  const ask = (kind: 'drain' | 'close'): Promise<SenderReply> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ kind, id } satisfies SenderRequest);
    });

  // Every drain is asked of the worker: its sender folds the asks that come while one runs into one
  // waiting behind it, and wakes the running one to read the queue between its posts. Folded here
  // instead, the pushes queued while a drain ran waited for its slowest post to answer.
  const unanswered = new Set<Promise<number>>();
  return {
    drain() {
      const next: Promise<number> = ask('drain')
        .then((r) => (r.kind === 'drained' ? r.posted : 0))
        .catch((error: unknown) => {
          log.error('push drain failed', { error: String(error) });
          return 0;
        })
        .finally(() => unanswered.delete(next));
      unanswered.add(next);
      return next;
    },
    prepared: () => prepared,
    async stop() {
      while (unanswered.size > 0) await Promise.all(unanswered);
      closing = true;
      await ask('close').catch((error: unknown) => log.error('push sender worker did not close cleanly', { error: String(error) }));
      await worker.terminate();
    },
  };
}
