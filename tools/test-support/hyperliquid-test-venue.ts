import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A small real venue for feed tests, before (and beside) the simulator: Hyperliquid's protocol on
 * loopback (`POST /hl/info`, websocket `/hl/ws`), with an account the test edits and knobs to
 * misbehave (drop every socket, go silent, send garbage). Real sockets, real HTTP: not a mock.
 */
export interface TestPosition {
  readonly coin: string;
  readonly szi: number;
  readonly entryPx: number;
  readonly isolatedMargin?: number;
}

export interface TestVenue {
  readonly origin: string;
  readonly endpoints: { readonly rest: string; readonly ws: string };
  setPositions(positions: readonly TestPosition[], pushToSubscribers: boolean): void;
  setMark(coin: string, px: number): void;
  /** Stop sending anything (marks, pongs, state pushes) while true. */
  setSilent(silent: boolean): void;
  /** Terminates every open socket (no close handshake), as a crashed server or a cut cable does. */
  dropAllSockets(): void;
  sendRawToAll(text: string): void;
  readonly stats: { connections: number; infoCalls: number; pings: number; subscriptions: string[] };
  close(): Promise<void>;
}

const META = {
  universe: [
    { name: 'BTC', maxLeverage: 40, marginTableId: 56, szDecimals: 5 },
    { name: 'ETH', maxLeverage: 25, marginTableId: 25, szDecimals: 4 },
  ],
  marginTables: [[56, { description: 'tiered 40x', marginTiers: [{ lowerBound: '0.0', maxLeverage: 40 }, { lowerBound: '150000000.0', maxLeverage: 20 }] }]],
};

export async function startTestVenue(options: { markEveryMs?: number; walletUsd?: number } = {}): Promise<TestVenue> {
  let positions: readonly TestPosition[] = [];
  const marks = new Map<string, number>([['BTC', 60_000], ['ETH', 3_000]]);
  let silent = false;
  const wallet = options.walletUsd ?? 10_000;
  const stats = { connections: 0, infoCalls: 0, pings: 0, subscriptions: [] as string[] };
  const sockets = new Set<WebSocket>();
  const markSubscribers = new Map<WebSocket, Set<string>>();
  const stateSubscribers = new Set<WebSocket>();

  const state = () => {
    let crossPnl = 0;
    const assetPositions = positions.map((p) => {
      const mark = marks.get(p.coin) ?? p.entryPx;
      const pnl = p.szi * (mark - p.entryPx);
      const isolated = p.isolatedMargin !== undefined;
      if (!isolated) crossPnl += pnl;
      return {
        type: 'oneWay',
        position: {
          coin: p.coin,
          szi: String(p.szi),
          entryPx: String(p.entryPx),
          positionValue: String(Math.abs(p.szi) * mark),
          unrealizedPnl: String(pnl),
          liquidationPx: null,
          marginUsed: String(isolated ? p.isolatedMargin! + pnl : (Math.abs(p.szi) * mark) / 10),
          maxLeverage: 40,
          leverage: isolated ? { type: 'isolated', value: 10, rawUsd: String(p.isolatedMargin! - p.szi * p.entryPx) } : { type: 'cross', value: 10 },
          cumFunding: { allTime: '0', sinceOpen: '0', sinceChange: '0' },
        },
      };
    });
    const accountValue = String(wallet + crossPnl);
    const summary = { accountValue, totalNtlPos: '0', totalRawUsd: '0', totalMarginUsed: '0' };
    return { marginSummary: summary, crossMarginSummary: summary, crossMaintenanceMarginUsed: '0', withdrawable: accountValue, assetPositions, time: Date.now() };
  };

  const send = (ws: WebSocket, message: unknown) => {
    if (!silent && ws.readyState === ws.OPEN) ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  };

  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/hl/info') {
        res.writeHead(404).end('not found');
        return;
      }
      stats.infoCalls += 1;
      const request = JSON.parse(body) as { type: string };
      const reply = request.type === 'meta' ? META : request.type === 'clearinghouseState' ? state() : null;
      if (reply === null) res.writeHead(422).end('Failed to deserialize the JSON body');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });
  });
  const wss = new WebSocketServer({ server, path: '/hl/ws' });
  wss.on('connection', (ws) => {
    stats.connections += 1;
    sockets.add(ws);
    markSubscribers.set(ws, new Set());
    ws.on('close', () => {
      sockets.delete(ws);
      markSubscribers.delete(ws);
      stateSubscribers.delete(ws);
    });
    send(ws, 'Websocket connection established.');
    ws.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString()) as { method: string; subscription?: { type: string; coin?: string } };
      if (message.method === 'ping') {
        stats.pings += 1;
        send(ws, { channel: 'pong' });
        return;
      }
      const sub = message.subscription;
      if (message.method !== 'subscribe' || sub === undefined) return;
      stats.subscriptions.push(sub.type + (sub.coin === undefined ? '' : `:${sub.coin}`));
      send(ws, { channel: 'subscriptionResponse', data: message });
      if (sub.type === 'activeAssetCtx' && sub.coin !== undefined) markSubscribers.get(ws)?.add(sub.coin);
      if (sub.type === 'clearinghouseState') {
        stateSubscribers.add(ws);
        send(ws, { channel: 'clearinghouseState', data: { dex: '', user: '0x0', clearinghouseState: state() } });
      }
    });
  });
  const ticker = setInterval(() => {
    for (const [ws, coins] of markSubscribers) {
      for (const coin of coins) send(ws, { channel: 'activeAssetCtx', data: { coin, ctx: { markPx: String(marks.get(coin) ?? 1), funding: '0.0000125', oraclePx: '1' } } });
    }
  }, options.markEveryMs ?? 50);

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `127.0.0.1:${port}`;
  return {
    origin,
    endpoints: { rest: `http://${origin}/hl`, ws: `ws://${origin}/hl` },
    setPositions(next, push) {
      positions = next;
      if (push) for (const ws of stateSubscribers) send(ws, { channel: 'clearinghouseState', data: state() });
    },
    setMark: (coin, px) => void marks.set(coin, px),
    setSilent: (on) => void (silent = on),
    dropAllSockets: () => sockets.forEach((ws) => ws.terminate()),
    sendRawToAll: (text) => sockets.forEach((ws) => ws.readyState === ws.OPEN && ws.send(text)),
    stats,
    async close() {
      clearInterval(ticker);
      sockets.forEach((ws) => ws.terminate());
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
