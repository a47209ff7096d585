import { expect, it } from 'vitest';
import { VENUE_IDS } from '../../shared/engine/positions/account.ts';
import { venueAdapters } from '../../shared/exchanges/venues.ts';
import { WORKER_KEEPALIVE_MS, workerTiming } from './worker-timing.ts';

it("every venue's app-level ping comes at most 20 s apart in the worker, with the venue's own frame", () => {
  for (const venue of VENUE_IDS) {
    const own = venueAdapters[venue].timing.heartbeat;
    const hb = workerTiming(venueAdapters[venue].timing).heartbeat ?? own;
    if (hb === null) {
      expect(venue).toBe('binance'); // no app-level ping: its mark stream carries the worker
      continue;
    }
    expect(hb.intervalMs).toBeLessThanOrEqual(WORKER_KEEPALIVE_MS);
    expect(hb.frame(1)).toBe(own!.frame(1));
    expect(hb.mode).toBe(own!.mode);
  }
  expect(workerTiming(venueAdapters.hyperliquid.timing).heartbeat?.intervalMs).toBe(20_000);
});
