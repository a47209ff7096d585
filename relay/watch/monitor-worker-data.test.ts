import { describe, expect, it } from 'vitest';
import { silentLog } from '../relay-log.ts';
import { MONITOR_NICE, monitorWorkerData } from './monitor-threads.ts';

/** A worker's start data crosses to its thread by structured clone: plain data, no function, no class. */
describe('monitorWorkerData', () => {
  it('is the share options without the log and the failure hook, the nice value and the rehearsal flag, equal to itself after structuredClone and JSON', () => {
    const options = { log: silentLog, onFailed: () => undefined, staleAfterMs: 900_000, saveEveryMs: 60_000, calmEveryMs: 5_000, calmBudgetMs: 100, partEveryMs: 25, rehearse: true };
    const data = monitorWorkerData(options);
    expect(data).toEqual({ shard: { staleAfterMs: 900_000, saveEveryMs: 60_000, calmEveryMs: 5_000, calmBudgetMs: 100, partEveryMs: 25 }, nice: MONITOR_NICE, rehearse: true });
    expect(structuredClone(data)).toEqual(data);
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
    expect(monitorWorkerData({ log: silentLog, staleAfterMs: 1, saveEveryMs: 1, calmEveryMs: 0 }).rehearse).toBe(false);
  });
});
