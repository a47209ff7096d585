import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMonitorSnapshot } from '../../shared/engine/monitor/parse-monitor-snapshot.ts';
import { webSocketFactory } from '../../shared/feed/websocket-factory.ts';
import { fetchHttp } from '../../shared/platform/fetch-http.ts';
import { systemClock } from '../../shared/platform/system-clock.ts';
import { webCryptoHmac } from '../../shared/platform/webcrypto-hmac.ts';
import type { AccountReport } from '../../shared/protocol/account-report.ts';
import type { AlertEntry } from '../../shared/protocol/alert-log.ts';
import { parseAlertLog } from '../../shared/protocol/parse-alert-log.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import { startSimulator, type RunningSimulator } from '../../tools/simulator/start-simulator.ts';
import { waitFor } from '../../tools/test-support/wait-for.ts';
import { evaluateAccount } from '../../shared/engine/margin/evaluate-account.ts';
import { parseAccountInput } from '../../shared/exchanges/parse-account-input.ts';
import { SIMULATOR_DEMO_ACCESS as DEMO_ACCESS } from '../../shared/exchanges/simulator-access.ts';
import { venueAdapters } from '../../shared/exchanges/venues.ts';
import { plainDataProblem } from '../platform/plain-data.ts';
import { pricesAtRho } from '../../tools/bench/crossing-prices.ts';
import { createAccountRunner, type AccountRunner, type RunnerPorts } from './account-runner.ts';

/** The worker's account runner in Node on the simulator (the same code the worker runs, with `ws`). */
let sim: RunningSimulator | undefined;
const runners: AccountRunner[] = [];
afterEach(async () => {
  runners.splice(0).forEach((r) => r.stop());
  await sim?.close();
});

const account = { id: 'binance:demo', venue: 'binance', mode: 'demo' } as const;
const ports = (s: RunningSimulator, venue: string, access: RunnerPorts['access']): RunnerPorts => ({
  endpoints: { rest: `${s.url}/${venue}`, ws: `${s.wsUrl}/${venue}` },
  access,
  socketFactory: webSocketFactory(WebSocket),
  clock: systemClock,
  http: fetchHttp(),
  hmac: webCryptoHmac(),
  random: () => 0.5,
});

