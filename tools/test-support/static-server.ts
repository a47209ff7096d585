import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface StaticServer {
  readonly origin: string;
  /** Serves `body` for `path` instead of the file (e.g. a changed sw.js, to trigger an update). */
  override(path: string, body: string): void;
  /** Drops every override. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * A tiny static server for a built site on 127.0.0.1 (random port): files as they are, extension-less
 * paths fall back to index.html like a single-page host, no caching headers to fool the worker's update
 * check. Starts in milliseconds, unlike `vite preview`.
 */
export async function serveStatic(dir: string): Promise<StaticServer> {
  const overrides = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const send = (status: number, type: string, body: string | Buffer): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-cache' });
      res.end(body);
    };
    const override = overrides.get(path);
    if (override !== undefined) return send(200, TYPES[extname(path)] ?? 'application/octet-stream', override);
    const wanted = path.endsWith('/') ? `${path}index.html` : extname(path) === '' ? '/index.html' : path;
    const file = normalize(join(dir, wanted));
    if (!file.startsWith(dir)) return send(403, 'text/plain', 'forbidden');
    readFile(file).then(
      (body) => send(200, TYPES[extname(file)] ?? 'application/octet-stream', body),
      () => send(404, 'text/plain', 'not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    override: (path, body) => overrides.set(path, body),
    reset: () => overrides.clear(),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
