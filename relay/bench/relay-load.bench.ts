import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import { isScenarioName, SCENARIO_NAMES, type ScenarioName } from '../../tools/market-paths/scenarios.ts';
import { deviceScale, wickDeviceAccount } from '../../tools/test-support/wick-devices.ts';
import { silentLog } from '../relay-log.ts';
import { startRelay } from '../start-relay.ts';
import type { BatchReport } from '../watch/relay-watcher.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import { pushCostBench } from './push-cost.bench.ts';
import { wickStepsBench } from './wick-steps.bench.ts';
import { DEFAULT_PREPARE_AHEAD } from '../push/push-sender.ts';
import { publicMarkFeed } from '../watch/public-mark-feed.ts';
import { alertKeyOf, matchToReference, recordingFeed, referenceDecisions, type RelayDecision } from './every-mark-reference.ts';

/**
 * `npm run bench -- relay [--quick] [--sizes=1000,5000] [--workers=2] [--seconds=40] [--cold-pool] [--push-cost | --load-only]` (also
 * `npm run bench:relay`): first the CPU of one push (push-cost.bench.ts) and what the wick's monitor steps ask of the
 * cores (wick-steps.bench.ts; `--push-cost` stops after these), then the whole relay (startRelay: HTTP API, SQLite store, watcher, push sender)
 * on loopback, against the simulator (in a child process) on all four venues, marks at each venue's
 * real rate (Binance 1 s, Bybit 100 ms, OKX 200 ms, Hyperliquid ~500 ms), in two markets (`--markets=`):
 * `stress`, the crash at speed 60 (a 12 % fall over 45 market minutes played in 45 s: every second's
 * mark moves as far as a real minute's), and `flash`, the wick at real pace (8 % down within one real
 * minute and back within three; the window opens 15 s before it). N devices, 5 positions
 * each (the venue's demo account scaled per device, plus two isolated shorts; Binance devices hold
 * two of ~100 other perpetuals instead of the shorts, so symbols differ between devices), written
 * straight into the store, each with its own subscription at a local fake push service that checks
 * VAPID at once and decrypts every push after the run (tools/test-support/fake-push-process.ts, in a
 * child process too); a push refused or not decrypting fails the bench.
 *
 * Reported per run: frame → push received by the push service p50/p99, from the arrival of the frame
 * after which an every-mark reference could first decide it (every-mark-reference.ts: one device in
 * `--reference-every=10`, stepped on every delivery after the run; `--reference-dump=FILE` writes both
 * sides' decisions), with the reference's decisions the relay never queued; then the upper bound, from
 * the oldest frame its step was handed (held marks included); frame → batch committed p50/p99 (every batch), monitor
 * steps per second and CPU per step, CPU of the process and the busiest threads (share of one core),
 * each core's busy share (machine-wide: other work included), RSS, and the load average, because on a
 * shared machine wall-clock latencies count the time spent waiting for a core. Bounded: `seconds` of
 * marks per run after the relay has loaded; pushes not posted by then are counted and dropped.
 */
const argValue = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = process.argv.includes('--quick');
const sizes = argValue('sizes')?.split(',').map(Number) ?? (quick ? [1_000] : [1_000, 5_000, 10_000]);
const workerCounts = argValue('workers')?.split(',').map(Number) ?? [availableParallelism()];
/** A market the relay is measured in: a scenario, how fast it plays, and where the measured window opens. */
interface Market {
  readonly name: string;
  readonly scenario: ScenarioName;
  readonly speed: number;
  /** At the window's start the simulator jumps to this minute of the scenario; null: it plays on from its start. */
  readonly fromMin: number | null;
  readonly seconds: number;
  readonly what: string;
}
const MARKETS: Readonly<Record<string, Market>> = {
  stress: { name: 'stress', scenario: 'crash', speed: 60, fromMin: null, seconds: quick ? 25 : 40, what: "the simulator's crash at speed 60 (a 12 % fall over 45 market minutes in 45 s)" },
  flash: { name: 'flash', scenario: 'wick', speed: 1, fromMin: 9.75, seconds: 120, what: "the simulator's wick at real pace (8 % down within one minute and back within three; the window opens 15 s before it)" },
};
const customScenario = argValue('scenario');
if (customScenario !== undefined && !isScenarioName(customScenario)) throw new Error(`--scenario: one of ${SCENARIO_NAMES.join(', ')}`);
/** `--scenario`, `--speed` or `--from-min` make one market of their own (defaults: the stress market's). */
const markets: readonly Market[] =
  customScenario !== undefined || argValue('speed') !== undefined || argValue('from-min') !== undefined
    ? [{ name: 'custom', scenario: customScenario ?? 'crash', speed: Number(argValue('speed') ?? 60), fromMin: argValue('from-min') === undefined ? null : Number(argValue('from-min')), seconds: Number(argValue('seconds') ?? 40), what: 'as the flags say' }]
    : (argValue('markets')?.split(',') ?? (quick ? ['stress'] : ['stress', 'flash'])).map((name) => {
        const market = MARKETS[name];
        if (market === undefined) throw new Error(`--markets: ${Object.keys(MARKETS).join(', ')}`);
        return argValue('seconds') === undefined ? market : { ...market, seconds: Number(argValue('seconds')) };
      });