describe('createAccountRunner', () => {
  it('posts plain reports and logged alerts through the crash, and saves a snapshot that parses back', async () => {
    const s = (sim = await startSimulator({ port: 0, scenario: 'crash', speed: 600, seed: 1 }));
    const reports: AccountReport[] = [];
    const alerts: Array<{ entry: AlertEntry; action: string }> = [];
    let decisions = 0;
    const runner = createAccountRunner(
      { account, options: {}, restored: null },
      ports(s, 'binance', DEMO_ACCESS.binance),
      { onReport: (r) => reports.push(r), onAlert: (entry, action) => alerts.push({ entry, action }), onDecisions: () => (decisions += 1) },
    );
    runners.push(runner);
    runner.start();
    // At 600x a batch spans a minute of market: tiers are skipped, but each notice carries its figures.
    await waitFor('a tier alert with a top-up, and a resolve', () => alerts.some((a) => a.entry.kind === 'tier' && a.entry.figures.topUpUsdt > 0) && alerts.some((a) => a.action === 'resolve'), 40_000);
    expect(decisions).toBeGreaterThan(0);
    for (const r of reports.slice(-20)) {
      expect(plainDataProblem(r)).toBeNull();
      expect(structuredClone(r)).toStrictEqual(r);
      expect(r.account.accountId).toBe('binance:demo');
    }
    for (const a of alerts) expect(plainDataProblem(a.entry)).toBeNull();
    // The top-up an alert carries is the report's for that subject at that moment's figures.
    const call = alerts.find((a) => a.entry.kind === 'tier' && a.entry.figures.topUpUsdt > 0)!;
    expect(call.entry.kind === 'tier' && call.entry.figures.topUpUsdt).toBeGreaterThan(0);

    const saved = runner.saved();
    const roundTrip = JSON.parse(JSON.stringify(saved)) as { monitor: unknown; log: unknown };
    const monitor = parseMonitorSnapshot(roundTrip.monitor);
    const log = parseAlertLog(roundTrip.log);
    expect(isFieldError(monitor) ? monitor : null).toBeNull();
    expect(isFieldError(log) ? log : null).toBeNull();
    expect(log).toStrictEqual(saved.log);
  }, 60_000);

  it("values a manual account's typed positions at the venue's public marks, with its typed tiers", async () => {
    const s = (sim = await startSimulator({ port: 0, scenario: 'crash', speed: 20, seed: 2 }));
    const input = parseAccountInput({
      exchange: 'bybit',
      walletBalance: 3000,
      positions: [
        { symbol: 'BTCUSDT', side: 'long', qty: 0.5, entryPrice: 60000, markPrice: 1, marginMode: 'cross', tiers: [{ floor: 0, mmr: 0.01 }] },
        { symbol: 'ETHUSDT', side: 'short', qty: 4, entryPrice: 2000, markPrice: 1, marginMode: 'cross', tiers: [{ floor: 0, mmr: 0.01 }] },
      ],
    });
    if (isFieldError(input)) throw new Error(input.message);
    const reports: AccountReport[] = [];
    const runner = createAccountRunner(
      { account: { id: 'bybit:plan-plan', venue: 'bybit', mode: 'manual' }, manual: input.account, options: {}, restored: null },
      ports(s, 'bybit', {}),
      { onReport: (r) => reports.push(r), onAlert: () => undefined, onDecisions: () => undefined },
    );
    runners.push(runner);
    runner.start();
    // The typed mark (1) is replaced by the simulator's for both symbols.
    await waitFor('a report at the venue marks', () => reports.some((r) => r.positions.length === 2 && r.positions.every((p) => p.markPrice > 100)), 20_000);
    const r = reports.filter((x) => x.positions.every((p) => p.markPrice > 100)).at(-1)!;
    expect(r.account.mode).toBe('manual');
    expect(r.positions.map((p) => p.key).sort()).toEqual(['BTCUSDT:long', 'ETHUSDT:short']);
    expect(plainDataProblem(r)).toBeNull();
    // rho is the engine's on the typed account at the marks the report shows.
    const marks = new Map(r.positions.map((p) => [p.symbol, p.markPrice]));
    const engine = evaluateAccount({ ...input.account, positions: input.account.positions.map((p) => ({ ...p, markPrice: marks.get(p.symbol)! })) }, venueAdapters.bybit.margin);
    expect(r.account.riskRatio).toBeCloseTo(engine.riskRatio, 9);
    expect(r.positions.find((p) => p.symbol === 'BTCUSDT')!.maintenanceMarginUsdt).toBeCloseTo(0.5 * marks.get('BTCUSDT')! * 0.01, 6);
  }, 40_000);

  it("with a later hook, hears a crossing's alerts in the batch and builds the report only when the queued job runs; same alerts as at once", async () => {
    // The latency bench's crossing (tools/bench/notification-latency.ts): the demo cross pool from rho 0.2 to 0.95, Critical.
    const s = (sim = await startSimulator({ port: 0, scenario: 'calm', seed: 1, manualClock: true, liquidations: false, startMs: Math.floor(Date.now() / 1000) * 1000 + 3_600_000 }));
    const down = pricesAtRho(s, 0.2);
    s.pinMarks(down);
    const jobs: Array<() => void> = [];
    const runJobs = (): void => jobs.splice(0).forEach((job) => job());
    const seen: string[] = [];
    const deferredAlerts: string[] = [];
    const atOnceAlerts: string[] = [];
    const deferred = createAccountRunner({ account, options: {}, restored: null }, ports(s, 'binance', DEMO_ACCESS.binance), {
      onReport: (r) => seen.push(`report ${r.evaluatedAt}`),
      onAlert: (entry, action) => {
        seen.push(`${action} ${entry.id}`);
        deferredAlerts.push(`${action} ${entry.id}`);
      },
      onDecisions: () => undefined,
      later: (job) => jobs.push(job),
    });
    const atOnce = createAccountRunner({ account, options: {}, restored: null }, ports(s, 'binance', DEMO_ACCESS.binance), {
      onReport: () => undefined,
      onAlert: (entry, action) => atOnceAlerts.push(`${action} ${entry.id}`),
      onDecisions: () => undefined,
    });
    runners.push(deferred, atOnce);
    deferred.start();
    atOnce.start();
    const feeding = setInterval(() => s.advance(1_000), 100);
    try {
      await waitFor('both runners with a whole account', () => deferred.report() !== null && atOnce.report() !== null, 20_000);
    } finally {
      clearInterval(feeding);
    }
    await new Promise((r) => setTimeout(r, 300));
    runJobs();
    expect(seen.some((x) => x.startsWith('report '))).toBe(true);
    seen.splice(0);

    s.advance(16 * 60_000);
    const up = pricesAtRho(s, 0.95);
    s.pinMarks(up);
    s.advance(1_000);
    const critical = await waitFor('the Critical notice', () => seen.find((x) => x.startsWith('notify binance:demo:cross|tier|0.9|')), 10_000);
    await waitFor('the same notice at once', () => atOnceAlerts.includes(critical), 10_000);
    await new Promise((r) => setTimeout(r, 300));
    // Every batch of the burst evaluated and its alerts heard, no report built yet: it waits for the queued job.
    expect(seen.filter((x) => x.startsWith('report '))).toEqual([]);
    expect(jobs.length).toBeGreaterThan(0);
    const now = deferred.report();
    runJobs();
    // A job reads the report when it runs: the newest, whichever batch queued it.
    expect(seen.filter((x) => x.startsWith('report ')).at(-1)).toBe(`report ${now!.evaluatedAt}`);

    // Back down: the notice resolved by both, the same decisions in the same order.
    s.pinMarks(pricesAtRho(s, 0.2));
    s.advance(1_000);
    await waitFor('the resolve', () => deferredAlerts.some((x) => x.startsWith('resolve binance:demo:cross|tier|0.9|')) && atOnceAlerts.some((x) => x.startsWith('resolve binance:demo:cross|tier|0.9|')), 10_000);
    const tiers = (xs: readonly string[]) => xs.filter((x) => x.includes('|tier|'));
    expect(tiers(deferredAlerts)).toEqual(tiers(atOnceAlerts));

    // Stopped while its report waited (removed, or edited and restarted): the job posts nothing.
    const before = seen.length;
    deferred.stop();
    runJobs();
    expect(seen.length).toBe(before);
  }, 60_000);
});
