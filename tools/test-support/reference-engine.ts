import { WebSocket } from 'ws';
import type { AlertDecision } from '../../shared/engine/alerts/alert-decision.ts';
import { isFeedNotice, liveMonitorBatch } from '../../shared/engine/monitor/live-batch.ts';
import { emptyLiveMonitor, type LiveMonitor } from '../../shared/engine/monitor/live-monitor.ts';
import { isMarkLeavingBand, tierBand, type TierBand } from '../../shared/engine/monitor/tier-band.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import { defaultTakerFeeRate, venueAdapters } from '../../shared/exchanges/venues.ts';
import { createEventBatcher } from '../../shared/feed/event-batcher.ts';
import { createFeed, type Feed } from '../../shared/feed/feed.ts';
import { webSocketFactory } from '../../shared/feed/websocket-factory.ts';
import { fetchHttp } from '../../shared/platform/fetch-http.ts';
import { systemClock } from '../../shared/platform/system-clock.ts';
import { webCryptoHmac } from '../../shared/platform/webcrypto-hmac.ts';
import type { AccountReport } from '../../shared/protocol/account-report.ts';
import { accountReport } from '../../shared/protocol/account-report-builder.ts';
import { emptyAlertLog, logDecisions, type AlertLog } from '../../shared/protocol/alert-log.ts';
import { SIMULATOR_DEMO_ACCESS } from '../../shared/exchanges/simulator-access.ts';
import type { RunningSimulator } from '../simulator/start-simulator.ts';

/**
 * The engine run in the test process, beside the browser: its own feed to the same simulator and the
 * same live monitor on the same batched path, so the extension's notification and popup can be checked
 * against numbers the extension did not compute. Test-only (tests may import tools/).
 */

/** The extension's batch window (extension/background/account-watch.ts, BATCH_WINDOW_MS). */
const WINDOW_MS = 100;
export interface ReferenceEngine {
  readonly decisions: AlertDecision[];
  live(): LiveMonitor;
  report(now: number): AccountReport | null;
  stop(): void;
}

export function referenceEngine(sim: RunningSimulator, venue: VenueId): ReferenceEngine {
  let live = emptyLiveMonitor;
  let log: AlertLog = emptyAlertLog;
  const decisions: AlertDecision[] = [];
  let band: TierBand = {};
  const config = { model: venueAdapters[venue].margin, takerFeeRate: defaultTakerFeeRate[venue], options: { accountId: `${venue}:demo` } };
  const feed: Feed = createFeed({
    adapter: venueAdapters[venue],
    endpoints: { rest: `${sim.url}/${venue}`, ws: `${sim.wsUrl}/${venue}` },
    access: SIMULATOR_DEMO_ACCESS[venue],
    socketFactory: webSocketFactory(WebSocket),
    clock: systemClock,
    http: fetchHttp(),
    hmac: webCryptoHmac(),
    random: Math.random,
    onEvent: (event) => batcher.push(event),
  });
  // Batched as the extension batches (its window, its tier band), so both judge the same batches.
  const batcher = createEventBatcher<FeedEvent>(systemClock, { windowMs: WINDOW_MS, startsBatch: isFeedNotice, endsBatch: (e) => isMarkLeavingBand(band, e) }, (events) => {
    const step = liveMonitorBatch(live, events, feed.state(), config);
    live = step.live;
    band = tierBand(live.monitor);
    decisions.push(...step.decisions);
    log = logDecisions(log, step.decisions);
  });
  feed.start();
  return {
    decisions,
    live: () => live,
    report(now) {
      const m = live.monitor;
      if (m === null || m.view === null) return null;
      return accountReport({
        accountId: config.options.accountId,
        mode: 'demo',
        account: m.account,
        model: config.model,
        view: m.view,
        ladder: m.config.policy.ladder,
        alertState: m.state.alerts,
        alertLog: log,
        stale: m.state.stale,
        feed: null,
        now,
      });
    },
    stop: () => {
      feed.stop();
      batcher.stop();
    },
  };
}
