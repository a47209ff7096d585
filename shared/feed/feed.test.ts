import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestVenue, type TestVenue } from '../../tools/test-support/hyperliquid-test-venue.ts';
import { waitFor } from '../../tools/test-support/wait-for.ts';
import { evaluateAccount } from '../engine/margin/evaluate-account.ts';
import { accountOf } from '../engine/positions/account-state.ts';
import type { FeedEvent } from '../engine/positions/feed-notices.ts';
import { hyperliquidAdapter } from '../exchanges/hyperliquid/adapter.ts';
import { fetchHttp } from '../platform/fetch-http.ts';
import { systemClock } from '../platform/system-clock.ts';
import { webCryptoHmac } from '../platform/webcrypto-hmac.ts';
import type { VenueTiming } from '../ports/venue-adapter.ts';
import { createFeed, type Feed } from './feed.ts';
import { seededRandom } from '../../tools/market-paths/seeded-random.ts';
import { webSocketFactory } from './websocket-factory.ts';

/**
 * The feed over real loopback sockets against a small Hyperliquid-speaking venue (test-support).
 * The simulator-backed integration tests (one per venue) live in feed-simulator.test.ts.
 */
let venue: TestVenue | undefined;
let feed: Feed | undefined;
afterEach(async () => {
  feed?.stop();
  await venue?.close();
  feed = venue = undefined;
});

function start(v: TestVenue, timing: Partial<VenueTiming> = {}, onEvent?: (e: FeedEvent) => void): { feed: Feed; events: FeedEvent[] } {
  const events: FeedEvent[] = [];
  const f = createFeed({
    adapter: hyperliquidAdapter,
    endpoints: v.endpoints,
    access: { address: '0x0000000000000000000000000000000000000001' },
    socketFactory: webSocketFactory(WebSocket),
    clock: systemClock,
    http: fetchHttp(2_000),
    hmac: webCryptoHmac(),
    random: seededRandom(7).next,
    backoff: { baseMs: 20, capMs: 200 },
    timing: { markStaleAfterMs: 400, ...timing },
    onEvent: (e) => {
      events.push(e);
      onEvent?.(e);
    },
  });
  f.start();
  feed = f;
  return { feed: f, events };
}

const positionKeys = (f: Feed) => [...f.state().positions.values()].map((p) => `${p.key} ${p.side} ${p.qty}`).sort();

