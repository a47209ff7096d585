import { parentPort, workerData } from 'node:worker_threads';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import { WICK_T0 } from '../../tools/test-support/wick-devices.ts';
import { wickSteps } from './wick-shard.bench.ts';

/**
 * One pass of rehearsal.bench.ts, in a fresh worker thread (a fresh isolate: nothing compiled yet):
 * `devices` of `venue` loaded `fromMin` minutes into the wick's scenario (with or without the
 * rehearsal), stepped through the calm before the wick and the wick itself. Per 10 s of market: the
 * steps' own time and the whole process's CPU (this thread's and V8's compiler and GC threads', the
 * main thread idle meanwhile).
 */
export interface PassData {
  readonly venue: VenueId;
  readonly devices: number;
  readonly fromMin: number;
  readonly rehearse: boolean;
}

export interface PassBucket {
  readonly stepMs: number;
  readonly processMs: number;
}

const BUCKET_MS = 10_000;
const { venue, devices, fromMin, rehearse } = workerData as PassData;
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const buckets: PassBucket[] = [];
let current = -1;
let stepMs = 0;
let cpuAt = cpuMs();
const close = (): void => {
  const now = cpuMs();
  if (current >= 0) buckets.push({ stepMs, processMs: now - cpuAt });
  cpuAt = now;
  stepMs = 0;
};
const loadStarted = cpuMs();
const steps = wickSteps(venue, devices, WICK_T0 + fromMin * 60_000, {}, rehearse);
for (let next = steps.next(), first = true; !next.done; next = steps.next(), first = false) {
  // The first step's CPU includes the load (and the rehearsal): told apart, not counted in a bucket.
  if (first) {
    parentPort!.postMessage({ kind: 'loaded', processMs: cpuMs() - loadStarted });
    cpuAt = cpuMs();
  }
  const bucket = Math.floor((next.value.atMs - WICK_T0) / BUCKET_MS);
  if (bucket !== current) {
    close();
    current = bucket;
  }
  stepMs += next.value.stepMs;
}
close();
parentPort!.postMessage({ kind: 'done', buckets });
