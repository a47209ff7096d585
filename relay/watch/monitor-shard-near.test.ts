import { describe, expect, it } from 'vitest';
import { DEFAULT_FORECAST_BAND, NEAR_EVERY_MS } from '../../shared/engine/monitor/forecast-band.ts';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import { VENUE_MARK_MS, WICK_T0, wickBatches, wickDeviceLoads } from '../../tools/test-support/wick-devices.ts';
import { silentLog } from '../relay-log.ts';
import { monitorShard, type ShardOptions } from './monitor-shard.ts';

/**
 * Odds near a forecast's threshold (forecast-band.ts, NEAR_EVERY_MS): the band is drawn at the exact
 * threshold, or (a pool's odds within its margin) not at all, and the monitor is due again within
 * NEAR_EVERY_MS, instead of every mark of it being stepped. Two shares of the same devices go through the
 * simulator's wick at each venue's mark rate, one with every mark near a threshold stepped (as before):
 * every tier push is the same, at the same batch; every forecast is pushed, at most LATER_MS and a batch
 * later; and the share steps its monitors less often.
 */
const MIN = 60_000;
/**
 * How much later a forecast may come. Not only the revisit (NEAR_EVERY_MS and a batch): a monitor stepped
 * less often estimates its volatility from fewer, coalesced marks, so a forecast that the estimates'
 * drift raises comes a little earlier or later either way (in this wick up to 2.2 s earlier and 2.0 s later
 * on OKX's lane).
 */
const LATER_MS = 2 * NEAR_EVERY_MS;

interface Pushed {
  readonly key: string;
  readonly kind: string;
  readonly atMs: number;
}

function throughTheWick(venue: VenueId, devices: number, fromMin: number, options: Partial<ShardOptions>): { steps: number; pushes: Pushed[] } {
  const shard = monitorShard({ log: silentLog, staleAfterMs: 1e12, saveEveryMs: 60_000, calmEveryMs: 5_000, ...options });
  const from = WICK_T0 + fromMin * MIN;
  shard.load(wickDeviceLoads(venue, devices), from);
  let steps = 0;
  /** Per device and kind, the n-th push: its alert ids carry their time, so pushes are matched by order. */
  const pushes: Pushed[] = [];
  const seen = new Map<string, number>();
  for (const { atMs: t, events, prices } of wickBatches(venue, from)) {
    const result = shard.step(venue, events, prices, t, t);
    steps += result.stepped;
    for (const save of result.saves) {
      save.pushes.forEach((push, j) => {
        const kind = save.alertKinds[j]!;
        const who = `${save.monitor.deviceId} ${kind}`;
        const n = seen.get(who) ?? 0;
        seen.set(who, n + 1);
        pushes.push({ key: `${who} ${n} reminder ${push.dedupeKey.split('#')[1]}`, kind, atMs: t });
      });
    }
  }
  return { steps, pushes };
}

describe('monitorShard: odds near a threshold are revisited within NEAR_EVERY_MS, not at every mark', () => {
  // Warm (a minute of calm before the wick, where odds near a threshold were stepped at every mark) and
  // cold (loaded 15 s before it, as the relay bench's flash market).
  for (const [fromMin, warmth] of [[9, 'warm'], [9.75, 'cold']] as const) {
    for (const venue of ['bybit', 'okx', 'hyperliquid', 'binance'] as const) {
      it(`${venue}, ${warmth}: the same pushes (tiers at the same batch, forecasts at most LATER_MS and a batch late), no more steps`, () => {
        const before = throughTheWick(venue, 24, fromMin, { forecastBand: { ...DEFAULT_FORECAST_BAND, nearEveryMs: Number.POSITIVE_INFINITY } });
        const after = throughTheWick(venue, 24, fromMin, {});
        expect(before.pushes.filter((p) => p.kind === 'predictive').length).toBeGreaterThan(0);
        // In a batch the share steps its monitors in no set order: compared as sets.
        const tiers = (x: typeof before): string[] => x.pushes.filter((p) => p.kind === 'tier').map((p) => `${p.key} at ${p.atMs}`).sort();
        expect(tiers(after)).toEqual(tiers(before));
        const late = new Map(after.pushes.map((p) => [p.key, p.atMs]));
        expect([...late.keys()].sort()).toEqual(before.pushes.map((p) => p.key).sort());
        for (const p of before.pushes) expect(late.get(p.key)! - p.atMs, p.key).toBeLessThanOrEqual(LATER_MS + VENUE_MARK_MS[venue]);
        expect(after.steps).toBeLessThanOrEqual(before.steps);
        if (venue === 'okx' || (warmth === 'warm' && venue !== 'binance')) expect(after.steps).toBeLessThan(before.steps);
      });
    }
  }
});
