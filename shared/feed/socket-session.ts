import type { ConnectionState, SocketName } from '../engine/positions/feed-notices.ts';
import type { Clock, Timer } from '../ports/clock.ts';
import type { FeedSocket, SocketFactory } from '../ports/socket.ts';
import type { Heartbeat } from '../ports/venue-adapter.ts';
import { backoffDelay, type BackoffPolicy } from './backoff.ts';

/**
 * One websocket kept alive: connect, the venue's heartbeat, a dead-socket check on silence, the
 * venue's maximum connection age, and reconnect with jittered exponential backoff. What is sent on
 * open and how frames are read belongs to the caller (feed.ts). Callbacks from a socket that was
 * already replaced are ignored (each connection has its own generation number).
 */
export interface SocketSessionOptions {
  readonly name: SocketName;
  /** The URL for the next connection; may need I/O (a Binance listenKey) and may fail. */
  readonly url: () => Promise<string>;
  readonly factory: SocketFactory;
  readonly clock: Clock;
  readonly random: () => number;
  readonly backoff: BackoffPolicy;
  readonly heartbeat: Heartbeat | null;
  readonly deadAfterMs: number | null;
  readonly maxConnectionMs: number | null;
  readonly onOpen: () => void;
  readonly onText: (text: string | null) => void;
  readonly onState: (state: ConnectionState, reason: string) => void;
  /** Counts frames sent and reconnects. */
  readonly count: (what: 'out' | 'reconnect') => void;
}

export interface SocketSession {
  start(): void;
  stop(): void;
  /** Sends on the open socket; false when there is none. */
  send(text: string): boolean;
  /** Drops the current connection (a protocol failure) and reconnects after the backoff delay. */
  restart(reason: string): void;
  /** The connection proved itself (subscribed, data flowing): the next failure starts the backoff afresh. */
  markHealthy(): void;
  isOpen(): boolean;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function createSocketSession(o: SocketSessionOptions): SocketSession {
  let generation = 0;
  let socket: FeedSocket | null = null;
  let open = false;
  let stopped = true;
  let attempt = 0;
  let retryTimer: Timer | null = null;
  let tickTimer: Timer | null = null;
  let lastIn = 0;
  let lastOut = 0;
  let lastPing = 0;
  let openedAt = 0;
  let pingId = 0;

  const bounds = [o.heartbeat?.intervalMs, o.deadAfterMs, o.maxConnectionMs].filter((n): n is number => n !== null && n !== undefined);
  const tickMs = Math.min(1000, Math.max(20, Math.min(...bounds, 4000) / 4));

  function send(text: string): boolean {
    if (!open || socket === null) return false;
    try {
      socket.send(text);
    } catch {
      return false;
    }
    lastOut = o.clock.now();
    o.count('out');
    return true;
  }

  function tick(gen: number): void {
    if (gen !== generation) return;
    const now = o.clock.now();
    if (o.deadAfterMs !== null && now - lastIn > o.deadAfterMs) return restart(`silent for ${Math.round((now - lastIn) / 1000)} s`);
    if (o.maxConnectionMs !== null && now - openedAt >= o.maxConnectionMs) return restart('connection age limit');
    const hb = o.heartbeat;
    if (hb !== null) {
      const since = hb.mode === 'interval' ? now - lastPing : now - Math.max(lastIn, lastOut);
      if (since >= hb.intervalMs) {
        lastPing = now;
        send(hb.frame(++pingId));
      }
    }
    tickTimer = o.clock.setTimer(tickMs, () => tick(gen));
  }

  function down(reason: string): void {
    generation += 1;
    open = false;
    socket = null;
    tickTimer?.cancel();
    tickTimer = null;
    if (stopped) return;
    o.onState('down', reason);
    o.count('reconnect');
    const delay = backoffDelay(attempt, o.backoff, o.random);
    attempt += 1;
    retryTimer?.cancel();
    retryTimer = o.clock.setTimer(delay, connect);
  }

  function connect(): void {
    retryTimer = null;
    if (stopped) return;
    const gen = ++generation;
    o.onState('connecting', attempt === 0 ? 'start' : `attempt ${attempt + 1}`);
    o.url().then(
      (url) => {
        if (gen !== generation || stopped) return;
        try {
          socket = o.factory(url, {
            onOpen: () => {
              if (gen !== generation) return;
              open = true;
              openedAt = lastIn = lastOut = lastPing = o.clock.now();
              tickTimer = o.clock.setTimer(tickMs, () => tick(gen));
              o.onOpen();
            },
            onMessage: (text) => {
              if (gen !== generation) return;
              lastIn = o.clock.now();
              o.onText(text);
            },
            onClose: (code, reason) => {
              if (gen !== generation) return;
              down(`closed (${code}${reason === '' ? '' : ` ${reason}`})`);
            },
          });
        } catch (e) {
          down(`cannot open: ${errorText(e)}`);
        }
      },
      (e: unknown) => {
        if (gen === generation && !stopped) down(`no URL: ${errorText(e)}`);
      },
    );
  }

  function restart(reason: string): void {
    const current = socket;
    down(reason);
    try {
      current?.close();
    } catch {
      // Closing a socket that is already gone is not a failure.
    }
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      attempt = 0;
      connect();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      retryTimer?.cancel();
      retryTimer = null;
      const current = socket;
      down('stopped');
      try {
        current?.close();
      } catch {
        // As above.
      }
      o.onState('stopped', 'stopped');
    },
    send,
    restart(reason) {
      if (!stopped) restart(reason);
    },
    markHealthy() {
      attempt = 0;
    },
    isOpen: () => open,
  };
}
