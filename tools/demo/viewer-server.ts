import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The demo's viewer: a loopback HTTP server with the page (`/`), the latest snapshot as JSON
 * (`/snapshot`) and a stream of snapshots as server-sent events (`/events`). No framework, no
 * dependency: the PWA replaces this page later.
 */
export interface Viewer {
  readonly url: string;
  /** Sends `snapshot` to every open page and keeps it for the next one. */
  publish(snapshot: unknown): void;
  readonly clients: () => number;
  close(): Promise<void>;
}

const page = readFileSync(new URL('./page.html', import.meta.url), 'utf8');

export async function startViewer(options: { readonly port: number; readonly host?: string }): Promise<Viewer> {
  const host = options.host ?? '127.0.0.1';
  let latest = '{}';
  const streams = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://viewer').pathname;
    if (req.method !== 'GET') {
      res.writeHead(405).end();
    } else if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(page);
    } else if (path === '/snapshot') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(latest);
    } else if (path === '/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      res.write(`data: ${latest}\n\n`);
      streams.add(res);
      req.on('close', () => streams.delete(res));
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    publish(snapshot) {
      latest = JSON.stringify(snapshot);
      for (const res of streams) res.write(`data: ${latest}\n\n`);
    },
    clients: () => streams.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of streams) res.end();
        streams.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