describe('feed against a loopback venue', () => {
  it('snapshot plus stream give the venue positions, tiers and marks: an Account the engine evaluates', async () => {
    venue = await startTestVenue();
    venue.setPositions([{ coin: 'BTC', szi: 0.5, entryPx: 62_000 }, { coin: 'ETH', szi: -2, entryPx: 3_100, isolatedMargin: 300 }], false);
    const { feed: f, events } = start(venue);
    const view = await waitFor('a complete account', () => {
      const v = accountOf(f.state(), { takerFeeRate: 0.00045 });
      return v.ok && v.account.positions.every((p) => f.state().marks.has(p.symbol)) ? v : undefined;
    });
    expect(view.account.positions.map((p) => [p.symbol, p.side, p.qty, p.marginMode, p.isolatedMargin ?? null])).toEqual([
      ['BTC', 'long', 0.5, 'cross', null],
      ['ETH', 'short', 2, 'isolated', 300],
    ]);
    expect(view.account.walletBalance).toBeCloseTo(10_000, 9);
    expect(f.state().tiers.get('BTC')!.table.tiers.map((t) => t.mmr)).toEqual([1 / 80, 1 / 40]);
    expect(f.state().tiers.get('ETH')!.table.tiers.map((t) => t.mmr)).toEqual([1 / 50]);
    const risk = evaluateAccount(view.account, hyperliquidAdapter.margin);
    expect(risk.positions.every((p) => Number.isFinite(p.riskRatio))).toBe(true);
    expect(events.some((e) => e.kind === 'snapshot')).toBe(true);
    expect(venue.stats.subscriptions.sort()).toEqual(['activeAssetCtx:BTC', 'activeAssetCtx:ETH', 'clearinghouseState']);

    // The stream then moves the account: ETH closed, SOL-less BTC grown.
    venue.setPositions([{ coin: 'BTC', szi: 1.5, entryPx: 61_000 }], true);
    await waitFor('the pushed state', () => positionKeys(f).join() === 'BTC long 1.5');
  }, 30_000);

  it('after the server drops every socket: reconnect, resubscribe, re-snapshot; nothing lost or doubled', async () => {
    venue = await startTestVenue();
    venue.setPositions([{ coin: 'BTC', szi: 0.5, entryPx: 62_000 }], false);
    const { feed: f } = start(venue);
    await waitFor('first snapshot', () => f.health().counters.snapshots === 1 && f.health().connections.public === 'ready');
    // "ready" says the feed sent its subscription, not that the venue read it: the venue reads it on a
    // later turn of the event loop, and a drop before then discards it unread (6 runs in 21 with two
    // busy loops beside the test). Wait for the venue's own word before cutting the sockets.
    await waitFor('the venue registered the BTC subscription', () => venue!.stats.subscriptions.includes('activeAssetCtx:BTC'));
    const infoBefore = venue.stats.infoCalls;

    // While the sockets are down the account changes and nobody pushes it: only a re-snapshot can tell.
    venue.setSilent(true);
    venue.dropAllSockets();
    venue.setPositions([{ coin: 'ETH', szi: 3, entryPx: 3_000 }, { coin: 'BTC', szi: -0.25, entryPx: 63_000 }], false);
    venue.setSilent(false);

    await waitFor('second snapshot', () => f.health().counters.snapshots >= 2);
    expect(positionKeys(f)).toEqual(['BTC short 0.25', 'ETH long 3']);
    expect(venue.stats.infoCalls).toBeGreaterThan(infoBefore);
    expect(f.health().counters.reconnects).toBeGreaterThanOrEqual(2);
    // Resubscribed: marks of both symbols flow on the new public socket (a mark newer than the drop),
    // and the venue saw each symbol subscribed once per connection: BTC before and after, ETH after.
    const droppedAt = Date.now();
    await waitFor('BTC marks after the drop', () => (f.state().marks.get('BTC')?.time ?? 0) > droppedAt);
    await waitFor('ETH marks followed', () => f.state().marks.has('ETH'));
    const markSubscriptions = venue.stats.subscriptions.filter((s) => s.startsWith('activeAssetCtx:')).sort();
    expect(markSubscriptions).toEqual(['activeAssetCtx:BTC', 'activeAssetCtx:BTC', 'activeAssetCtx:ETH']);
  }, 30_000);

  it('a silent server makes marks stale and the silent sockets get replaced; marks coming back make them fresh', async () => {
    venue = await startTestVenue();
    venue.setPositions([{ coin: 'BTC', szi: 0.5, entryPx: 62_000 }], false);
    const { feed: f, events } = start(venue, { deadAfterMs: { public: 1_000, private: null } });
    await waitFor('marks flowing', () => f.state().marks.has('BTC'));
    const connectionsBefore = venue.stats.connections;
    venue.setSilent(true);
    const stale = await waitFor('a stale notice', () => events.find((e) => e.kind === 'stale'));
    expect(stale).toMatchObject({ kind: 'stale', symbols: ['BTC'] });
    expect(f.health().stale).toEqual(['BTC']);
    await waitFor('the silent public socket replaced', () => venue!.stats.connections > connectionsBefore);
    venue.setSilent(false);
    await waitFor('a fresh notice', () => events.find((e) => e.kind === 'fresh'));
    expect(f.health().stale).toEqual([]);
  }, 30_000);

  it('garbage frames are counted and skipped; the stream goes on', async () => {
    venue = await startTestVenue();
    venue.setPositions([{ coin: 'BTC', szi: 0.5, entryPx: 62_000 }], false);
    const { feed: f } = start(venue);
    await waitFor('marks flowing', () => f.state().marks.has('BTC'));
    const garbage = ['{"channel":"activeAssetCtx","data":{"coin":"BTC","ctx":{"markPx":"NaN"}}}', '{"channel":"activeAss', '\u0000\u0001', '{"channel":"unheardOf","data":1}', '[]'];
    for (const g of garbage) venue.sendRawToAll(g);
    await waitFor('garbage counted', () => f.health().counters.malformed >= 2 * 4 && f.health().counters.dropped >= 2);
    venue.setMark('BTC', 55_555);
    await waitFor('a good mark after the garbage', () => f.state().marks.get('BTC')?.price === 55_555);
    expect(Number.isFinite(f.state().marks.get('BTC')!.price)).toBe(true);
  }, 30_000);

  it('marks are folded in batches, yet the state a consumer reads holds every mark handed on so far', async () => {
    venue = await startTestVenue();
    venue.setPositions([{ coin: 'BTC', szi: 0.5, entryPx: 62_000 }], false);
    const seen: boolean[] = [];
    const { feed: f } = start(venue, {}, (e) => {
      if (e.kind === 'venue' && e.event.kind === 'mark' && e.event.source === 'mark') seen.push(f.state().marks.get(e.event.symbol)?.price === e.event.price);
    });
    await waitFor('a few marks', () => seen.length >= 3);
    venue.setMark('BTC', 55_555);
    await waitFor('the new mark', () => f.state().marks.get('BTC')?.price === 55_555);
    expect(seen.every(Boolean)).toBe(true);
  }, 30_000);

  it('sends the venue ping on an idle socket, and stops cleanly', async () => {
    venue = await startTestVenue();
    const { feed: f, events } = start(venue, { heartbeat: { frame: () => '{"method":"ping"}', mode: 'idle', intervalMs: 100 } });
    await waitFor('pings from the idle private socket', () => venue!.stats.pings >= 2);
    f.stop();
    const connections = venue.stats.connections;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(venue.stats.connections).toBe(connections);
    expect(events.filter((e) => e.kind === 'connection' && e.state === 'stopped').length).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('watch-only (no address): marks and tiers of the watched symbols, no private socket', async () => {
    venue = await startTestVenue();
    venue.setPositions([{ coin: 'ETH', szi: 1, entryPx: 3_000 }], false);
    const events: FeedEvent[] = [];
    feed = createFeed({
      adapter: hyperliquidAdapter,
      endpoints: venue.endpoints,
      access: {},
      watch: ['BTC'],
      socketFactory: webSocketFactory(WebSocket),
      clock: systemClock,
      http: fetchHttp(2_000),
      hmac: webCryptoHmac(),
      random: seededRandom(2).next,
      onEvent: (e) => events.push(e),
    });
    feed.start();
    const f = feed;
    await waitFor('BTC mark and tiers', () => f.state().marks.has('BTC') && f.state().tiers.has('BTC'));
    expect(venue.stats.subscriptions).toEqual(['activeAssetCtx:BTC']);
    expect(f.state().positions.size).toBe(0);
    expect(f.health().connections.private).toBe('stopped');
  }, 30_000);

  it('without an address and nothing to watch it says so instead of going quiet', async () => {
    venue = await startTestVenue();
    const events: FeedEvent[] = [];
    feed = createFeed({
      adapter: hyperliquidAdapter,
      endpoints: venue.endpoints,
      access: {},
      socketFactory: webSocketFactory(WebSocket),
      clock: systemClock,
      http: fetchHttp(),
      hmac: webCryptoHmac(),
      random: seededRandom(1).next,
      onEvent: (e) => events.push(e),
    });
    feed.start();
    expect(events).toEqual([expect.objectContaining({ kind: 'feed-error', stage: 'config' })]);
  });
});
