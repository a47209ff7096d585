import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { VENUE_IDS, type VenueId } from '../../shared/engine/positions/account.ts';
import { AccountBook } from './accounts/account-book.ts';
import { DEMO_ACCOUNTS } from './accounts/demo-accounts.ts';
import { extraSymbols } from './market/extra-symbols.ts';
import type { MarketCoin } from '../market-paths/scenarios.ts';
import { createMarket, type Market } from './market/market.ts';
import { restRoute } from './server/rest-routes.ts';
import { socketPolicy, type SimContext, type StreamSession } from './server/sim-context.ts';
import { SimSocket, type SimStats } from './server/sim-socket.ts';
import { upgradeRoute } from './server/upgrade-routes.ts';
import { simClock, type SimClock } from './sim-clock.ts';
import { DEFAULT_TIMING, type SimulatorOptions } from './sim-options.ts';
import { ListenKeys } from './venues/binance/listen-keys.ts';

/** A running simulator (see simulator/README.md "Programmatic API"). */
export interface RunningSimulator {
  /** `http://127.0.0.1:<port>`: REST base; venues under `/binance`, `/bybit`, `/okx`, `/hyperliquid`. */
  readonly url: string;
  /** `ws://127.0.0.1:<port>`: websocket base, same layout. */
  readonly wsUrl: string;
  readonly port: number;
  readonly host: string;
  readonly clock: SimClock;
  readonly books: Readonly<Record<VenueId, AccountBook>>;
  /** What the simulator did to clients so far, plus the connections open now. */
  stats(): SimStats & { open: number };
  /** Moves sim time forward and runs a tick at once (funding, liquidations, pushes). */
  advance(simMs: number): void;
  /** Runs one tick now. */
  tick(): void;
  /**
   * Holds coins at the prices given (the rest follow the scenario) until pinned again, or lets every
   * coin back onto the scenario's path with null: a tier crossed on command, on a manual clock the next
   * `advance` sends it (tools/bench/notification-latency.ts). The accounts follow, liquidations
   * included. A price that is not finite and above 0 is refused.
   */
  pinMarks(prices: Partial<Readonly<Record<MarketCoin, number>>> | null): void;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const MAX_BODY = 64 * 1024;

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new Error(`the simulator listens on loopback only, not ${host}`);
  const scenario = options.scenario ?? 'calm';
  const seed = options.seed ?? 1;
  const timing = { ...DEFAULT_TIMING, ...options.timing };
  const log = options.log ?? (() => undefined);
  const startMs = options.startMs ?? Math.floor(Date.now() / 1000) * 1000;
  const clock = simClock({ startMs, speed: options.speed ?? 1, manual: options.manualClock ?? false });
  const realNow = (): number => performance.now();
  const path = createMarket({ scenario, seed, startMs });
  let pinned: Partial<Readonly<Record<MarketCoin, number>>> = {};
  // The index keeps the path's basis under the mark (market.ts).
  const market: Market = {
    ...path,
    mark: (coin, t) => pinned[coin] ?? path.mark(coin, t),
    index: (coin, t) => {
      const p = pinned[coin];
      return p === undefined ? path.index(coin, t) : (p * path.index(coin, t)) / path.mark(coin, t);
    },
  };
  const books = Object.fromEntries(
    VENUE_IDS.map((venue) => [
      venue,
      new AccountBook(DEMO_ACCOUNTS[venue], market, {
        fundingIntervalMs: options.fundingIntervalMs ?? (venue === 'hyperliquid' ? 3_600_000 : 8 * 3_600_000),
        liquidations: options.liquidations ?? true,
        ...(venue === 'binance' ? { marginCallLevel: 0.8 } : {}),
      }),
    ]),
  ) as Record<VenueId, AccountBook>;
  for (const venue of VENUE_IDS) {
    books[venue].subscribe((change) => {
      if (change.kind === 'liquidation') log(`${venue}: liquidated ${change.closed.map((p) => `${p.coin} ${p.marginMode}`).join(', ')}`);
    });
  }
  const stats: SimStats = { connections: 0, drops: 0, garbageFrames: 0, heartbeatCloses: 0 };
  const sessions = new Set<StreamSession>();
  const ctx: SimContext = {
    clock, market, books, timing, scenario, seed, realNow, stats, log,
    binanceExtras: extraSymbols(seed),
    attach(ws: WebSocket, makeSession: (socket: SimSocket) => StreamSession): StreamSession {
      stats.connections += 1;
      const ordinal = stats.connections;
      const socket = new SimSocket(ws, ordinal, socketPolicy(scenario, seed, ordinal, timing, realNow()), realNow, stats, log);
      const session = makeSession(socket);
      sessions.add(session);
      ws.on('close', () => {
        sessions.delete(session);
        session.dispose?.();
      });
      ws.on('error', (e) => log(`#${ordinal} socket error: ${e.message}`));
      return session;
    },
  };
  const listenKeys = new ListenKeys(seed);

  const tick = (): void => {
    const simNow = clock.now();
    const real = realNow();
    for (const venue of VENUE_IDS) books[venue].advance(simNow);
    for (const session of [...sessions]) {
      try {
        if (session.socket.dropIfDue(real) || !session.socket.isOpen) continue;
        session.tick(simNow, real);
      } catch (e) {
        log(`#${session.socket.ordinal} tick failed: ${(e as Error).message}`);
      }
    }
  };

  const server = createServer((req, res) => {
    void answerRest(req, res);
  });
  const answerRest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE', 'Access-Control-Allow-Headers': '*' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://simulator');
    let body = '';
    for await (const chunk of req) {
      body += String(chunk);
      if (body.length > MAX_BODY) {
        res.writeHead(413).end();
        return;
      }
    }
    const reply = url.pathname === '/'
      ? { status: 200, body: { simulator: 'margin-sentry', scenario, speed: clock.speed, seed, simTime: clock.now(), venues: ['/binance', '/bybit', '/okx', '/hyperliquid'] } }
      : restRoute(ctx, listenKeys, url, { method: req.method ?? 'GET', rawQuery: url.search.slice(1), query: url.searchParams, headers: req.headers, body }, Date.now());
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'Content-Type': typeof reply.body === 'string' ? 'text/plain' : 'application/json' }).end(text);
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const route = upgradeRoute(ctx, listenKeys, new URL(req.url ?? '/', 'http://simulator'));
    if (route.kind === 'reject') {
      const text = JSON.stringify(route.body);
      socket.end(`HTTP/1.1 ${route.status} Refused\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => ctx.attach(ws, route.session));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8780, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const timer = setInterval(tick, timing.tickMs);
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  log(`simulator on http://${hostInUrl}:${port} scenario=${scenario} speed=${clock.speed} seed=${seed}`);

  return {
    url: `http://${hostInUrl}:${port}`,
    wsUrl: `ws://${hostInUrl}:${port}`,
    port,
    host,
    clock,
    books,
    stats: () => ({ ...stats, open: sessions.size }),
    advance: (simMs) => {
      clock.advance(simMs);
      tick();
    },
    tick,
    pinMarks: (prices) => {
      for (const [coin, p] of Object.entries(prices ?? {})) {
        if (!(typeof p === 'number' && Number.isFinite(p) && p > 0)) throw new Error(`pinMarks: ${coin} must be a finite price above 0, got ${String(p)}`);
      }
      pinned = { ...prices };
    },
    close: async () => {
      clearInterval(timer);
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
