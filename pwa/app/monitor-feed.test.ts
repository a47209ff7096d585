import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PageToWorker, WorkerToPage } from '../worker/worker-messages.ts';
import { startMonitorFeed, withTrailPoint } from './monitor-feed.ts';
import { tierAlertEntry } from '../../tools/test-support/tier-alert-entry.ts';

/**
 * The page's end of the monitor worker, in Node with a stand-in worker and a stand-in notification
 * API: the frames of one tick reach the page as a burst of messages (reports, then the alerts the
 * worker posts first since deferred-work.ts, and the other accounts' reports); each alert is handed to
 * showNotification as its message is read, and the screens hear of the burst once, after it (at most
 * every 100 ms).
 */
afterEach(() => vi.unstubAllGlobals());

const entry = tierAlertEntry({ subject: 'binance:demo:cross', tier: '0.9', tierName: 'Critical', severity: 'critical', riskRatio: 0.95, topUpUsdt: 400, markPrice: 95000 });

const report = (accountId: string, evaluatedAt: number): WorkerToPage =>
  ({ kind: 'report', report: { account: { accountId }, positions: [], evaluatedAt }, restored: false, savedAt: null, label: accountId }) as unknown as WorkerToPage;

describe('the monitor feed (page side)', () => {
  it("shows a burst's alert before the screens re-render, and re-renders once for the burst (at most every 100 ms)", async () => {
    const order: string[] = [];
    vi.stubGlobal('Notification', { permission: 'granted' });
    vi.stubGlobal('navigator', { serviceWorker: { ready: Promise.resolve({ showNotification: async (_title: string, o: { tag: string }) => void order.push(`show ${o.tag}`) }) } });
    let hear: (e: { data: WorkerToPage }) => void = () => undefined;
    const sent: PageToWorker[] = [];
    const worker = { postMessage: (m: PageToWorker) => void sent.push(m), addEventListener: (_type: string, l: (e: { data: WorkerToPage }) => void) => void (hear = l) };
    const feed = startMonitorFeed(worker as never, null, { simulatorOrigin: 'http://127.0.0.1:1', pageOrigin: 'http://127.0.0.1:2', vault: async () => 'no vault here', fetch: (async () => new Response('{}')) as never });
    feed.subscribe(() => order.push(`render ${feed.get().accounts.length} accounts, ${feed.get().alerts.length} alerts`));

    hear({ data: report('hyperliquid:demo', 1) });
    hear({ data: report('binance:demo', 1) });
    hear({ data: { kind: 'alert', accountId: 'binance:demo', label: 'Binance demo', entry, action: 'notify' } });
    hear({ data: report('okx:demo', 1) });
    // The page reads the rest of the burst (and resolves the registration) before the screens' turn.
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
    expect(order).toEqual([`show ${entry.id}`]);
    await new Promise((r) => setTimeout(r, 20));
    hear({ data: report('bybit:demo', 1) });
    expect(order).toEqual([`show ${entry.id}`]);
    await new Promise((r) => setTimeout(r, 150));
    expect(order).toEqual([`show ${entry.id}`, 'render 4 accounts, 1 alerts']);
    expect(feed.get().alerts.map((a) => a.entry.id)).toEqual([entry.id]);
  });
});

describe('a position\'s trail', () => {
  it('appends a newer report, replaces one at the same venue time (the chart ends at the figures), drops an older one', () => {
    let trail = withTrailPoint([], { t: 1_000, mark: 100, rho: 0.5 });
    trail = withTrailPoint(trail, { t: 2_000, mark: 99, rho: 0.6 });
    trail = withTrailPoint(trail, { t: 2_000, mark: 98, rho: 0.7 });
    expect(trail).toStrictEqual([
      { t: 1_000, mark: 100, rho: 0.5 },
      { t: 2_000, mark: 98, rho: 0.7 },
    ]);
    expect(withTrailPoint(trail, { t: 1_500, mark: 1, rho: null })).toBe(trail);
  });

  it('keeps the newest 2,000 points', () => {
    let trail: ReturnType<typeof withTrailPoint> = [];
    for (let t = 0; t < 2_100; t += 1) trail = withTrailPoint(trail, { t, mark: t, rho: null });
    expect(trail).toHaveLength(2_000);
    expect(trail[0]!.t).toBe(100);
    expect(trail.at(-1)!.t).toBe(2_099);
  });
});

