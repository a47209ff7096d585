import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DEMO_CREDENTIALS } from '../../tools/simulator/accounts/demo-credentials.ts';
import { COIN_LISTINGS } from '../../tools/simulator/market/coins.ts';
import { startSimulator, type RunningSimulator } from '../../tools/simulator/start-simulator.ts';
import type { SimulatorOptions } from '../../tools/simulator/sim-options.ts';
import { waitFor } from '../../tools/test-support/wait-for.ts';
import { accountOf } from '../engine/positions/account-state.ts';
import { VENUE_IDS, type VenueId } from '../engine/positions/account.ts';
import type { FeedEvent } from '../engine/positions/feed-notices.ts';
import { defaultTakerFeeRate, venueAdapters } from '../exchanges/venues.ts';
import { seededRandom } from '../../tools/market-paths/seeded-random.ts';
import { fetchHttp } from '../platform/fetch-http.ts';
import { systemClock } from '../platform/system-clock.ts';
import { webCryptoHmac } from '../platform/webcrypto-hmac.ts';
import type { VenueAccess, VenueTiming } from '../ports/venue-adapter.ts';
import { createFeed, type Feed } from './feed.ts';
import { webSocketFactory } from './websocket-factory.ts';

/**
 * The four adapters and the feed against the exchange simulator, over real loopback sockets: the
 * simulator's account (its `AccountBook`) is the truth the feed must reproduce through each venue's
 * REST snapshot and stream, across server-side disconnects and garbage frames.
 */
const c = DEMO_CREDENTIALS;
const ACCESS: Record<VenueId, VenueAccess> = {
  binance: { apiKey: c.binance.apiKey, apiSecret: c.binance.secret },
  bybit: { apiKey: c.bybit.apiKey, apiSecret: c.bybit.secret },
  okx: { apiKey: c.okx.apiKey, apiSecret: c.okx.secret, passphrase: c.okx.passphrase },
  hyperliquid: { address: c.hyperliquid.address },
};

let sim: RunningSimulator | undefined;
const feeds: Feed[] = [];
afterEach(async () => {
  feeds.splice(0).forEach((f) => f.stop());
  await sim?.close();
  sim = undefined;
});

async function simulator(options: SimulatorOptions): Promise<RunningSimulator> {
  sim = await startSimulator({ port: 0, seed: 3, ...options });
  return sim;
}

function feedFor(s: RunningSimulator, venue: VenueId, timing: Partial<VenueTiming> = {}): { feed: Feed; events: FeedEvent[] } {
  const events: FeedEvent[] = [];
  const feed = createFeed({
    adapter: venueAdapters[venue],
    endpoints: { rest: `${s.url}/${venue}`, ws: `${s.wsUrl}/${venue}` },
    access: ACCESS[venue],
    socketFactory: webSocketFactory(WebSocket),
    clock: systemClock,
    http: fetchHttp(3_000),
    hmac: webCryptoHmac(),
    random: seededRandom(5).next,
    backoff: { baseMs: 20, capMs: 300 },
    ackTimeoutMs: 3_000,
    timing,
    onEvent: (e) => events.push(e),
  });
  feed.start();
  feeds.push(feed);
  return { feed, events };
}

/** The simulator's own account, in the venue's symbols and base units. */
function bookView(s: RunningSimulator, venue: VenueId) {
  const book = s.books[venue];
  return {
    wallet: book.walletBalance,
    positions: book.positions
      .map((p) => ({ symbol: COIN_LISTINGS[p.coin][venue], side: p.side, qty: p.qty, marginMode: p.marginMode, isolatedMargin: p.marginMode === 'isolated' ? p.isolatedMargin : null }))
      .sort((a, b) => a.symbol.localeCompare(b.symbol)),
  };
}

/** The feed's account, same shape; undefined while incomplete. */
function feedView(feed: Feed, venue: VenueId) {
  const view = accountOf(feed.state(), { takerFeeRate: defaultTakerFeeRate[venue] });
  if (!view.ok) return undefined;
  return {
    wallet: view.account.walletBalance as number,
    positions: view.account.positions
      .map((p) => ({ symbol: p.symbol, side: p.side, qty: p.qty as number, marginMode: p.marginMode, isolatedMargin: p.isolatedMargin ?? null }))
      .sort((a, b) => a.symbol.localeCompare(b.symbol)),
  };
}

