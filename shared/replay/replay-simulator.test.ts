import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DEMO_CREDENTIALS } from '../../tools/simulator/accounts/demo-credentials.ts';
import { startSimulator, type RunningSimulator } from '../../tools/simulator/start-simulator.ts';
import { accountJsonOf, type Series } from '../../tools/test-support/replay-documents.ts';
import { waitFor } from '../../tools/test-support/wait-for.ts';
import type { AlertDecision } from '../engine/alerts/alert-decision.ts';
import { nextDueAt } from '../engine/alerts/next-due-at.ts';
import { createMonitor, monitorStep, type Monitor, type MonitorInput } from '../engine/monitor/account-monitor.ts';
import { accountOf } from '../engine/positions/account-state.ts';
import { parseAccountInput } from '../exchanges/parse-account-input.ts';
import { defaultTakerFeeRate, marginModels, venueAdapters } from '../exchanges/venues.ts';
import { createFeed, type Feed } from '../feed/feed.ts';
import { webSocketFactory } from '../feed/websocket-factory.ts';
import { seededRandom } from '../../tools/market-paths/seeded-random.ts';
import { fetchHttp } from '../platform/fetch-http.ts';
import { systemClock } from '../platform/system-clock.ts';
import { webCryptoHmac } from '../platform/webcrypto-hmac.ts';
import { replay } from './replay.ts';
import { isFieldError } from '../units/field-error.ts';

/**
 * The test, end to end: the exchange simulator plays its `crash` scenario over real loopback
 * sockets, the real Binance adapter and feed deliver the demo account and its marks, and a monitor is
 * driven by those mark events one at a time, at the venue's event times (as a home will drive it; no
 * home wiring of feed to monitor exists yet, so the few lines of it are here). The marks it was given
 * are recorded as a replay document; replaying that document raises the same alerts, ids and times.
 * Liquidations are off in the simulator: the replay plays positions on past liquidation, and so must
 * the account the live side watches.
 */
const START = 1_760_000_000_000;
const CRASH_SECONDS = 40 * 60;

let sim: RunningSimulator | undefined;
let feed: Feed | undefined;
afterEach(async () => {
  feed?.stop();
  await sim?.close();
  sim = feed = undefined;
});

const line = ({ t, decision: d }: { t: number; decision: AlertDecision }): string | null =>
  d.kind === 'notify' ? `${t} ${d.alert.kind} ${d.alert.id} #${d.alert.reminder}` : d.kind === 'resolve' ? `${t} resolve ${d.id}` : null;

describe('replay of what the live feed delivered', () => {
  it('Binance, crash: the monitor fed by the simulator and the replay of its marks raise the same alerts', async () => {
    const s = await startSimulator({ port: 0, seed: 3, scenario: 'crash', manualClock: true, startMs: START, liquidations: false });
    sim = s;
    let monitor: Monitor | null = null;
    const log: Array<{ t: number; decision: AlertDecision }> = [];
    const recorded: Series = [];
    const step = (input: MonitorInput, t: number): void => {
      if (monitor === null) return;
      const next = monitorStep(monitor, input, t);
      monitor = next.monitor;
      for (const decision of next.decisions) log.push({ t, decision });
    };
    const c = DEMO_CREDENTIALS.binance;
    feed = createFeed({
      adapter: venueAdapters.binance,
      endpoints: { rest: `${s.url}/binance`, ws: `${s.wsUrl}/binance` },
      access: { apiKey: c.apiKey, apiSecret: c.secret },
      socketFactory: webSocketFactory(WebSocket),
      clock: systemClock,
      http: fetchHttp(3_000),
      hmac: webCryptoHmac(),
      random: seededRandom(5).next,
      backoff: { baseMs: 20, capMs: 300 },
      ackTimeoutMs: 3_000,
      onEvent: (e) => {
        if (monitor === null || e.kind !== 'venue' || e.event.kind !== 'mark' || e.event.source !== 'mark') return;
        const { symbol, price, time } = e.event;
        // Exchange time is the clock: reminders due before this mark fall due first, at their own time.
        for (let due = nextDueAt(monitor.state.alerts, monitor.state.now ?? time, monitor.config.policy); due !== null && due < time; due = nextDueAt(monitor.state.alerts, due, monitor.config.policy)) {
          step({ kind: 'clock' }, due);
        }
        recorded.push([time, { [symbol]: price }]);
        step({ kind: 'marks', marks: { [symbol]: price } }, time);
      },
    });
    feed.start();
    const live = feed;
    const view = await waitFor('the demo account with its brackets', () => {
      const v = accountOf(live.state(), { takerFeeRate: defaultTakerFeeRate.binance });
      return v.ok && v.account.positions.length === 3 ? v.account : undefined;
    });
    monitor = createMonitor({ account: view, model: marginModels.binance, options: { accountId: 'binance:sim' } });
    const startedAt = s.clock.now();
    for (let second = 0; second < CRASH_SECONDS; second += 1) s.advance(1_000);
    const end = startedAt + CRASH_SECONDS * 1_000;
    await waitFor('every mark of the crash', () => ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'].every((sym) => recorded.some(([t, m]) => t >= end && m[sym] !== undefined)), 30_000);

    // The account as a home would write it down, round-tripping through the calc format unchanged.
    const accountJson = accountJsonOf(view);
    const reread = parseAccountInput(accountJson);
    expect(isFieldError(reread) ? reread : reread.account).toEqual(view);

    const replayed = replay({ account: accountJson, accountId: 'binance:sim', ticks: recorded });
    if (isFieldError(replayed)) throw new Error(`${replayed.field}: ${replayed.message}`);
    const fromLive = log.map(line).filter((l): l is string => l !== null);
    const fromReplay = replayed.alerts.map((a) => (a.kind === 'resolve' ? `${a.t} resolve ${a.id}` : `${a.t} ${a.kind} ${a.id} #${a.reminder}`));
    expect(replayed.liquidatedAt).not.toBeNull();
    expect(fromLive.some((l) => l.includes(' tier '))).toBe(true);
    expect(fromReplay).toEqual(fromLive);
  }, 90_000);
});
