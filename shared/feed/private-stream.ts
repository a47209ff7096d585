import type { VenueEvent } from '../engine/positions/venue-events.ts';
import type { Timer } from '../ports/clock.ts';
import type { PrivateOpening } from '../ports/venue-adapter.ts';
import { DEFAULT_BACKOFF } from './backoff.ts';
import { errorText, type FeedCore } from './feed-core.ts';
import { createSocketSession, type SocketSession } from './socket-session.ts';

/**
 * The account side of a feed: the private socket (authenticate, subscribe), then a REST snapshot,
 * then the stream. Stream events that arrive while the snapshot is in flight are held and applied
 * after it: each is a venue's full state of the slots it names, so replaying them in order over the
 * snapshot ends at the venue's current state, and a reconnect can neither lose nor double a position.
 * A Binance-style session token (listenKey) is created before connecting, kept alive on a timer and
 * replaced when the venue says it lapsed.
 */
type Phase = 'auth' | 'subscribing' | 'snapshot' | 'live';

interface Connection {
  phase: Phase;
  acksLeft: number;
  readonly held: VenueEvent[];
  opening: PrivateOpening | null;
  ackTimer: Timer | null;
}

const ACCOUNT_KINDS: ReadonlySet<VenueEvent['kind']> = new Set(['positions', 'balance', 'account-mode', 'margin-call']);

export interface PrivateStream {
  start(): void;
  stop(): void;
}