/** Same positions (symbol, side, mode; sizes and margins to the venues' printed decimals) and wallet. */
function matchesBook(feed: Feed, s: RunningSimulator, venue: VenueId): boolean {
  const mine = feedView(feed, venue);
  const truth = bookView(s, venue);
  if (mine === undefined || mine.positions.length !== truth.positions.length) return false;
  const close = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)));
  return (
    close(mine.wallet, truth.wallet) &&
    mine.positions.every((p, i) => {
      const t = truth.positions[i]!;
      return p.symbol === t.symbol && p.side === t.side && p.marginMode === t.marginMode && close(p.qty, t.qty) && close(p.isolatedMargin, t.isolatedMargin);
    })
  );
}

describe.each(VENUE_IDS)('%s adapter and feed against the simulator', (venue) => {
  it('REST snapshot plus stream give the simulator account; the crash then liquidates it through the stream alone', async () => {
    const s = await simulator({ scenario: 'crash', manualClock: true, startMs: 1_760_000_000_000 });
    const { feed } = feedFor(s, venue);
    await waitFor('the demo account', () => matchesBook(feed, s, venue) && feed.state().tiers.size >= 3);
    expect(feed.state().positions.size).toBe(3);
    const snapshots = feed.health().counters.snapshots;
    // 50 minutes of the crash, a minute at a time: every demo position is liquidated on the way.
    for (let minute = 0; minute < 50; minute += 1) s.advance(60_000);
    expect(bookView(s, venue).positions.length).toBeLessThan(3);
    await waitFor('the liquidations, streamed', () => matchesBook(feed, s, venue));
    expect(feed.health().counters.snapshots).toBe(snapshots);
    expect(feed.health().counters.malformed).toBe(0);
  }, 30_000);

  it('the next funding payment of every watched symbol arrives on the real wire, rate and time', async () => {
    const start = 1_760_000_000_000;
    const s = await simulator({ scenario: 'calm', manualClock: true, startMs: start });
    const { feed } = feedFor(s, venue);
    await waitFor('the demo account', () => matchesBook(feed, s, venue));
    // OKX pushes its funding-rate channel every 60 s of sim time; the others carry it with every mark.
    s.advance(60_000);
    const announced = () => [...feed.state().positions.values()].every((p) => feed.state().funding.get(p.symbol)?.nextTime !== undefined);
    await waitFor('a funding notice per position', announced);
    // Hyperliquid's frames carry no time: its next hour is counted from the receive time (the real clock).
    const from = venue === 'hyperliquid' ? Date.now() - 60_000 : start;
    const periodMs = venue === 'hyperliquid' ? 3_600_000 : 8 * 3_600_000;
    for (const p of feed.state().positions.values()) {
      const notice = feed.state().funding.get(p.symbol);
      expect(Math.abs(notice?.rate ?? 1)).toBeLessThan(0.001);
      expect(notice?.nextTime).toBeGreaterThan(from);
      expect((notice?.nextTime ?? Infinity) - from).toBeLessThanOrEqual(periodMs + 120_000);
    }
    expect(feed.health().counters.malformed).toBe(0);
  }, 30_000);

  it('the server drops the sockets again and again: reconnect, resubscribe, re-snapshot, nothing lost or doubled', async () => {
    const s = await simulator({ scenario: 'disconnects', timing: { disconnectMeanMs: 250 } });
    const { feed } = feedFor(s, venue);
    await waitFor('three snapshots', () => feed.health().counters.snapshots >= 3, 15_000);
    await waitFor('the demo account after reconnects', () => matchesBook(feed, s, venue), 10_000);
    expect(feed.health().counters.reconnects).toBeGreaterThanOrEqual(2);
    expect(s.stats().drops).toBeGreaterThanOrEqual(2);
    expect([...feed.state().positions.keys()].length).toBe(3);
    await waitFor('marks after the reconnects', () => [...feed.state().positions.values()].every((p) => feed.state().marks.has(p.symbol)), 10_000);
  }, 30_000);

  it('garbage frames are counted and skipped; the account stays right', async () => {
    const s = await simulator({ scenario: 'garbage', speed: 10, timing: { garbageRate: 0.5 } });
    const { feed } = feedFor(s, venue);
    await waitFor('garbage counted', () => feed.health().counters.malformed + feed.health().counters.dropped >= 5, 15_000);
    await waitFor('the demo account', () => matchesBook(feed, s, venue));
    for (const mark of feed.state().marks.values()) expect(Number.isFinite(mark.price) && mark.price > 0).toBe(true);
  }, 20_000);

  it('a silent server (sim time stopped) makes every followed mark stale', async () => {
    const s = await simulator({ scenario: 'calm', manualClock: true });
    const { feed, events } = feedFor(s, venue, { markStaleAfterMs: 500 });
    await waitFor('the demo account', () => matchesBook(feed, s, venue));
    const stale = await waitFor('stale notices for all three symbols', () => {
      const symbols = events.flatMap((e) => (e.kind === 'stale' ? e.symbols : []));
      return symbols.length >= 3 ? symbols : undefined;
    });
    expect([...stale].sort()).toEqual(bookView(s, venue).positions.map((p) => p.symbol));
  }, 30_000);
});

