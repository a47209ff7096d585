import { describe, expect, it } from 'vitest';
import { emptyAccountState, type AccountState } from '../../shared/engine/positions/account-state.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import { epochMs, price } from '../../shared/units/units.ts';
import { binanceDemoAccountJson } from '../../tools/test-support/replay-documents.ts';
import { silentLog } from '../relay-log.ts';
import { monitorShard } from '../watch/monitor-shard.ts';
import type { MarkFeed } from '../watch/relay-watcher.ts';
import { alertKeyOf, matchToReference, recordingFeed, referenceDecisions, type DeliveredGroup, type ReferenceDecision, type RelayDecision } from './every-mark-reference.ts';

const T = 1_764_000_100_000;
const mark = (symbol: string, p: number, atMs: number): FeedEvent => ({ kind: 'venue', event: { kind: 'mark', symbol, price: price(p), time: epochMs(atMs), source: 'mark' } });

describe('the every-mark reference of the load bench', () => {
  it("keys an alert without its episode's start, keeping the reminder", () => {
    expect(alertKeyOf('binance:main:cross|tier|critical|1764000100000#0')).toBe('binance:main:cross|tier|critical#0');
    expect(alertKeyOf('okx:main:isolated:BTC-USDT-SWAP:short|predict|liquidation|1764000100200#2')).toBe('okx:main:isolated:BTC-USDT-SWAP:short|predict|liquidation#2');
    expect(alertKeyOf('bybit:main:feed|stale|1764000100000#1')).toBe('bybit:main:feed|stale#1');
  });

  it('records each synchronous delivery as one group, with the prices the feed held after it', async () => {
    let emit: (e: FeedEvent) => void = () => undefined;
    let states = 0;
    const inner = (_venue: string, _watch: readonly string[], onEvent: (e: FeedEvent) => void): MarkFeed => {
      emit = onEvent;
      return { start: () => undefined, stop: () => undefined, watch: () => undefined, state: () => ({ ...emptyAccountState('binance'), snapshotAt: epochMs((states += 1)) }) };
    };
    let now = 1_000;
    const recording = recordingFeed(inner, () => now);
    const seen: FeedEvent[] = [];
    recording.openFeed('binance', [], (e) => seen.push(e));
    emit(mark('BTCUSDT', 100, 1));
    emit(mark('ETHUSDT', 10, 1));
    await Promise.resolve();
    now = 2_000;
    emit(mark('BTCUSDT', 99, 2));
    await Promise.resolve();
    // The relay got every event, in order.
    expect(seen).toHaveLength(3);
    expect(recording.groups.map((g) => [g.atMs, g.events.length, g.state?.snapshotAt])).toEqual([
      [1_000, 2, 1],
      [2_000, 1, 2],
    ]);
  });

  it('dates a tier alert by the first delivery after which it was possible, and steps every delivery', () => {
    const body = JSON.stringify({ takenAtMs: T - 60_000, accounts: [{ accountId: 'binance:main', account: binanceDemoAccountJson() }] });
    const marks = new Map<string, { price: number; time: number }>();
    const groups: DeliveredGroup[] = [];
    const deliver = (atMs: number, prices: Record<string, number>): void => {
      const events = Object.entries(prices).map(([s, p]) => {
        marks.set(s, { price: p, time: atMs });
        return mark(s, p, atMs);
      });
      const state: AccountState = { ...emptyAccountState('binance'), marks: new Map([...marks].map(([s, m]) => [s, { price: price(m.price), time: epochMs(m.time) }])) };
      groups.push({ venue: 'binance', atMs: atMs + 5, events, state });
    };
    deliver(T, { BTCUSDT: 97_000, ETHUSDT: 3_400, SOLUSDT: 190 });
    // BTC slides 0.5 % a delivery: the account crosses its tiers somewhere in the slide.
    for (let k = 1; k <= 200; k += 1) deliver(T + k * 1_000, { BTCUSDT: 97_000 * (1 - 0.0005 * k), ETHUSDT: 3_400 * (1 - 0.0005 * k) });
    const all = referenceDecisions(groups, new Map([['dev', body]]), T, 900_000);
    const tier = all.filter((d) => d.kind === 'tier');
    expect(tier.length).toBeGreaterThan(0);
    const first = tier[0]!;
    expect(first.deviceId).toBe('dev');
    expect(first.key).toMatch(/^binance:main:cross\|tier\|[\d.]+#0$/);
    // Stepped on fewer deliveries (the prefix before the one that decided it), it has not decided it yet;
    // with that delivery, it has: the reference's date is the earliest possible one.
    const k = groups.findIndex((g) => g.atMs === first.atMs);
    expect(k).toBeGreaterThan(0);
    const before = referenceDecisions(groups.slice(0, k), new Map([['dev', body]]), T, 900_000);
    expect(before.some((d) => d.key === first.key)).toBe(false);
    const through = referenceDecisions(groups.slice(0, k + 1), new Map([['dev', body]]), T, 900_000);
    expect(through.some((d) => d.key === first.key && d.atMs === first.atMs)).toBe(true);
    // The relay's own shard (tier bands, calm cadence), handed every delivery too, dates every tier
    // alert of the slide at the same delivery: a band-leaving mark is stepped when it comes.
    const banded = monitorShard({ log: silentLog, staleAfterMs: 900_000, saveEveryMs: Number.POSITIVE_INFINITY, calmEveryMs: 5_000 });
    banded.load([{ deviceId: 'dev', body, monitors: null }], T);
    const bandedTier: string[] = [];
    for (const g of groups) {
      const prices = { marks: [...g.state!.marks], mids: [], funding: [] };
      for (const save of banded.step('binance', g.events, prices, g.atMs, g.atMs).saves) {
        save.pushes.forEach((p, i) => save.alertKinds[i] === 'tier' && bandedTier.push(`${alertKeyOf(p.dedupeKey)}@${g.atMs}`));
      }
    }
    expect(tier.length).toBeGreaterThan(1);
    expect(tier.map((d) => `${d.key}@${d.atMs}`)).toEqual(bandedTier);
  });

  it("pairs each relay push with the earliest reference decision it could have seen, and tells what the relay missed", () => {
    const ref = (deviceId: string, key: string, atMs: number): ReferenceDecision => ({ deviceId, key, kind: 'tier', atMs });
    const relay = (deviceId: string, key: string, batchFirstEventAtMs: number, handedAtMs: number): RelayDecision => ({ deviceId, key, batchFirstEventAtMs, handedAtMs });
    const reference = [
      ref('a', 'k#0', 1_000),
      ref('a', 'k#0', 50_000), // a second episode, 49 s later
      ref('b', 'k#0', 2_000),
      ref('c', 'k#0', 9_000), // after c's hand-off: the relay decided first
      ref('c', 'k#0', 40_000), // and this one is beyond the look-back after it
      ref('d', 'k#0', 1_000), // more than the look-back before d's batch: another episode
      ref('e', 'k#0', 30_000), // more than the look-back after e's hand-off: not the relay's
    ];
    const got = matchToReference(
      [relay('a', 'k#0', 49_000, 51_000), relay('a', 'k#0', 1_500, 2_500), relay('b', 'k#1', 2_000, 2_100), relay('c', 'k#0', 8_000, 8_500), relay('d', 'k#0', 30_000, 30_100), relay('e', 'k#0', 1_000, 1_100)],
      reference,
      15_000,
    );
    // Taken in hand-off order: a's first push takes the 1 s decision, its second the 50 s one.
    expect(got.referenceAtMs).toEqual([50_000, 1_000, null, null, null, null]);
    // c's relay decided 0.5 s before the reference: ahead, paired.
    expect(got.ahead).toEqual([false, false, false, true, false, false]);
    expect(got.missed.map((d) => `${d.deviceId}@${d.atMs}`).sort()).toEqual(['b@2000', 'c@40000', 'd@1000', 'e@30000']);
    expect(got.folded).toEqual([]);
  });

  it('tells a tier the relay folded into a higher one of the same batch from one it missed', () => {
    const ref = (deviceId: string, key: string, atMs: number): ReferenceDecision => ({ deviceId, key, kind: 'tier', atMs });
    // Two tiers crossed 2 ms apart: the relay's batch held both frames and pushed the higher.
    const reference = [ref('a', 'x:cross|tier|0.9#0', 61_027), ref('a', 'x:cross|tier|1#0', 61_029), ref('b', 'x:cross|tier|0.9#0', 61_027), ref('a', 'x:isolated:S:long|tier|0.9#0', 61_027)];
    // (The relay's watcher read the clock 1 ms after the recorder, for the same frame.)
    const got = matchToReference([{ deviceId: 'a', key: 'x:cross|tier|1#0', batchFirstEventAtMs: 61_028, handedAtMs: 61_048 }, { deviceId: 'b', key: 'x:cross|tier|1#0', batchFirstEventAtMs: 62_000, handedAtMs: 62_020 }], reference, 15_000);
    expect(got.referenceAtMs).toEqual([61_029, null]);
    expect(got.ahead).toEqual([false, false]);
    expect(got.folded).toEqual([reference[0]]);
    // b's batch did not hold the frame; another subject of a's is not folded into its cross pool's push.
    expect(got.missed).toEqual([reference[2], reference[3]]);
  });
});
