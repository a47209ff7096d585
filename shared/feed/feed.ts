import { applyVenueEvent, applyVenueEvents, emptyAccountState, positionSymbols, symbolsNeedingTiers, type AccountState } from '../engine/positions/account-state.ts';
import type { ConnectionState, FeedEvent, FeedHealth, FeedNotice, SocketName } from '../engine/positions/feed-notices.ts';
import type { VenueEvent } from '../engine/positions/venue-events.ts';
import type { Timer } from '../ports/clock.ts';
import type { ParseContext, VenueTiming } from '../ports/venue-adapter.ts';
import { DEFAULT_BACKOFF } from './backoff.ts';
import { emptyCounters, errorText, restCaller, type FeedCore, type FeedOptions } from './feed-core.ts';
import { createPrivateStream, type PrivateStream } from './private-stream.ts';
import { createSocketSession } from './socket-session.ts';

/**
 * A live feed for one venue account: marks on the public socket, the account on the private one
 * (private-stream.ts), tiers by REST, all folded into one `AccountState` with the reducer of
 * engine/positions/account-state.ts. Platform-free: the socket factory, clock, HTTP client, HMAC and
 * randomness come in through `FeedOptions`, so the same code runs in the extension worker, the PWA
 * and Node. It reports the health of the data (connections, stale marks, counters of malformed and
 * dropped frames) as events, because a watcher that goes blind must say so.
 */
export interface Feed {
  start(): void;
  /** Closes both sockets and cancels every timer; the state is kept. */
  stop(): void;
  /** Follows the marks of more symbols (positions' symbols are followed anyway). */
  watch(symbols: readonly string[]): void;
  state(): AccountState;
  health(): FeedHealth;
}

export type { FeedOptions } from './feed-core.ts';

const DEFAULT_TIER_MAX_AGE_MS = 60 * 60 * 1000;

