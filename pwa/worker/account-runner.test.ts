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
import { DEMO_ACCOUNTS } from '../platform/app-settings.ts';
import { plainDataProblem } from '../platform/plain-data.ts';
import { createAccountRunner, type AccountRunner } from './account-runner.ts';
import { DEMO_ACCESS } from './demo-access.ts';

/** The worker's account runner in Node on the simulator (the same code the worker runs, with `ws`). */
let sim: RunningSimulator | undefined;
const runners: AccountRunner[] = [];
afterEach(async () => {
  runners.splice(0).forEach((r) => r.stop());
  await sim?.close();
});

const account = DEMO_ACCOUNTS.find((a) => a.venue === 'binance')!;

describe('createAccountRunner', () => {
  it('posts plain reports and logged alerts through the crash, and saves a snapshot that parses back', async () => {
    const s = (sim = await startSimulator({ port: 0, scenario: 'crash', speed: 600, seed: 1 }));
    const reports: AccountReport[] = [];
    const alerts: Array<{ entry: AlertEntry; action: string }> = [];
    let decisions = 0;
    const runner = createAccountRunner(
      { account, options: {}, restored: null },
      {
        endpoints: { rest: `${s.url}/binance`, ws: `${s.wsUrl}/binance` },
        access: DEMO_ACCESS.binance,
        socketFactory: webSocketFactory(WebSocket),
        clock: systemClock,
        http: fetchHttp(),
        hmac: webCryptoHmac(),
        random: () => 0.5,
      },
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
});