export function createPrivateStream(core: FeedCore, onSnapshot: () => void): PrivateStream {
  const { adapter, access, hmac } = core.options;
  const ackTimeoutMs = core.options.ackTimeoutMs ?? 10_000;
  let token: string | null = null;
  let keepAliveTimer: Timer | null = null;
  let conn: Connection | null = null;

  const fail = (stage: 'auth' | 'subscribe' | 'session' | 'config', message: string, reconnect: boolean) => {
    core.notice({ kind: 'feed-error', stage, message, time: core.now() });
    if (reconnect) session.restart(`${stage}: ${message}`);
  };

  async function url(): Promise<string> {
    if (!(await core.ensureSetup())) throw new Error('reference data (setup calls) unavailable');
    if (adapter.session !== null && token === null) {
      const outcome = await core.rest({ purpose: 'session-create', request: adapter.session.create(access) });
      const created = 'events' in outcome ? outcome.events.find((e) => e.kind === 'session') : undefined;
      if (created === undefined || created.kind !== 'session') throw new Error('no session token');
      core.apply([created]);
      token = created.token;
      armKeepAlive();
    }
    return adapter.privateUrl(core.options.endpoints.ws, access, token);
  }

  function armKeepAlive(): void {
    const rules = adapter.session;
    keepAliveTimer?.cancel();
    if (rules === null) return;
    keepAliveTimer = core.options.clock.setTimer(rules.keepAliveMs, () => {
      if (token === null) return;
      void core.rest({ purpose: 'session-keepalive', request: rules.keepAlive(access, token) }).then((outcome) => {
        if ('code' in outcome && outcome.code === rules.missingCode) {
          token = null;
          session.restart('session token no longer exists');
          return;
        }
        armKeepAlive();
      });
    });
  }

  function armAckTimer(c: Connection, what: 'auth' | 'subscribe'): void {
    c.ackTimer?.cancel();
    c.ackTimer = core.options.clock.setTimer(ackTimeoutMs, () => {
      if (conn === c && (c.phase === 'auth' || c.phase === 'subscribing')) fail(what, `no answer within ${ackTimeoutMs} ms`, true);
    });
  }

  function subscribe(c: Connection): void {
    const opening = c.opening;
    if (opening === null) return;
    c.phase = 'subscribing';
    c.acksLeft = opening.acks;
    for (const frame of opening.subscribe) session.send(frame);
    if (c.acksLeft <= 0) void snapshot(c);
    else armAckTimer(c, 'subscribe');
  }

  async function snapshot(c: Connection): Promise<void> {
    c.ackTimer?.cancel();
    c.phase = 'snapshot';
    let calls;
    try {
      calls = await adapter.snapshotCalls(access, core.now(), hmac);
    } catch (e) {
      return fail('config', errorText(e), true);
    }
    for (const call of calls) {
      const outcome = await core.rest(call);
      if (conn !== c) return;
      if (!('events' in outcome)) return void session.restart(`snapshot failed: ${outcome.failure}`);
      core.apply(outcome.events);
    }
    core.apply(c.held.splice(0));
    c.phase = 'live';
    core.counters.snapshots += 1;
    session.markHealthy();
    core.notice({ kind: 'snapshot', positions: core.state().positions.size, time: core.now() });
    core.notice({ kind: 'connection', socket: 'private', state: 'ready', reason: 'snapshot applied', time: core.now() });
    for (const frame of c.opening?.optional ?? []) session.send(frame);
    onSnapshot();
  }

  function onEvent(c: Connection, e: VenueEvent): void {
    switch (e.kind) {
      case 'ack':
        if (e.op === 'auth' && c.phase === 'auth') {
          if (e.ok) subscribe(c);
          else fail('auth', e.message, true);
        } else if (e.op === 'subscribe' && c.phase === 'subscribing') {
          if (!e.ok) return fail('subscribe', e.message, true);
          c.acksLeft -= 1;
          if (c.acksLeft <= 0) void snapshot(c);
        }
        return;
      case 'venue-error':
        // Counted by the frame parser; fatal only while authenticating or subscribing.
        if (c.phase === 'auth' || c.phase === 'subscribing') fail(c.phase === 'auth' ? 'auth' : 'subscribe', `${e.code} ${e.message}`, true);
        else core.notice({ kind: 'feed-error', stage: 'subscribe', message: `${e.code} ${e.message}`, time: core.now() });
        return;
      case 'session-expired':
        core.apply([e]);
        token = null;
        session.restart('session expired');
        return;
      default:
        if (!ACCOUNT_KINDS.has(e.kind)) return core.apply([e]);
        if (c.phase === 'live') core.apply([e]);
        else c.held.push(e);
    }
  }

  const session: SocketSession = createSocketSession({
    name: 'private',
    url,
    factory: core.options.socketFactory,
    clock: core.options.clock,
    random: core.options.random,
    backoff: core.options.backoff ?? DEFAULT_BACKOFF,
    heartbeat: core.timing.heartbeat,
    deadAfterMs: core.timing.deadAfterMs.private,
    maxConnectionMs: core.timing.maxConnectionMs,
    count: (what) => {
      if (what === 'out') core.counters.framesOut += 1;
      else core.counters.reconnects += 1;
    },
    onState: (state, reason) => {
      if (state !== 'connecting') {
        conn?.ackTimer?.cancel();
        // A connection that never became live may have been refused for its token: get a new one.
        if (state === 'down' && conn !== null && conn.phase !== 'live' && adapter.session !== null) token = null;
        conn = null;
      }
      core.notice({ kind: 'connection', socket: 'private', state, reason, time: core.now() });
    },
    onOpen: () => {
      const c: Connection = { phase: 'auth', acksLeft: 0, held: [], opening: null, ackTimer: null };
      conn = c;
      adapter.privateOpening(access, core.now(), hmac).then(
        (opening) => {
          if (conn !== c) return;
          c.opening = opening;
          if (opening.auth === null) return subscribe(c);
          session.send(opening.auth);
          armAckTimer(c, 'auth');
        },
        (e: unknown) => fail('config', errorText(e), true),
      );
    },
    onText: (text) => {
      const c = conn;
      for (const e of core.parseFrame(text)) if (c !== null && conn === c) onEvent(c, e);
    },
  });

  return {
    start: () => session.start(),
    stop: () => {
      keepAliveTimer?.cancel();
      session.stop();
    },
  };
}
