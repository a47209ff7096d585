import { describe, expect, it } from 'vitest';
import { monitorWorkerCode } from './monitor-worker-bundle.ts';

// The worker threads run this code (monitor-threads.ts; relay-watcher.test.ts steps monitors in two of
// them). What it must not carry is tsx's per-closure `__name` (an Object.defineProperty each time a
// function expression is made), the cost this bundle exists to leave out.
describe('monitorWorkerCode', () => {
  it('is one CommonJS script holding the shard and the engine, without __name wrappers, built once', () => {
    const code = monitorWorkerCode();
    expect(code).toContain('function monitorShard(');
    expect(code).toContain('function liveMonitorBatch(');
    expect(code).toContain('require("node:worker_threads")');
    expect(code).not.toMatch(/__name\(/);
    expect(monitorWorkerCode()).toBe(code);
  });
});
