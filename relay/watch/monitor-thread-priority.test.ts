import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { silentLog } from '../relay-log.ts';
import { MONITOR_NICE, workerShard } from './monitor-threads.ts';

/** The nice value of each thread of this process, by thread id (Linux: field 19 of /proc/self/task/<tid>/stat). */
function threadNices(): Map<string, number> {
  return new Map(
    readdirSync('/proc/self/task').map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // The thread's name, in parentheses, may hold spaces: count the fields after its closing one.
      return [tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])] as const;
    }),
  );
}

describe.skipIf(!existsSync('/proc/thread-self'))('monitor worker threads', () => {
  it('run at nice MONITOR_NICE, below the main thread and the sender', async () => {
    expect(MONITOR_NICE).toBeGreaterThan(0);
    const before = threadNices();
    const self = readlinkSync('/proc/thread-self').split('/').pop()!;
    const share = workerShard({ log: silentLog, staleAfterMs: 1e9, saveEveryMs: 60_000, calmEveryMs: 5_000, onFailed: () => undefined });
    try {
      // A round trip: the worker has run its start (the priority is set before it handles a message).
      expect(await share.load([], Date.now())).toEqual([]);
      const after = threadNices();
      const started = [...after].filter(([tid]) => !before.has(tid));
      expect(started.filter(([, nice]) => nice === MONITOR_NICE)).toHaveLength(1);
      // This thread (the relay's main thread in the relay) keeps its priority.
      expect(after.get(self)).toBe(before.get(self));
      expect(after.get(self)).not.toBe(MONITOR_NICE);
    } finally {
      await share.close();
    }
  });
});
