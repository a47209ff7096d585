import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';

/**
 * What the monitors' saves cost: a share of N devices (monitor-shard.ts, in this thread) stepped
 * through a synthetic crash (9 % down in a minute, back in the next, 4 minutes of marks a second),
 * then its saves written by the SQLite store, batch by batch as the watcher writes them. Prints bytes
 * per save, the CPU of JSON.stringify of what each save holds (the monitor thread's part) and of
 * `saveBatch` (the main thread's), per save, also in units of a same-run baseline: JSON.parse of one
 * fixed 8 KB document. `--aged`: every device restored from a whole snapshot whose history is full
 * (500 notices of the last 10 days), as a device kept for weeks. `--root=DIR` measures another
 * checkout's code (the tree before a change), with this file's driver.
 *
 *   npx tsx relay/bench/save-cost.bench.ts [--venue=binance] [--devices=200] [--aged] [--root=/work/main]
 */
const arg = (name: string): string | undefined => process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const root = resolve(arg('root') ?? join(import.meta.dirname, '../..'));
const venue = (arg('venue') ?? 'binance') as VenueId;
const devices = Number(arg('devices') ?? 200);
const aged = process.argv.includes('--aged');

// Loaded from `root`, so that the same driver measures two trees.
const { monitorShard } = (await import(`${root}/relay/watch/monitor-shard.ts`)) as typeof import('../watch/monitor-shard.ts');
const { silentLog } = (await import(`${root}/relay/relay-log.ts`)) as typeof import('../relay-log.ts');
const { demoAccountJson } = (await import(`${root}/tools/test-support/replay-documents.ts`)) as typeof import('../../tools/test-support/replay-documents.ts');
const { openSqliteStore } = (await import(`${root}/relay/store/sqlite-store.ts`)) as typeof import('../store/sqlite-store.ts');

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
type Demo = { positions: Record<string, unknown>[]; walletBalance: number };
const T0 = 1_770_000_000_000;
const accountId = `${venue}:main`;

const loads = Array.from({ length: devices }, (_, i) => {
  const demo = demoAccountJson(venue) as unknown as Demo;
  const scale = 0.3 + ((i * 7919) % 1000) / 600;
  demo.positions = demo.positions.map((p) => {
    const qty = (p['qty'] as number) * scale;
    return { ...p, qty, ...(p['marginMode'] === 'isolated' ? { isolatedMargin: (qty * (p['entryPrice'] as number)) / (p['leverage'] as number) } : {}) };
  });
  demo.walletBalance = demo.walletBalance * scale * (0.9 + ((i * 31) % 20) / 100);
  return { deviceId: `d${i}`, body: JSON.stringify({ takenAtMs: T0, accounts: [{ accountId, account: demo }] }), monitors: null as { accountId: string; state: string }[] | null };
});
const start = Object.fromEntries((demoAccountJson(venue) as unknown as Demo).positions.map((p) => [p['symbol'] as string, p['markPrice'] as number]));
const symbols = Object.keys(start);
const marksAt = (factor: number, t: number) => ({
  events: symbols.map((symbol): FeedEvent => ({ kind: 'venue', event: { kind: 'mark', symbol, price: start[symbol]! * factor, time: t, source: 'mark' } }) as FeedEvent),
  prices: { marks: symbols.map((symbol) => [symbol, { price: start[symbol]! * factor, time: t }] as const), mids: [], funding: [] },
});

if (aged) {
  // One monitor an hour into the fall, its history filled with copies of its last notice over 10 days.
  const probe = monitorShard({ log: silentLog, staleAfterMs: 1e12, saveEveryMs: 0, calmEveryMs: 5_000 });
  probe.load([loads[0]!], T0);
  const { events, prices } = marksAt(0.85, T0 - 3_600_000);
  const snapshot = JSON.parse(probe.step(venue, events, prices as never, T0 - 3_600_000, T0 - 3_600_000).saves[0]!.monitor.state!) as { state: { alerts: { history: { id: string; t: number }[] } } };
  const last = snapshot.state.alerts.history.at(-1);
  if (last === undefined) throw new Error('no notice to age');
  snapshot.state.alerts.history = Array.from({ length: 500 }, (_, i) => ({ ...last, id: `${last.id}-${i}`, t: T0 - 10 * 86_400_000 + i * 1_700_000 }));
  for (const l of loads) l.monitors = [{ accountId, state: JSON.stringify(snapshot) }];
}