/** A monitor inside its tier band is stepped this often (relay/watch/monitor-shard.ts); 0: every batch. */
const calmEveryMs = Number(argValue('calm-every-ms') ?? 5_000);
/**
 * A relay that has been up for minutes holds its agreements made ahead (push-sender.ts: up to 5 a
 * device, 50,000 in all); one started 1.4 s before the window holds none. By default the window opens
 * once the pool is full or has stopped growing (bounded); `--cold-pool`: at once, as a relay just started.
 * Only a market that jumps to its window (flash) can wait: stress plays from its start, so it is cold.
 */
const coldPool = process.argv.includes('--cold-pool');
const POOL_WAIT_MS = 90_000;
/** The pool has stopped growing when it has not grown for this long. */
const POOL_STILL_MS = 5_000;
/** Per batch, at most about this long on calm monitors (relay-watcher.ts); Infinity: no limit. */
const calmBudgetMs = Number(argValue('calm-budget-ms') ?? 100);
/**
 * One device in this many is followed by the every-mark reference (every-mark-reference.ts), which
 * dates each of its pushes by the frame after which it was first possible; 0: no reference (the
 * headline is then the upper bound, from the oldest mark handed). Its cost is after the run.
 */
const referenceEvery = Number(argValue('reference-every') ?? 10);
if (!Number.isInteger(referenceEvery) || referenceEvery < 0) throw new Error('--reference-every: a whole number of devices, 0 for none');
/** A reference decision older than this before the relay batch's first frame is another episode's. */
const REFERENCE_LOOK_BACK_MS = 15_000;
/** Reference decisions this close to the window's end may be queued after it: not counted as missed. */
const REFERENCE_TAIL_MS = 15_000;
const STALE_AFTER_SEC = 7 * 86_400;

const VENUE_SHARE: readonly [VenueId, number][] = [
  ['binance', 0.4],
  ['bybit', 0.25],
  ['okx', 0.2],
  ['hyperliquid', 0.15],
];
const venueOf = (i: number): VenueId => {
  const x = ((i * 7919) % 1000) / 1000;
  let acc = 0;
  for (const [venue, share] of VENUE_SHARE) if (x < (acc += share)) return venue;
  return 'binance';
};

type Json = Record<string, unknown>;

/**
 * The wick's device (the venue's demo account scaled, plus two shorts: five positions); a Binance device
 * holds two of the other perpetuals instead of the shorts, so that devices differ in their symbols.
 */
function deviceAccount(i: number, venue: VenueId, extras: readonly { symbol: string; mark: number }[]): Json {
  const device = wickDeviceAccount(i, venue) as { positions: Json[] };
  if (venue !== 'binance' || extras.length < 2) return device;
  const positions = device.positions.slice(0, -2);
  const scale = deviceScale(i);
  // Small, cross, at their mark now (BTC's brackets: the tables are alike).
  let more: Json[] = [extras[i % extras.length]!, extras[(i * 13 + 7) % extras.length]!].map((x, k) => {
    const qty = (300 * scale) / x.mark;
    return { ...positions[0]!, symbol: x.symbol, side: k === 0 ? 'long' : 'short', marginMode: 'cross', leverage: 10, qty, entryPrice: x.mark, markPrice: x.mark };
  });
  // One perpetual drawn twice: the second short of the wick's device instead.
  if (more[0]!['symbol'] === more[1]!['symbol']) more = [more[0]!, device.positions.at(-1)!];
  return { ...device, positions: [...positions, ...more] };
}

const percentile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** CPU ticks per core (machine-wide) and per thread of this process, from /proc (Linux). */
function cpuTicks(): { cores: { busy: number; total: number }[]; threads: Map<string, { name: string; ticks: number }> } {
  const cores = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((l) => /^cpu\d/.test(l))
    .map((l) => {
      const f = l.split(/\s+/).slice(1).map(Number);
      const idle = (f[3] ?? 0) + (f[4] ?? 0);
      const total = f.reduce((a, b) => a + b, 0);
      return { busy: total - idle, total };
    });
  const threads = new Map<string, { name: string; ticks: number }>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(tid, { name, ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // The thread ended meanwhile.
    }
  }
  return { cores, threads };
}