describe('Binance listenKey lifecycle against the simulator (keys live 60 minutes of sim time)', () => {
  const withKeepAlive = (ms: number) => ({ ...venueAdapters.binance, session: { ...venueAdapters.binance.session!, keepAliveMs: ms } });

  function binanceFeed(s: RunningSimulator, adapter = venueAdapters.binance): { feed: Feed; events: FeedEvent[] } {
    const events: FeedEvent[] = [];
    const feed = createFeed({
      adapter,
      endpoints: { rest: `${s.url}/binance`, ws: `${s.wsUrl}/binance` },
      access: ACCESS.binance,
      socketFactory: webSocketFactory(WebSocket),
      clock: systemClock,
      http: fetchHttp(3_000),
      hmac: webCryptoHmac(),
      random: seededRandom(9).next,
      backoff: { baseMs: 20, capMs: 300 },
      onEvent: (e) => events.push(e),
    });
    feed.start();
    feeds.push(feed);
    return { feed, events };
  }

  it('listenKeyExpired: a new key, a new socket, a new snapshot', async () => {
    const s = await simulator({ scenario: 'calm', manualClock: true });
    const { feed, events } = binanceFeed(s);
    await waitFor('the demo account', () => matchesBook(feed, s, 'binance'));
    s.advance(61 * 60_000);
    await waitFor('a second snapshot on a new key', () => feed.health().counters.snapshots >= 2);
    expect(events.some((e) => e.kind === 'venue' && e.event.kind === 'session-expired')).toBe(true);
    expect(events.filter((e) => e.kind === 'venue' && e.event.kind === 'session').length).toBe(2);
    await waitFor('the demo account again', () => matchesBook(feed, s, 'binance'));
  }, 30_000);

  it('keep-alive PUTs extend the key past its 60 minutes', async () => {
    const s = await simulator({ scenario: 'calm', manualClock: true });
    const { feed, events } = binanceFeed(s, withKeepAlive(100));
    await waitFor('the demo account', () => matchesBook(feed, s, 'binance'));
    for (let i = 0; i < 3; i += 1) {
      s.advance(45 * 60_000);
      // Give the keep-alive timer (every 100 ms real) time to run at this sim time.
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    // 135 sim minutes later: the first key still serves, the first snapshot was the only one.
    expect(events.some((e) => e.kind === 'venue' && e.event.kind === 'session-expired')).toBe(false);
    expect(events.filter((e) => e.kind === 'venue' && e.event.kind === 'session').length).toBe(1);
    expect(feed.health().counters.snapshots).toBe(1);
  }, 30_000);
});