export function createFeed(options: FeedOptions): Feed {
  const { adapter, access, clock } = options;
  const timing: VenueTiming = { ...adapter.timing, ...options.timing };
  const tierMaxAgeMs = options.tierMaxAgeMs ?? DEFAULT_TIER_MAX_AGE_MS;
  const counters = emptyCounters();
  const connections: Record<SocketName, ConnectionState> = { public: 'stopped', private: 'stopped' };
  let state = emptyAccountState(adapter.venue);
  // Marks not yet folded into `state`: folding one copies every symbol's price, so marks are folded
  // in a batch when the state is read (`current`), or when they pile up (no reader), not per frame.
  // `state` itself is exact for all but the marks (positions, tiers, contract sizes), which is what
  // the feed reads of it.
  let pendingMarks: VenueEvent[] = [];
  const current = (): AccountState => {
    if (pendingMarks.length > 0) {
      state = applyVenueEvents(state, pendingMarks);
      pendingMarks = [];
    }
    return state;
  };
  let running = false;
  let publicStarted = false;
  let requestId = 0;
  const followed = new Set<string>();
  let urlSymbols: readonly string[] = [];
  const lastMarkAt = new Map<string, number>();
  const followedSince = new Map<string, number>();
  const stale = new Set<string>();
  const tiersInFlight = new Set<string>();
  let staleTimer: Timer | null = null;
  let tierTimer: Timer | null = null;

  const emit = (event: FeedEvent): void => {
    try {
      options.onEvent(event);
    } catch {
      // A consumer's bug must not stop the feed that reports on the trader's money.
    }
  };

  const notice = (n: FeedNotice): void => {
    if (n.kind === 'connection') connections[n.socket] = n.state;
    emit(n);
  };

  // One lookup for the feed's life: a closure made per frame would be an allocation per frame.
  const contractSize = (symbol: string): number | undefined => state.contractSizes.get(symbol);
  const parseContext = (): ParseContext => ({ now: clock.now(), contractSize });

  function apply(events: readonly VenueEvent[]): void {
    let positionsChanged = false;
    for (const e of events) {
      if (e.kind === 'mark') {
        pendingMarks.push(e);
        if (pendingMarks.length >= Math.max(64, followed.size)) current();
      } else {
        state = applyVenueEvent(current(), e);
      }
      if (e.kind === 'mark' && e.source === 'mark') {
        lastMarkAt.set(e.symbol, clock.now());
        if (stale.delete(e.symbol)) notice({ kind: 'fresh', symbols: [e.symbol], time: clock.now() });
      }
      if (e.kind === 'positions') positionsChanged = true;
      if (e.kind !== 'pong') emit({ kind: 'venue', event: e });
    }
    if (positionsChanged) follow(positionSymbols(state));
  }

  function parseFrame(text: string | null): readonly VenueEvent[] {
    counters.framesIn += 1;
    if (text === null) {
      counters.dropped += 1;
      return [];
    }
    let result;
    try {
      result = adapter.parseFrame(text, parseContext());
    } catch {
      counters.malformed += 1;
      return [];
    }
    if (!result.ok) {
      if (result.error.reason === 'malformed') counters.malformed += 1;
      else counters.dropped += 1;
      return [];
    }
    counters.venueErrors += result.events.filter((e) => e.kind === 'venue-error').length;
    return result.events;
  }

  const base = { options, timing, counters, now: () => clock.now(), state: current, parseContext, apply, notice, parseFrame };
  const rest = restCaller(base);
  let setup: Promise<boolean> | null = null;
  const ensureSetup = (): Promise<boolean> => {
    setup ??= (async () => {
      const calls = await adapter.setupCalls(access, clock.now(), options.hmac);
      for (const call of calls) {
        const outcome = await rest(call);
        if (!('events' in outcome)) return false;
        apply(outcome.events);
      }
      return true;
    })().then(
      (ok) => {
        if (!ok) setup = null;
        return ok;
      },
      (e: unknown) => {
        setup = null;
        notice({ kind: 'feed-error', stage: 'config', message: `setup: ${errorText(e)}`, time: clock.now() });
        return false;
      },
    );
    return setup;
  };
  const core: FeedCore = { ...base, rest, ensureSetup };

  const publicSession = createSocketSession({
    name: 'public',
    url: () => {
      urlSymbols = [...followed];
      return Promise.resolve(adapter.publicUrl(options.endpoints.ws, urlSymbols));
    },
    factory: options.socketFactory,
    clock,
    random: options.random,
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    heartbeat: timing.heartbeat,
    deadAfterMs: timing.deadAfterMs.public,
    maxConnectionMs: timing.maxConnectionMs,
    count: (what) => {
      if (what === 'out') counters.framesOut += 1;
      else counters.reconnects += 1;
    },
    onState: (s, reason) => notice({ kind: 'connection', socket: 'public', state: s, reason, time: clock.now() }),
    onOpen: () => {
      const added = [...followed].filter((s) => !urlSymbols.includes(s));
      const frames = [...adapter.publicOpening(urlSymbols, ++requestId), ...(added.length > 0 ? adapter.subscribeMarks(added, ++requestId) : [])];
      for (const frame of frames) publicSession.send(frame);
      notice({ kind: 'connection', socket: 'public', state: 'ready', reason: `following ${followed.size} symbols`, time: clock.now() });
    },
    onText: (text) => {
      const events = parseFrame(text);
      if (events.some((e) => e.kind === 'mark')) publicSession.markHealthy();
      apply(events);
    },
  });

  const hasAccess = adapter.needs.every((k) => typeof access[k] === 'string' && access[k] !== '');
  const privateStream: PrivateStream | null = hasAccess
    ? createPrivateStream(core, () => {
        follow(positionSymbols(state));
        void refreshTiers();
      })
    : null;

  function follow(symbols: readonly string[]): void {
    const added = symbols.filter((s) => !followed.has(s));
    if (added.length === 0) return;
    for (const s of added) {
      followed.add(s);
      followedSince.set(s, clock.now());
    }
    if (!running) return;
    if (!publicStarted) {
      publicStarted = true;
      publicSession.start();
    } else if (publicSession.isOpen()) {
      for (const frame of adapter.subscribeMarks(added, ++requestId)) publicSession.send(frame);
    }
    void refreshTiers();
  }

  async function refreshTiers(): Promise<void> {
    const wanted = [...new Set([...followed, ...positionSymbols(state)])];
    const need = symbolsNeedingTiers(state, wanted, clock.now(), tierMaxAgeMs).filter((s) => !tiersInFlight.has(s));
    if (need.length === 0 || !running) return;
    for (const s of need) tiersInFlight.add(s);
    try {
      if (!(await ensureSetup())) return;
      const calls = await adapter.tierCalls(need, access, clock.now(), options.hmac);
      for (const call of calls) {
        const outcome = await core.rest(call);
        if ('events' in outcome && running) apply(outcome.events);
      }
    } catch (e) {
      notice({ kind: 'feed-error', stage: 'config', message: `tiers: ${errorText(e)}`, time: clock.now() });
    } finally {
      for (const s of need) tiersInFlight.delete(s);
    }
  }

  function checkStale(): void {
    const now = clock.now();
    const newlyStale: string[] = [];
    for (const s of followed) {
      const last = lastMarkAt.get(s) ?? followedSince.get(s) ?? now;
      if (now - last > timing.markStaleAfterMs && !stale.has(s)) {
        stale.add(s);
        newlyStale.push(s);
      }
    }
    if (newlyStale.length > 0) notice({ kind: 'stale', symbols: newlyStale, time: now });
    staleTimer = clock.setTimer(Math.max(20, timing.markStaleAfterMs / 5), checkStale);
  }

  function tierTick(): void {
    void refreshTiers();
    tierTimer = clock.setTimer(Math.min(60_000, tierMaxAgeMs / 4), tierTick);
  }

  return {
    start() {
      if (running) return;
      running = true;
      if (privateStream === null && (options.watch ?? []).length === 0) {
        notice({ kind: 'feed-error', stage: 'config', message: `${adapter.venue}: no ${adapter.needs.join('/')} and nothing to watch`, time: clock.now() });
      }
      // Symbols added before start are followed now.
      const before = [...followed];
      followed.clear();
      follow([...before, ...(options.watch ?? [])]);
      privateStream?.start();
      staleTimer = clock.setTimer(Math.max(20, timing.markStaleAfterMs / 5), checkStale);
      tierTimer = clock.setTimer(Math.min(60_000, tierMaxAgeMs / 4), tierTick);
    },
    stop() {
      if (!running) return;
      running = false;
      staleTimer?.cancel();
      tierTimer?.cancel();
      privateStream?.stop();
      if (publicStarted) publicSession.stop();
      publicStarted = false;
    },
    watch: (symbols) => follow(symbols),
    state: current,
    health: () => ({ connections: { ...connections }, stale: [...stale].sort(), counters: { ...counters } }),
  };
}
