import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

/**
 * Serves the overlay's fixture pages (extension/content/fixtures) on loopback, each under its venue's
 * prefix and the venue's own path shape: /binance/en/futures/BTCUSDT, /bybit/trade/usdt/BTCUSDT,
 * /okx/trade-swap/btc-usdt-swap, /hyperliquid/trade/BTC. Any path under a prefix gets the venue's page,
 * as a single-page app's server does.
 */
const FIXTURES = resolve(import.meta.dirname, '../../extension/content/fixtures');

export interface FixturePages {
  readonly origin: string;
  close(): Promise<void>;
}

export async function serveFixturePages(): Promise<FixturePages> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const venue = /^\/(binance|bybit|okx|hyperliquid)\//.exec(path)?.[1];
    const file = path === '/fixture-app.js' ? 'fixture-app.js' : venue === undefined ? null : `${venue}.html`;
    if (file === null) {
      res.writeHead(404).end('not a fixture page');
      return;
    }
    res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8' });
    res.end(readFileSync(resolve(FIXTURES, file)));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(() => ok())) };
}
