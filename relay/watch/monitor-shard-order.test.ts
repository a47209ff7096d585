import { describe, expect, it } from 'vitest';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import { epochMs, price } from '../../shared/units/units.ts';
import { scenarioMarket, type MarketCoin } from '../../tools/market-paths/scenarios.ts';
import { COIN_LISTINGS } from '../../tools/simulator/market/coins.ts';
import { binanceDemoAccountJson, demoAccountJson } from '../../tools/test-support/replay-documents.ts';
import { silentLog } from '../relay-log.ts';
import { monitorShard, type FeedPrices, type ShareSave, type StepResult } from './monitor-shard.ts';

/**
 * The order of a batch's steps and its parts: the monitors that may have crossed a tier first (their
 * saves handed on as a part as soon as they are stepped), then those that left only their forecast
 * band, then those due at the calm cadence; and the order never changes a decision.
 */
const T = 1_764_000_100_000;

/**
 * A Binance share of these devices' accounts (saved at every step, calm cadence 1 s, parts handed on
 * after the tier steps only), and a step of it: the batch's marks, the feed's prices after them.
 */
function binanceShare(accounts: Record<string, unknown>): (marks: Record<string, number>, atMs: number, parts: StepResult[]) => StepResult {
  const shard = monitorShard({ log: silentLog, staleAfterMs: 900_000, saveEveryMs: 0, calmEveryMs: 1_000, partEveryMs: Number.POSITIVE_INFINITY });
  shard.load(Object.entries(accounts).map(([deviceId, account]) => ({ deviceId, body: JSON.stringify({ takenAtMs: T - 60_000, accounts: [{ accountId: 'binance:main', account }] }), monitors: null })), 0);
  const feed = new Map<string, number>();
  return (marks, atMs, parts) => {
    const events: FeedEvent[] = Object.entries(marks).map(([symbol, p]) => {
      feed.set(symbol, p);
      return { kind: 'venue', event: { kind: 'mark', symbol, price: price(p), time: epochMs(atMs), source: 'mark' } };
    });
    const prices: FeedPrices = { marks: [...feed].map(([s, p]) => [s, { price: price(p), time: epochMs(atMs) }] as const), mids: [], funding: [] };
    return shard.step('binance', events, prices, atMs - T, atMs - T, (part) => parts.push(part));
  };
}

describe('monitorShard: the order of a batch', () => {
  it('steps tier-band leavers first and hands their saves on at once, then forecast-band leavers, then calm ones', () => {
    const demo = binanceDemoAccountJson() as { walletBalance: number; positions: { symbol: string }[] };
    const accounts: Record<string, unknown> = {
      // Loaded first: in the share's index (and so in the old order) it comes first.
      calm: { ...demo, positions: demo.positions.filter((p) => p.symbol === 'SOLUSDT') },
      // BTC down 12 %: inside this one's tier band (its wallet is twice the demo's), outside its forecast band...
      forecast: { ...demo, walletBalance: demo.walletBalance * 2 },
      // ...and outside this one's (the demo's wallet x 0.8): a tier crossing.
      tier: { ...demo, walletBalance: demo.walletBalance * 0.8 },
    };
    const step = binanceShare(accounts);
    // No bands yet: all three may cross a tier, stepped in one part (handed on at once), nothing after it.
    const first: StepResult[] = [];
    expect(step({ SOLUSDT: 190, BTCUSDT: 97_000, ETHUSDT: 3_400 }, T, first)).toEqual({ stepped: 0, early: 0, held: 0, saves: [] });
    expect(first.map((p) => p.saves.map((s) => s.monitor.deviceId))).toEqual([['calm', 'forecast', 'tier']]);
    // A second later (each due at the calm cadence): SOL's mark moves a little, BTC's 12 %. In the
    // share's index the calm monitor comes first (loaded first, SOL's mark first in the batch).
    const parts: StepResult[] = [];
    const last = step({ SOLUSDT: 190.1, BTCUSDT: 85_000 }, T + 1_000, parts);
    expect(parts).toHaveLength(1);
    const tier = parts[0]!;
    expect(tier).toMatchObject({ stepped: 1, early: 1, held: 0 });
    expect(tier.saves.map((s) => [s.monitor.deviceId, s.alertKinds])).toEqual([['tier', ['tier']]]);
    expect(last).toMatchObject({ stepped: 2, early: 1, held: 0 });
    expect(last.saves.map((s) => [s.monitor.deviceId, s.early])).toEqual([['forecast', true], ['calm', false]]);
    // Parts cross the worker boundary (postMessage): plain data.
    expect(structuredClone(parts)).toEqual(parts);
    expect(JSON.parse(JSON.stringify(parts))).toEqual(parts);
  });
});

