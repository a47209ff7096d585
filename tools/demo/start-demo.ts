import { WebSocket } from 'ws';
import { DEFAULT_ALERT_POLICY } from '../../shared/engine/alerts/alert-ladder.ts';
import { isFeedNotice, liveMonitorBatch } from '../../shared/engine/monitor/live-batch.ts';
import { emptyLiveMonitor, type LiveMonitor } from '../../shared/engine/monitor/live-monitor.ts';
import { VENUE_IDS, type VenueId } from '../../shared/engine/positions/account.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import { defaultTakerFeeRate, venueAdapters } from '../../shared/exchanges/venues.ts';
import { createEventBatcher, type EventBatcher } from '../../shared/feed/event-batcher.ts';
import { createFeed, type Feed } from '../../shared/feed/feed.ts';
import { emptyAlertLog, logDecisions, type AlertLog } from '../../shared/protocol/alert-log.ts';
import { webSocketFactory } from '../../shared/feed/websocket-factory.ts';
import { seededRandom } from '../market-paths/seeded-random.ts';
import type { ScenarioName } from '../market-paths/scenarios.ts';
import { fetchHttp } from '../../shared/platform/fetch-http.ts';
import { systemClock } from '../../shared/platform/system-clock.ts';
import { webCryptoHmac } from '../../shared/platform/webcrypto-hmac.ts';
import { startSimulator, type RunningSimulator } from '../simulator/start-simulator.ts';
import { alertText } from './alert-text.ts';
import { DEMO_ACCESS } from './demo-access.ts';
import { journalEntries, type JournalEntry } from './journal.ts';
import { summaryLine, venueView, type DemoVenue, type VenueView } from './view-model.ts';
import { startViewer, type Viewer } from './viewer-server.ts';

/**
 * The demo's composition root: the exchange simulator, one feed per venue through the real adapters
 * (the simulator speaks each venue's own protocol at `<sim>/<venue>`), the live monitor on every batch of
 * feed events, and the viewer page, which shows the monitor's figures as protocol data (an account report
 * per venue). Nothing here computes a margin figure: it wires the shared code together.
 */
export interface DemoOptions {
  /** The viewer's port (default 8790; 0 = any free port). Falls back to a free port when taken. */
  readonly port?: number;
  /** The simulator's port (default 8780), with the same fallback. */
  readonly simPort?: number;
  readonly scenario?: ScenarioName;
  readonly speed?: number;
  readonly seed?: number;
  /**
   * The live monitor evaluates once per batch of feed events: what arrived within this window after
   * the first (default 100 ms, below every venue's mark interval; 0 = one task turn).
   */
  readonly batchMs?: number;
  /** How often the page gets a new snapshot (default 500 ms). */
  readonly refreshMs?: number;
  /** Where a one-line summary goes every `summaryEveryMs` (default: nowhere). */
  readonly log?: (line: string) => void;
  readonly summaryEveryMs?: number;
}

export interface DemoSnapshot {
  readonly scenario: ScenarioName;
  readonly speed: number;
  readonly simTime: number;
  readonly simulatorUrl: string;
  readonly venues: readonly VenueView[];
  /** The latest notable changes, oldest first. */
  readonly journal: readonly JournalEntry[];
}

export interface RunningDemo {
  readonly url: string;
  readonly simulatorUrl: string;
  snapshot(): DemoSnapshot;
  stop(): Promise<void>;
}

const JOURNAL_LENGTH = 60;

const isAddressInUse = (e: unknown): boolean => (e as { code?: unknown }).code === 'EADDRINUSE';

