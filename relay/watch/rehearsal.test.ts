import { describe, expect, it } from 'vitest';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import { WICK_COLD_FROM_MS, WICK_T0, wickBatches, wickDeviceLoads } from '../../tools/test-support/wick-devices.ts';
import { silentLog, type RelayLog } from '../relay-log.ts';
import { monitorShard, type ShardOptions } from './monitor-shard.ts';
import { REHEARSAL_DEVICES, rehearsalPath, rehearse, rehearsingShard } from './rehearsal.ts';

/**
 * The rehearsal (rehearsal.ts) takes a few of a share's own devices through a crash in a throwaway
 * shard: deep enough that they cross their tiers and push (the code a crash runs), and nothing of it
 * reaches the share: the same batches give the same results, saves and pushes with it as without.
 */
const VENUES: readonly VenueId[] = ['binance', 'bybit', 'okx', 'hyperliquid'];
const options: ShardOptions = { log: silentLog, staleAfterMs: 900_000, saveEveryMs: 60_000, calmEveryMs: 5_000 };

function recordingLog(): RelayLog & { lines: { message: string; fields: Record<string, unknown> }[] } {
  const lines: { message: string; fields: Record<string, unknown> }[] = [];
  const add = (message: string, fields?: Record<string, unknown>): void => void lines.push({ message, fields: fields ?? {} });
  return { lines, info: add, error: add };
}

describe('rehearsalPath', () => {
  it('starts and ends calm at the marks, reaches half and one and a half of them, in steps of at most 2 %', () => {
    const path = rehearsalPath();
    expect(path[0]).toBe(1);
    expect(Math.abs(path.at(-1)! - 1)).toBeLessThan(0.001);
    expect(Math.min(...path)).toBeCloseTo(0.5, 6);
    expect(Math.max(...path)).toBeCloseTo(1.5, 6);
    for (let i = 1; i < path.length; i += 1) expect(Math.abs(path[i]! - path[i - 1]!)).toBeLessThanOrEqual(0.02 + 1e-9);
  });
});

describe('rehearse', () => {
  for (const venue of VENUES) {
    it(`${venue}: ${REHEARSAL_DEVICES} of the devices cross their tiers and push in the throwaway shard`, () => {
      const loads = wickDeviceLoads(venue, 12);
      const r = rehearse(options, loads, venue, WICK_T0);
      expect(r.devices).toBe(REHEARSAL_DEVICES);
      expect(r.steps).toBeGreaterThan(r.devices * 10);
      // Each device at least once: the way down reaches every long's liquidation, the way up a short's.
      expect(r.pushes).toBeGreaterThanOrEqual(r.devices * 2);
    });
  }

  it('has nothing to rehearse with, and says so, when no load holds the venue or none can be read', () => {
    const loads = [
      { deviceId: 'gone', body: null, monitors: null },
      { deviceId: 'garbage', body: '{"takenAtMs":', monitors: null },
      ...wickDeviceLoads('okx', 2),
    ];
    expect(rehearse(options, loads, 'binance', WICK_T0)).toEqual({ devices: 0, steps: 0, pushes: 0 });
    expect(rehearse(options, loads, 'okx', WICK_T0).devices).toBe(2);
  });
});

describe('rehearsingShard', () => {
  for (const venue of ['binance', 'okx'] as const) {
    it(`${venue}: the share's results through the wick are the same with the rehearsal as without`, () => {
      const log = recordingLog();
      const rehearsed = rehearsingShard({ ...options, log });
      const plain = monitorShard(options);
      const loads = wickDeviceLoads(venue, 16);
      expect(rehearsed.load(loads, WICK_COLD_FROM_MS)).toEqual(plain.load(loads, WICK_COLD_FROM_MS));
      let pushes = 0;
      for (const { atMs, events, prices } of wickBatches(venue, WICK_COLD_FROM_MS, WICK_COLD_FROM_MS + 90_000)) {
        const a = rehearsed.step(venue, events, prices, atMs, atMs);
        const b = plain.step(venue, events, prices, atMs, atMs);
        expect(a).toEqual(b);
        for (const save of a.saves) pushes += save.pushes.length;
      }
      expect(pushes).toBeGreaterThan(0);
      // Once a venue: a second load of the venue's devices rehearses nothing more.
      rehearsed.load(wickDeviceLoads(venue, 2), WICK_COLD_FROM_MS + 90_000);
      const told = log.lines.filter((l) => l.message === 'rehearsed a crash');
      expect(told.map((l) => l.fields.venue)).toEqual([venue]);
      expect(told[0]!.fields.devices).toBe(REHEARSAL_DEVICES);
    });
  }
});