const shard = monitorShard({ log: silentLog, staleAfterMs: 1e12, saveEveryMs: 60_000, calmEveryMs: 5_000 });
shard.load(loads, T0);
const batches: ReturnType<typeof shard.step>['saves'][] = [];
let stepMs = 0;
let steps = 0;
for (let s = 0; s < 240; s += 1) {
  const t = T0 + (s + 1) * 1_000;
  const { events, prices } = marksAt(s < 60 ? 1 - 0.0015 * s : s < 120 ? 0.91 + 0.0015 * (s - 60) : 1, t);
  const before = cpuMs();
  const r = shard.step(venue, events, prices as never, t, t);
  stepMs += cpuMs() - before;
  steps += r.stepped;
  if (r.saves.length > 0) batches.push(r.saves);
}
const saves = batches.flat();
// A save holds a whole snapshot or (since saves9) an alert part: whichever text it carries.
const textOf = (m: (typeof saves)[number]['monitor']): string => m.state ?? (m as { alerts?: string }).alerts ?? '';
const texts = saves.map((s) => textOf(s.monitor));
const objects = texts.map((x) => JSON.parse(x) as unknown);
const pushing = saves.filter((s) => s.pushes.length > 0);
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

const fixed = JSON.stringify(Array.from({ length: 4 }, () => demoAccountJson(venue)));
let baseMs = 0;
let stringifyMs = 0;
const ROUNDS = 5;
for (let r = 0; r < ROUNDS; r += 1) {
  let a = cpuMs();
  for (let i = 0; i < 2_000; i += 1) JSON.parse(fixed);
  baseMs += cpuMs() - a;
  a = cpuMs();
  for (const o of objects) JSON.stringify(o);
  stringifyMs += cpuMs() - a;
}
const baseUs = (1000 * baseMs) / (ROUNDS * 2_000);
const stringifyUs = (1000 * stringifyMs) / (ROUNDS * saves.length);

const dir = mkdtempSync(join(tmpdir(), 'save-cost-'));
let storeMs = 0;
const STORE_ROUNDS = 3;
for (let r = 0; r < STORE_ROUNDS; r += 1) {
  const store = openSqliteStore(join(dir, `r${r}.sqlite`));
  for (const l of loads) await store.createDevice({ id: l.deviceId, tokenHash: 'h', createdAtMs: 1, subscription: null, vapidJwk: null, subject: 'mailto:bench@margin-sentry.test' });
  const a = cpuMs();
  for (const b of batches) await store.saveBatch(b);
  storeMs += cpuMs() - a;
  await store.close();
}
rmSync(dir, { recursive: true, force: true });
const storeUs = (1000 * storeMs) / (STORE_ROUNDS * saves.length);

const f = (n: number, d = 1): string => n.toFixed(d);
console.log(`save cost, ${root}, ${venue}, ${devices} devices${aged ? ' (aged: 500-notice histories)' : ''}, load average ${(await import('node:os')).loadavg().map((x) => f(x)).join(' ')}`);
console.log(`  ${steps} steps, ${saves.length} saves (${pushing.length} with pushes): ${f(mean(texts.map((x) => x.length)), 0)} B a save, ${f(mean(pushing.map((s) => textOf(s.monitor).length)), 0)} B a pushing save`);
console.log(`  baseline: JSON.parse of a fixed ${fixed.length} B document, ${f(baseUs)} µs`);
console.log(`  monitor thread: step ${f((1000 * stepMs) / steps)} µs (${f((1000 * stepMs) / steps / baseUs, 2)} baselines), JSON.stringify ${f(stringifyUs)} µs a save (${f(stringifyUs / baseUs, 2)} baselines)`);
console.log(`  main thread: saveBatch ${f(storeUs)} µs a save (${f(storeUs / baseUs, 2)} baselines)`);