async function onPortOrAny<T>(port: number, start: (port: number) => Promise<T>): Promise<T> {
  try {
    return await start(port);
  } catch (e) {
    if (port !== 0 && isAddressInUse(e)) return start(0);
    throw e;
  }
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const scenario = options.scenario ?? 'crash';
  const speed = options.speed ?? 20;
  const seed = options.seed ?? 1;
  const sim: RunningSimulator = await onPortOrAny(options.simPort ?? 8780, (port) => startSimulator({ port, scenario, speed, seed }));
  let viewer: Viewer;
  try {
    viewer = await onPortOrAny(options.port ?? 8790, (port) => startViewer({ port }));
  } catch (e) {
    await sim.close();
    throw e;
  }
  const random = seededRandom(seed);
  // The live engine: the feed's events in batches through the account monitor (one evaluation per
  // batch), whose alerts join the journal.
  const lives = new Map<VenueId, LiveMonitor>(VENUE_IDS.map((v) => [v, emptyLiveMonitor]));
  const logs = new Map<VenueId, AlertLog>(VENUE_IDS.map((v) => [v, emptyAlertLog]));
  const demoVenue = (venue: VenueId): DemoVenue => ({
    accountId: `${venue}:demo`,
    model: venueAdapters[venue].margin,
    ladder: DEFAULT_ALERT_POLICY.ladder,
    takerFeeRate: defaultTakerFeeRate[venue],
  });
  let alerts: JournalEntry[] = [];
  const onBatch = (venue: VenueId, events: readonly FeedEvent[]) => {
    const feed = feeds.find((f) => f.state().venue === venue);
    if (feed === undefined) return;
    const step = liveMonitorBatch(lives.get(venue) ?? emptyLiveMonitor, events, feed.state(), {
      model: venueAdapters[venue].margin,
      takerFeeRate: defaultTakerFeeRate[venue],
      options: { accountId: `${venue}:demo` },
    });
    lives.set(venue, step.live);
    logs.set(venue, logDecisions(logs.get(venue) ?? emptyAlertLog, step.decisions));
    for (const d of step.decisions) {
      const text = alertText(d);
      if (text !== null && d.kind === 'notify') {
        alerts.push({ simTime: d.alert.t, venue, text, severity: d.alert.severity === 'critical' || d.alert.severity === 'liquidation' ? 'alarm' : 'warn' });
      }
    }
  };
  const batchers = new Map<VenueId, EventBatcher<FeedEvent>>(
    VENUE_IDS.map((venue) => [venue, createEventBatcher<FeedEvent>(systemClock, { windowMs: options.batchMs ?? 100, startsBatch: isFeedNotice }, (events) => onBatch(venue, events))]),
  );
  const feeds: readonly Feed[] = VENUE_IDS.map((venue) =>
    createFeed({
      adapter: venueAdapters[venue],
      endpoints: { rest: `${sim.url}/${venue}`, ws: `${sim.wsUrl}/${venue}` },
      access: DEMO_ACCESS[venue],
      socketFactory: webSocketFactory(WebSocket),
      clock: systemClock,
      http: fetchHttp(),
      hmac: webCryptoHmac(),
      random: random.next,
      onEvent: (event) => batchers.get(venue)?.push(event),
    }),
  );
  feeds.forEach((f) => f.start());

  let journal: readonly JournalEntry[] = [];
  let lastViews: readonly VenueView[] = [];
  const snapshot = (): DemoSnapshot => {
    const simTime = sim.clock.now();
    return {
      scenario,
      speed,
      simTime,
      simulatorUrl: sim.url,
      venues: feeds.map((f) => {
        const venue = f.state().venue;
        return venueView(f.state(), f.health(), lives.get(venue) ?? emptyLiveMonitor, logs.get(venue) ?? emptyAlertLog, demoVenue(venue), simTime);
      }),
      journal,
    };
  };
  const refresh = setInterval(() => {
    const next = snapshot();
    journal = [...journal, ...alerts, ...journalEntries(lastViews, next.venues, next.simTime)].slice(-JOURNAL_LENGTH);
    alerts = [];
    lastViews = next.venues;
    viewer.publish({ ...next, journal });
  }, options.refreshMs ?? 500);
  const log = options.log;
  const summary = log === undefined ? undefined : setInterval(() => log(summaryLine(snapshot().venues)), options.summaryEveryMs ?? 5_000);

  let stopping: Promise<void> | undefined;
  return {
    url: viewer.url,
    simulatorUrl: sim.url,
    snapshot,
    stop() {
      stopping ??= (async () => {
        clearInterval(refresh);
        if (summary !== undefined) clearInterval(summary);
        feeds.forEach((f) => f.stop());
        batchers.forEach((b) => b.stop());
        await viewer.close();
        await sim.close();
      })();
      return stopping;
    },
  };
}