describe('monitorShard: a mark out of the tier band that crosses nothing', () => {
  it('is stepped with the forecast steps, after the crossings, and that step draws its band anew', () => {
    const demo = binanceDemoAccountJson() as { walletBalance: number };
    // BTC down 12 % takes both out of their tier bands; only the first (the demo's wallet x 0.8) crosses a level.
    const accounts = { tier: { ...demo, walletBalance: demo.walletBalance * 0.8 }, wide: { ...demo, walletBalance: demo.walletBalance * 1.3 } };
    const step = binanceShare(accounts);
    step({ SOLUSDT: 190, BTCUSDT: 97_000, ETHUSDT: 3_400 }, T, []);
    const parts: StepResult[] = [];
    const last = step({ BTCUSDT: 85_000 }, T + 1_000, parts);
    // The first part (handed on at once) is the crossing alone; the other band leaver comes after it, early all the same.
    expect(parts.map((p) => [p.stepped, p.saves.map((s) => s.monitor.deviceId)])).toEqual([[1, ['tier']]]);
    expect(last).toMatchObject({ stepped: 1, early: 1 });
    expect(last.saves.map((s) => s.monitor.deviceId)).toEqual(['wide']);
    // Half a second later (not due at the calm cadence), the same mark: inside both monitors' new bands, nothing to step.
    expect(step({ BTCUSDT: 85_000 }, T + 1_500, [])).toMatchObject({ stepped: 0, held: 2 });
  });
});

/** The relay bench's devices in miniature: the venue's demo account scaled per device. */
function deviceAccount(i: number, venue: VenueId): Record<string, unknown> {
  const demo = demoAccountJson(venue) as { walletBalance: number; positions: { qty: number; entryPrice: number; leverage: number; marginMode: string }[] };
  const scale = 0.3 + ((i * 7919) % 1000) / 600;
  const positions = demo.positions.map((p) => ({ ...p, qty: p.qty * scale, ...(p.marginMode === 'isolated' ? { isolatedMargin: (p.qty * scale * p.entryPrice) / p.leverage } : {}) }));
  return { ...demo, walletBalance: demo.walletBalance * scale * (0.9 + ((i * 31) % 20) / 100), positions };
}

const MIN = 60_000;
const T0 = 1_764_000_000_000;
const market = scenarioMarket('wick', { startMs: T0, stepMs: 100, durationMs: 13 * MIN, seed: 7 });
const COINS = Object.keys(market) as MarketCoin[];

/**
 * A share of `devices` through the simulator's wick at OKX's mark rate, loaded in the given order (the
 * order of its index, and so of the steps within each class); with `parts`, every save handed on in a
 * part of its own. Per batch: the saves in the order they were handed on, and the batch's counts.
 */
function throughTheWick(order: readonly number[], parts: boolean): { saves: ShareSave[][]; counts: [number, number, number][] } {
  const venue: VenueId = 'okx';
  const shard = monitorShard({ log: silentLog, staleAfterMs: 1e12, saveEveryMs: 60_000, calmEveryMs: 5_000, partEveryMs: 0 });
  const from = T0 + 9.75 * MIN;
  shard.load(order.map((i) => ({ deviceId: `d${i}`, body: JSON.stringify({ takenAtMs: T0, accounts: [{ accountId: `${venue}:main`, account: deviceAccount(i, venue) }] }), monitors: null })), from);
  const saves: ShareSave[][] = [];
  const counts: [number, number, number][] = [];
  for (let t = from; t < T0 + 12.5 * MIN; t += 200) {
    const at = (coin: MarketCoin): number => market[coin][Math.floor((t - T0) / 100)]!.price;
    const symbol = (coin: MarketCoin): string => COIN_LISTINGS[coin][venue];
    const events: FeedEvent[] = COINS.map((c) => ({ kind: 'venue', event: { kind: 'mark', symbol: symbol(c), price: price(at(c)), time: epochMs(t), source: 'mark' } }));
    const marks = COINS.map((c) => [symbol(c), { price: price(at(c)), time: epochMs(t) }] as const);
    // The parts as they are handed on, then the last one (what `step` returns).
    const inOrder: StepResult[] = [];
    inOrder.push(shard.step(venue, events, { marks, mids: [], funding: [] }, t, t, parts ? (part) => inOrder.push(part) : undefined));
    saves.push(inOrder.flatMap((p) => p.saves));
    counts.push(inOrder.reduce<[number, number, number]>(([s, e, h], p) => [s + p.stepped, e + p.early, h + p.held], [0, 0, 0]));
  }
  return { saves, counts };
}

describe('monitorShard: the order of the steps never changes a decision', () => {
  it('24 devices through the wick, indexed in one order and in the reverse, handed on whole and in a part per save: the same saves per device and batch', () => {
    const devices = Array.from({ length: 24 }, (_, i) => i);
    const forward = throughTheWick(devices, false);
    const reversed = throughTheWick([...devices].reverse(), true);
    const perDevice = (run: ShareSave[][]): Map<string, ShareSave> => new Map(run.flatMap((batch, b) => batch.map((s) => [`${b} ${s.monitor.deviceId}`, s] as const)));
    const a = perDevice(forward.saves);
    const b = perDevice(reversed.saves);
    // Not an empty proof: tier and forecast pushes, and batches of several saves stepped in another order.
    const kinds = new Set([...a.values()].flatMap((s) => s.alertKinds));
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['predictive', 'tier']));
    const orderOf = (run: ShareSave[][]): string[] => run.map((batch) => batch.map((s) => s.monitor.deviceId).join(','));
    expect(orderOf(reversed.saves).filter((o, i) => o !== orderOf(forward.saves)[i]).length).toBeGreaterThan(10);
    expect(b.size).toBe(a.size);
    for (const [key, save] of a) expect(b.get(key), key).toEqual(save);
    expect(reversed.counts).toEqual(forward.counts);
  });
});