/** The simulator in a process of its own (tools/test-support/simulator-process.ts), so that its CPU is not counted as the relay's. */
async function startSimulatorProcess(market: Market): Promise<{ url: string; jumpToMin(minute: number): Promise<void>; close(): Promise<void> }> {
  const child = fork(join(import.meta.dirname, '../../tools/test-support/simulator-process.ts'), [market.scenario, String(market.speed)], { execArgv: ['--import', 'tsx'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url?: string }) => m.url !== undefined && resolve(m.url));
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code})`)));
  });
  return {
    url,
    jumpToMin: (minute) =>
      new Promise<void>((resolve) => {
        child.once('message', () => resolve());
        child.send({ jumpToMin: minute });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send('close');
      }),
  };
}

interface PushServiceProcess {
  readonly subscriptions: readonly { endpoint: string; keys: { p256dh: string; auth: string } }[];
  readonly received: { subscriptionId: string; tag: string; receivedAtMs: number }[];
  /**
   * Stops the service, which then decrypts every push it accepted (after the measured window: the
   * decryption is the push service's work, not the relay's) and reports them; resolves with how many
   * requests it refused, pushes that did not decrypt included.
   */
  close(): Promise<number>;
}

/** The fake push service in a process of its own (its checks and decryption are not the relay's CPU). */
async function startPushServiceProcess(count: number): Promise<PushServiceProcess> {
  const child = fork(join(import.meta.dirname, '../../tools/test-support/fake-push-process.ts'), [String(count)], { execArgv: ['--import', 'tsx'] });
  const received: PushServiceProcess['received'] = [];
  let refused = 0;
  const subscriptions = await new Promise<PushServiceProcess['subscriptions']>((resolve, reject) => {
    child.on('message', (m: { subscriptions?: PushServiceProcess['subscriptions']; received?: PushServiceProcess['received']; refused?: number; reasons?: string[] }) => {
      if (m.subscriptions !== undefined) resolve(m.subscriptions);
      if (m.received !== undefined) received.push(...m.received);
      if (m.refused !== undefined) refused = m.refused;
      if (m.reasons !== undefined && m.reasons.length > 0) console.error(`the push service refused: ${m.reasons.join('; ')}`);
    });
    child.once('exit', (code) => reject(new Error(`the push service exited (${code})`)));
  });
  return {
    subscriptions,
    received,
    close: () =>
      new Promise<number>((resolve) => {
        child.once('disconnect', () => resolve(refused));
        child.send('close');
      }),
  };
}

async function run(devices: number, workers: number, market: Market): Promise<void> {
  const { seconds } = market;
  const dir = mkdtempSync(join(tmpdir(), 'relay-bench-'));
  const sim = await startSimulatorProcess(market);
  const service = await startPushServiceProcess(devices);
  const index = (await (await fetch(`${sim.url}/binance/fapi/v1/premiumIndex`)).json()) as { symbol: string; markPrice: string }[];
  const extras = index
    .filter((x) => !['BTCUSDT', 'ETHUSDT', 'SOLUSDT'].includes(x.symbol))
    .slice(0, 100)
    .map((x) => ({ symbol: x.symbol, mark: Number(x.markPrice) }));
  const store = openSqliteStore(join(dir, 'relay.sqlite'));
  const now = Date.now();
  const deviceOfSubscription = new Map<string, string>();
  const sampledBodies = new Map<string, string>();
  for (let i = 0; i < devices; i += 1) {
    const id = `bench-${i}`;
    const subscription = service.subscriptions[i]!;
    deviceOfSubscription.set(subscription.endpoint.split('/').pop()!, id);
    await store.createDevice({ id, tokenHash: 'x', createdAtMs: now, subscription: JSON.stringify(subscription), vapidJwk: null, subject: 'mailto:bench@margin-sentry.test' });
    const venue = venueOf(i);
    const body = JSON.stringify({ takenAtMs: now, accounts: [{ accountId: `${venue}:main`, account: deviceAccount(i, venue, extras) }] });
    await store.putSnapshot({ deviceId: id, body, receivedAtMs: now });
    if (referenceEvery > 0 && i % referenceEvery === 0) sampledBodies.set(id, body);
  }
  await store.close();

  const reports: BatchReport[] = [];
  const loadStart = performance.now();
  const loadedAtMs = Date.now();
  const recording = recordingFeed(publicMarkFeed(sim.url));
  // The relay's own threads are the ones it starts: the sender's first, the monitors' last (start-relay.ts).
  const threadsBefore = new Set(cpuTicks().threads.keys());
  const relay = await startRelay(
    { port: 0, host: '127.0.0.1', dataDir: dir, store: 'sqlite', shard: null, workers, staleAfterSec: STALE_AFTER_SEC, calmEveryMs, calmBudgetMs, bodyLimitBytes: 65_536, venuesFrom: sim.url },
    { log: silentLog, clock: Date.now, fetch: globalThis.fetch, drainEveryMs: 1_000, onBatch: (r) => reports.push(r), ...(referenceEvery > 0 ? { openFeed: recording.openFeed } : {}) },
  );
  const loadMs = performance.now() - loadStart;
  const started = [...cpuTicks().threads.keys()].filter((tid) => !threadsBefore.has(tid)).sort((a, b) => Number(a) - Number(b));
  // (Two more start between them, unnamed: they do little. The busy unnamed ones in a burst were there
  // before the relay: V8's platform threads, its GC helpers and concurrent compiles, shared by every isolate.)
  const monitorTids = started.slice(-workers);
  const threadNames = new Map<string, string>(workers === 0 ? [] : [[started[0]!, 'sender'], ...monitorTids.map((tid, i) => [tid, `monitors ${i + 1}`] as [string, string])]);
  threadNames.set(String(process.pid), 'main');
  const counts = relay.watcher.counts();
  // The sender reports its pool after each drain (one a second): waited for until it is full or still.
  const poolFull = Math.min(DEFAULT_PREPARE_AHEAD.room, devices * DEFAULT_PREPARE_AHEAD.perDevice);
  const poolStart = performance.now();
  // A market played from its start (stress) cannot wait: its crash would pass meanwhile.
  const warmPool = !coldPool && market.fromMin !== null;
  if (warmPool) {
    let last = { waiting: -1, atMs: poolStart };
    while (performance.now() - poolStart < POOL_WAIT_MS) {
      const { waiting } = relay.pushAgreements();
      if (waiting >= poolFull) break;
      if (waiting > last.waiting) last = { waiting, atMs: performance.now() };
      else if (performance.now() - last.atMs >= POOL_STILL_MS) break;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
  const poolWaitMs = performance.now() - poolStart;
  if (market.fromMin !== null) await sim.jumpToMin(market.fromMin);
  const load0 = loadavg()[0]!;
  const agreements0 = relay.pushAgreements();
  const cpu0 = process.cpuUsage();
  const ticks0 = cpuTicks();
  const t0 = Date.now();
  // The process's CPU at every 10 s of the run: the averages hide the burst, when the cores are busiest.
  const cpuAt: number[] = [];
  // And each thread's, to tell the monitor threads, the sender and V8's helpers apart in the burst.
  const ticksAt: ReturnType<typeof cpuTicks>['threads'][] = [];
  const sampler = setInterval(() => {
    const c = process.cpuUsage(cpu0);
    cpuAt.push((c.user + c.system) / 1000);
    ticksAt.push(cpuTicks().threads);
  }, 10_000);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  clearInterval(sampler);
  const cpu = process.cpuUsage(cpu0);
  const ticks1 = cpuTicks();
  const wallMs = Date.now() - t0;
  const mem = process.memoryUsage();
  const load1 = loadavg()[0]!;
  const agreements1 = relay.pushAgreements();
  // What became of the queued pushes by the end of the run (replaced: a newer one for the same Topic came first).
  const statuses = new Map<string, number>();
  // Pushes a newer one of their Topic replaced were never posted: left out of the frame → push matching,
  // which pairs a received push with the queued ones of its alert in order (a replaced reminder #0 would
  // otherwise lend its older frame to the #1 that was posted).
  const replaced = new Set<string>();
  for (let i = 0; i < devices; i += 1) {
    for (const p of await relay.store.pushes(`bench-${i}`)) {
      statuses.set(p.status, (statuses.get(p.status) ?? 0) + 1);
      if (p.status === 'replaced') replaced.add(`${p.deviceId} ${p.dedupeKey}`);
    }
  }
  // Bounded: what the sender has not posted by the end of the run is counted and dropped, not drained.
  const backlog = await relay.store.duePushes(Number.MAX_SAFE_INTEGER, 1_000_000, null);
  await relay.store.markPushes(backlog.map((p) => ({ id: p.id, status: 'refused', attempts: p.attempts, nextAtMs: Date.now() })));
  await relay.stop();
  const refused = await service.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });

  // Frame → push: each received push matched with the step that queued it (by device, alert id, in
  // order), from the oldest frame that step handed its monitor (an earlier batch's, for held marks).
  // The reference (sampled devices): each relay push of theirs, replaced ones included, paired with the
  // reference's decision of the same alert; its time is the causal frame's arrival.
  const referenceStart = performance.now();
  const reference = referenceEvery > 0 ? referenceDecisions(recording.groups, sampledBodies, loadedAtMs, STALE_AFTER_SEC * 1000) : [];
  const sampledPushes = reports.flatMap((r) => r.pushes.filter((p) => sampledBodies.has(p.deviceId)).map((p) => ({ p, r })));
  const relayDecisions: RelayDecision[] = sampledPushes.map(({ p, r }) => ({ deviceId: p.deviceId, key: alertKeyOf(p.dedupeKey), batchFirstEventAtMs: r.firstEventAtMs, handedAtMs: r.handedAtMs }));
  const matched = matchToReference(relayDecisions, reference, REFERENCE_LOOK_BACK_MS);
  const referenceAtOf = new Map(sampledPushes.map(({ p }, i) => [p, { atMs: matched.referenceAtMs[i] ?? null, ahead: matched.ahead[i] ?? false }]));
  const referenceMs = performance.now() - referenceStart;
  const frameOf = new Map<string, { atMs: number; kind: string; queuedAtMs: number; crossingBatchAtMs: number | null; early: boolean; sampled: boolean; batchAtMs: number; referenceAtMs: number | null; ahead: boolean }[]>();
  for (const r of reports) {
    for (const p of r.pushes) {
      if (replaced.has(`${p.deviceId} ${p.dedupeKey}`)) continue;
      const key = `${p.deviceId} ${p.dedupeKey.slice(0, p.dedupeKey.lastIndexOf('#'))}`;
      frameOf.set(key, [
        ...(frameOf.get(key) ?? []),
        { atMs: p.firstEventAtMs, kind: p.alertKind, queuedAtMs: r.doneAtMs, crossingBatchAtMs: p.early ? r.firstEventAtMs : null, early: p.early, sampled: sampledBodies.has(p.deviceId), batchAtMs: r.firstEventAtMs, referenceAtMs: referenceAtOf.get(p)?.atMs ?? null, ahead: referenceAtOf.get(p)?.ahead ?? false },
      ]);
    }
  }
  // Received pushes of sampled devices, from the reference's frame (or, where the relay decided what the
  // reference did not in the look-back, from the relay batch's first frame).
  const causal: number[] = [];
  const causalOf: Record<string, number[]> = { tier: [], predictive: [], stale: [] };
  let ahead = 0;
  let unpaired = 0;
  // The sender's part alone: from the batch's save (the push queued) to the push service's receipt.
  const queuedToPush: number[] = [];
  // A tier alert of a monitor stepped early: its band was left by a mark of this batch, and the marks it
  // held from earlier batches were inside the band (they crossed nothing), so the crossing's latency runs
  // from this batch's first frame. The strict figure above counts from the oldest held mark.
  const crossingToPush: number[] = [];
  // Likewise a forecast of a band-leaving step (its forecast band, since 2026-11-27 05:00 UTC, or the tier band).
  const forecastToPush: number[] = [];
  const toPush: number[] = [];
  const toPushOf: Record<string, number[]> = { tier: [], predictive: [], stale: [] };
  // Forecasts a calm step found (its marks inside both bands): moved by the drift of the odds' inputs or by time, late by up to the cadence.
  const calmForecasts: number[] = [];
  for (const push of service.received.filter((p) => p.receivedAtMs <= t0 + wallMs)) {
    const frames = frameOf.get(`${deviceOfSubscription.get(push.subscriptionId)} ${push.tag}`);
    const frame = frames?.shift();
    if (frame === undefined) continue;
    toPush.push(push.receivedAtMs - frame.atMs);
    queuedToPush.push(push.receivedAtMs - frame.queuedAtMs);
    if (frame.crossingBatchAtMs !== null && frame.kind === 'tier') crossingToPush.push(push.receivedAtMs - frame.crossingBatchAtMs);
    if (frame.crossingBatchAtMs !== null && frame.kind === 'predictive') forecastToPush.push(push.receivedAtMs - frame.crossingBatchAtMs);
    (toPushOf[frame.kind] ??= []).push(push.receivedAtMs - frame.atMs);
    if (frame.kind === 'predictive' && !frame.early) calmForecasts.push(push.receivedAtMs - frame.atMs);
    if (frame.sampled) {
      if (frame.ahead) ahead += 1;
      else if (frame.referenceAtMs === null) unpaired += 1;
      const ms = push.receivedAtMs - (frame.referenceAtMs ?? frame.batchAtMs);
      causal.push(ms);
      (causalOf[frame.kind] ??= []).push(ms);
    }
  }
  causal.sort((a, b) => a - b);
  for (const list of Object.values(causalOf)) list.sort((a, b) => a - b);
  // What the reference decided in the window (but its last seconds) that the relay never queued.
  const inWindow = (d: { atMs: number }): boolean => d.atMs >= t0 && d.atMs <= t0 + wallMs - REFERENCE_TAIL_MS;
  const missed = matched.missed.filter(inWindow);
  const folded = matched.folded.filter(inWindow);
  const missedOf = new Map<string, number>();
  for (const d of missed) missedOf.set(d.kind, (missedOf.get(d.kind) ?? 0) + 1);
  // Every decision of both, to look into (times relative to the window's start).
  const dumpTo = argValue('reference-dump');
  if (dumpTo !== undefined) {
    const rel = (ms: number | null): number | null => (ms === null ? null : ms - t0);
    // When each sampled push arrived: the first receipt of its tag for its device at or after its commit.
    const receipts = new Map<string, number[]>();
    for (const push of service.received) {
      const key = `${deviceOfSubscription.get(push.subscriptionId)} ${push.tag}`;
      receipts.set(key, [...(receipts.get(key) ?? []), push.receivedAtMs]);
    }
    const receivedAt = (deviceId: string, dedupeKey: string, afterMs: number): number | null =>
      receipts.get(`${deviceId} ${dedupeKey.slice(0, dedupeKey.lastIndexOf('#'))}`)?.find((ms) => ms >= afterMs) ?? null;
    const relay = sampledPushes.map(({ p, r }, i) => ({
      deviceId: p.deviceId,
      dedupeKey: p.dedupeKey,
      kind: p.alertKind,
      venue: r.venue,
      early: p.early,
      referenceAt: rel(matched.referenceAtMs[i] ?? null),
      batchFirstEventAt: rel(r.firstEventAtMs),
      handedAt: rel(r.handedAtMs),
      windowHeldMs: r.windowHeldMs,
      committedAt: rel(r.doneAtMs),
      receivedAt: rel(receivedAt(p.deviceId, p.dedupeKey, r.doneAtMs)),
    }));
    writeFileSync(dumpTo, JSON.stringify({ windowStartMs: t0, reference: reference.map((d) => ({ ...d, atMs: rel(d.atMs) })), relay, folded: matched.folded.map((d) => ({ ...d, atMs: rel(d.atMs) })), missed: matched.missed.map((d) => ({ ...d, atMs: rel(d.atMs) })) }));
  }
  toPush.sort((a, b) => a - b);
  queuedToPush.sort((a, b) => a - b);
  crossingToPush.sort((a, b) => a - b);
  forecastToPush.sort((a, b) => a - b);
  for (const list of Object.values(toPushOf)) list.sort((a, b) => a - b);
  // A share reports a batch in parts (relay-watcher.ts): the batch is committed with its last part.
  const inRun = reports.filter((r) => r.handedAtMs >= t0 && r.monitors > 0);
  const batchKey = (r: BatchReport): string => `${r.venue} ${r.share} ${r.handedAtMs}`;
  const stepping = new Set(inRun.map(batchKey));
  const batches = reports.filter((r) => r.last && stepping.has(batchKey(r)));
  const committed = batches.map((r) => r.doneAtMs - r.firstEventAtMs).sort((a, b) => a - b);
  // A tier alert's part: from the batch's first frame to the commit of its first part.
  const firstParts = reports.filter((r) => r.part === 0 && stepping.has(batchKey(r))).map((r) => r.doneAtMs - r.firstEventAtMs).sort((a, b) => a - b);
  // The lane's part: the 20 ms gather, the rest of the venue's window, and a share still busy with the batch before.
  const handed = batches.map((r) => r.handedAtMs - r.firstEventAtMs).sort((a, b) => a - b);
  // The venue window's part of that: the most a tier band (hand a crossing mark on at once) could save.
  const held = batches.map((r) => r.windowHeldMs).sort((a, b) => a - b);
  const steps = inRun.reduce((n, r) => n + r.monitors, 0);
  const earlySteps = inRun.reduce((n, r) => n + r.early, 0);
  // Every batch of the run, those in which no monitor was due or left its band included.
  const heldSteps = reports.filter((r) => r.handedAtMs >= t0).reduce((n, r) => n + r.held, 0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const tickMs = 1000 / 100; // USER_HZ
  const coreShares = ticks1.cores.map((c, i) => (100 * (c.busy - ticks0.cores[i]!.busy)) / Math.max(1, c.total - ticks0.cores[i]!.total));
  const threads = [...ticks1.threads]
    .map(([tid, t]) => ({ name: threadNames.get(tid) ?? `${t.name}:${tid}`, share: (100 * (t.ticks - (ticks0.threads.get(tid)?.ticks ?? 0)) * tickMs) / wallMs }))
    .filter((t) => t.share >= 3)
    .sort((a, b) => b.share - a.share);
  const mainShare = threads.find((t) => t.name === 'main')?.share ?? 0;
  // The queue over the run, per 10 s: pushes queued by the batches, and received by the push service.
  const buckets = Array.from({ length: Math.ceil(wallMs / 10_000) }, (_, i) => ({ queued: 0, received: 0, steps: 0, cpuMs: (cpuAt[i] ?? NaN) - (i === 0 ? 0 : (cpuAt[i - 1] ?? NaN)) }));
  for (const r of reports) {
    if (r.doneAtMs >= t0 && r.doneAtMs < t0 + wallMs) buckets[Math.floor((r.doneAtMs - t0) / 10_000)]!.queued += r.queued;
    if (r.handedAtMs >= t0 && r.handedAtMs < t0 + wallMs) buckets[Math.floor((r.handedAtMs - t0) / 10_000)]!.steps += r.monitors;
  }
  for (const p of service.received) if (p.receivedAtMs >= t0 && p.receivedAtMs < t0 + wallMs) buckets[Math.floor((p.receivedAtMs - t0) / 10_000)]!.received += 1;
  // The busiest 10 s, thread by thread (CPU seconds): the whole run's shares hide the burst.
  const busiest = buckets.reduce((best, b, i) => (Number.isFinite(b.cpuMs) && b.cpuMs > (buckets[best]?.cpuMs ?? -1) ? i : best), 0);
  const before = busiest === 0 ? ticks0.threads : ticksAt[busiest - 1];
  const inBusiest = [...(ticksAt[busiest] ?? new Map())]
    .map(([tid, t]) => ({ name: threadNames.get(tid) ?? `${t.name}:${tid}`, s: ((t.ticks - (before?.get(tid)?.ticks ?? 0)) * tickMs) / 1000 }))
    .filter((t) => t.s >= 0.1)
    .sort((a, b) => b.s - a.s);
  const pushesInRun = service.received.filter((p) => p.receivedAtMs >= t0 && p.receivedAtMs <= t0 + wallMs).length;
  const f = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : '-');
  console.log(
    [
      `${market.name}: ${String(devices).padStart(6)} devices ${String(devices * 5).padStart(6)} positions, ${workers} worker threads (${Object.entries(counts).map(([v, n]) => `${v} ${n}`).join(', ')})`,
      `  loaded in ${(loadMs / 1000).toFixed(1)} s; ${seconds} s of marks; load average ${load0.toFixed(1)} → ${load1.toFixed(1)} (${availableParallelism()} cores)`,
      referenceEvery > 0
        ? `  frame → push received, from the frame after which an every-mark reference could first decide it (1 device in ${referenceEvery}): p50 ${f(percentile(causal, 0.5))} ms, p99 ${f(percentile(causal, 0.99))} ms (${causal.length}; counted from the relay batch's first frame: ${ahead} the relay decided before the reference, ${unpaired} the reference never decided); ${Object.entries(causalOf).filter(([, l]) => l.length > 0).map(([kind, l]) => `${kind} p50 ${f(percentile(l, 0.5))} ms, p99 ${f(percentile(l, 0.99))} ms (${l.length})`).join('; ')}; reference decisions in the window the relay never queued: ${missed.length}${missed.length > 0 ? ` (${[...missedOf].map(([k, n]) => `${k} ${n}`).join(', ')})` : ''}, and ${folded.length} more folded into another alert of their subject by the relay batch that held their frame (a higher tier crossed by the next mark); the reference stepped ${recording.groups.length} deliveries in ${(referenceMs / 1000).toFixed(1)} s after the run`
        : '  (no every-mark reference: --reference-every=0)',
      `  frame → push received, from the oldest mark its step was handed (an upper bound: held marks inside the bands): p50 ${f(percentile(toPush, 0.5))} ms, p99 ${f(percentile(toPush, 0.99))} ms (${toPush.length} reported received in the run; ${reports.reduce((n, r) => n + r.queued, 0)} queued, ${backlog.length} of them still queued at its end, ${refused} refused)`,
      `  of which ${Object.entries(toPushOf).filter(([, l]) => l.length > 0).map(([kind, l]) => `${kind} alerts p50 ${f(percentile(l, 0.5))} ms, p99 ${f(percentile(l, 0.99))} ms (${l.length})`).join('; ')}; forecasts found by a calm step ${calmForecasts.length} (p50 ${f(percentile(calmForecasts.sort((a, b) => a - b), 0.5))} ms)`,
      `  queued → push received (the sender's part): p50 ${f(percentile(queuedToPush, 0.5))} ms, p99 ${f(percentile(queuedToPush, 0.99))} ms; tier alerts of band-leaving steps from their batch's first frame: p50 ${f(percentile(crossingToPush, 0.5))} ms, p99 ${f(percentile(crossingToPush, 0.99))} ms (${crossingToPush.length}); forecasts of band-leaving steps from their batch's first frame: p50 ${f(percentile(forecastToPush, 0.5))} ms, p99 ${f(percentile(forecastToPush, 0.99))} ms (${forecastToPush.length})`,
      `  per 10 s, pushes queued / received: ${buckets.map((b) => `${b.queued}/${b.received}`).join(', ')}`,
      `  per 10 s, monitor steps / process CPU (% of a core): ${buckets.map((b) => `${b.steps}/${f(b.cpuMs / 100)}`).join(', ')}`,
      `  pushes in the store at the end: ${[...statuses].map(([status, n]) => `${n} ${status}`).join(', ')}`,
      `  frame → batch committed: p50 ${f(percentile(committed, 0.5))} ms, p99 ${f(percentile(committed, 0.99))} ms (${batches.length} batches; their first part: p50 ${f(percentile(firstParts, 0.5))} ms, p99 ${f(percentile(firstParts, 0.99))} ms); of which frame → handed to its share (gather, window, busy share): p50 ${f(percentile(handed, 0.5))} ms, p99 ${f(percentile(handed, 0.99))} ms; held by the venue's window: p50 ${f(percentile(held, 0.5))} ms, p99 ${f(percentile(held, 0.99))} ms, max ${f(held.at(-1) ?? NaN)} ms`,
      `  calm cadence ${calmEveryMs} ms, budget ${calmBudgetMs} ms a batch: ${f(earlySteps / (wallMs / 1000))} steps/s early (a mark left the band, or no band yet), ${f(heldSteps / (wallMs / 1000))} monitors a second kept a batch's marks for a later step`,
      `  ${f(steps / (wallMs / 1000))} monitor steps/s, process CPU ${f((cpuMs / wallMs) * 100)} % of a core (${f((cpuMs * 1000) / Math.max(1, steps))} µs per step, pushes included)`,
      `  message agreements made ahead (push-sender.ts): ${!warmPool ? `cold pool (${coldPool ? '--cold-pool' : 'a market played from its start'}: the window opened once the relay had loaded)` : `waited ${(poolWaitMs / 1000).toFixed(1)} s for the pool (full: ${poolFull})`}; ${agreements0.waiting} waiting at the window's start, ${agreements1.taken - agreements0.taken} taken by pushes in it, ${agreements1.waiting} waiting at its end`,
      `  main thread (${workers > 0 ? 'feeds, store, saves; the push sender has a thread of its own' : 'feeds, store, push sender'}): ${pushesInRun === 0 ? '-' : ((mainShare * wallMs) / 100 / pushesInRun).toFixed(2)} ms of CPU per push posted in the run (${pushesInRun}), at most`,
      `  threads: ${threads.map((t) => `${t.name} ${f(t.share)} %`).join(', ')}; cores busy (machine-wide): ${coreShares.map((s) => `${f(s)} %`).join(', ')}`,
      `  busiest 10 s (the run's ${busiest * 10}-${busiest * 10 + 10} s; CPU seconds by thread; unnamed: V8's GC and compiler threads, shared by every isolate): ${inBusiest.map((t) => `${t.name} ${t.s.toFixed(1)} s`).join(', ')}`,
      `  RSS ${f(mem.rss / 2 ** 20)} MB, main heap ${f(mem.heapUsed / 2 ** 20)} MB`,
    ].join('\n'),
  );
  if (refused > 0) throw new Error(`the push service refused ${refused} requests (or could not decrypt them)`);
  if (service.received.length === 0) throw new Error('no push reached the push service');
}

console.log(`relay bench, ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (${availableParallelism()} cores)`);
if (!process.argv.includes('--load-only')) {
  await pushCostBench();
  await wickStepsBench(quick ? [50] : [100, 400]);
}
if (!process.argv.includes('--push-cost')) {
  for (const market of markets) {
    console.log(`relay load bench, market ${market.name}: ${market.what}, four venues at their mark rates, ${market.seconds} s per run`);
    for (const workers of workerCounts) for (const n of sizes) await run(n, workers, market);
  }
}
