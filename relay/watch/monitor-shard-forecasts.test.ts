import { describe, expect, it } from 'vitest';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import { WICK_T0 } from '../../tools/test-support/wick-devices.ts';
import { wickSteps } from '../bench/wick-shard.bench.ts';
import type { ShardOptions } from './monitor-shard.ts';

/**
 * The bands decide nothing later: a share that steps a monitor only when a mark leaves its tier or
 * forecast band, or its forecast band's time is up (the estimates' next minute return, a funding
 * payment), and otherwise at the 5 s calm cadence, pushes what a share stepping every monitor at every
 * batch pushes, at the same batch: tiers and forecasts alike. The same devices go through the
 * simulator's wick at each venue's mark rate, warm and cold. Before the estimates' clock the banded
 * share's forecasts came up to 2.6 s late (Bybit, all of them) and its steps took each minute's return
 * from another tick than the every-batch share's.
 */
const MIN = 60_000;

interface Pushed {
  readonly key: string;
  readonly kind: string;
  readonly atMs: number;
}

function throughTheWick(venue: VenueId, devices: number, fromMin: number, options: Partial<ShardOptions>): { steps: number; pushes: Pushed[] } {
  let steps = 0;
  /** Per device and kind, the n-th push: its alert ids carry their time, so pushes are matched by order. */
  const pushes: Pushed[] = [];
  const seen = new Map<string, number>();
  for (const { atMs: t, result } of wickSteps(venue, devices, WICK_T0 + fromMin * MIN, { staleAfterMs: 1e12, ...options })) {
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

describe('monitorShard: the bands put no decision off', () => {
  // Warm (a minute of calm before the wick) and cold (loaded 15 s before it, as the relay bench's flash market).
  for (const [fromMin, warmth] of [[9, 'warm'], [9.75, 'cold']] as const) {
    for (const venue of ['bybit', 'okx', 'hyperliquid', 'binance'] as const) {
      it(`${venue}, ${warmth}: every push at the same batch as with every monitor stepped at every batch, in fewer steps`, () => {
        const every = throughTheWick(venue, 24, fromMin, { calmEveryMs: 0 });
        const banded = throughTheWick(venue, 24, fromMin, {});
        expect(every.pushes.filter((p) => p.kind === 'predictive').length).toBeGreaterThan(0);
        // In a batch the share steps its monitors in no set order: compared as sets.
        const at = (x: typeof every): string[] => x.pushes.map((p) => `${p.key} at ${p.atMs}`).sort();
        expect(at(banded)).toEqual(at(every));
        expect(banded.steps).toBeLessThan(every.steps / 2);
      });
    }
  }
});
