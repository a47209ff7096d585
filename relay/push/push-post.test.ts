import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PushRequest } from '../../shared/push/push-request.ts';
import { httpPushPost, type HttpPushPost } from './push-post.ts';
import { testDir } from '../../tools/test-support/test-dir.ts';

/** Real servers on loopback: node:http(s) for what a push service answers, raw sockets for the odd answers. */

const closers: (() => void)[] = [];
afterEach(() => {
  while (closers.length > 0) closers.pop()!();
});

const request = (url: string, headers: Record<string, string> = {}): PushRequest => ({
  url,
  method: 'POST',
  headers: { TTL: '300', Urgency: 'high', 'Content-Encoding': 'aes128gcm', Authorization: 'vapid t=x.y.z, k=abc', ...headers },
  body: Uint8Array.from({ length: 300 }, (_, i) => i % 251),
});

function client(options: Parameters<typeof httpPushPost>[0] = {}): HttpPushPost {
  const c = httpPushPost(options);
  closers.push(() => c.close());
  return c;
}

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  socket: number;
}

async function httpService(answer: (seen: Seen, res: ServerResponse, n: number) => void, tlsOptions: { key: string; cert: string } | null = null): Promise<{ origin: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const sockets = new Map<object, number>();
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size);
      const s: Seen = { method: req.method!, path: req.url!, headers: req.headers, body: Buffer.concat(chunks), socket: sockets.get(req.socket)! };
      seen.push(s);
      answer(s, res, seen.length);
    });
  };
  const server = tlsOptions === null ? createHttpServer({ keepAliveTimeout: 60_000 }, handler) : createHttpsServer({ ...tlsOptions, keepAliveTimeout: 60_000 }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  const port = (server.address() as net.AddressInfo).port;
  return { origin: `${tlsOptions === null ? 'http' : 'https'}://127.0.0.1:${port}`, seen };
}

/** A server that writes exactly `answers[n]` for the n-th request it reads (by its blank line and Content-Length). */
async function rawService(answer: (n: number, socket: net.Socket) => void): Promise<{ origin: string; connections: () => number }> {
  let n = 0;
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    let buffered = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      buffered = Buffer.concat([buffered, d]);
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(buffered.toString('latin1', 0, end))?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        buffered = buffered.subarray(end + 4 + length);
        n += 1;
        answer(n, socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const open = new Set<net.Socket>();
  server.on('connection', (s) => {
    open.add(s);
    s.on('close', () => open.delete(s));
  });
  closers.push(() => {
    for (const s of open) s.destroy();
    server.close();
  });
  return { origin: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, connections: () => connections };
}

describe('httpPushPost (the relay\'s keep-alive HTTP/1.1 client)', () => {
  it('posts the headers, the body and the path as given, and reads 201, 404, 410 and 429 with Retry-After', async () => {
    const statuses = [201, 404, 410, 429];
    const service = await httpService((_, res, n) => {
      const status = statuses[(n - 1) % 4]!;
      res.writeHead(status, status === 429 ? { 'Retry-After': '7' } : {});
      res.end(status === 201 ? '' : 'some text explaining');
    });
    const http = client();
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await http.post(request(`${service.origin}/push/s${i}?q=1`, { Topic: `t${i}` }), 5_000));
    expect(answers).toEqual([
      { status: 201, retryAfter: null },
      { status: 404, retryAfter: null },
      { status: 410, retryAfter: null },
      { status: 429, retryAfter: '7' },
    ]);
    expect(service.seen.map((s) => s.path)).toEqual(['/push/s0?q=1', '/push/s1?q=1', '/push/s2?q=1', '/push/s3?q=1']);
    const first = service.seen[0]!;
    expect(first.method).toBe('POST');
    expect(first.headers).toMatchObject({ ttl: '300', urgency: 'high', 'content-encoding': 'aes128gcm', authorization: 'vapid t=x.y.z, k=abc', topic: 't0', 'content-length': '300', host: service.origin.slice(7) });
    expect([...first.body]).toEqual([...request(service.origin).body]);
    // Kept alive: one connection carried all four, one after the other.
    expect(new Set(service.seen.map((s) => s.socket)).size).toBe(1);
  });

  it('keeps at most socketsPerOrigin connections and queues the rest, every post answered', async () => {
    const service = await httpService((_, res) => setTimeout(() => res.writeHead(201).end(), 5));
    const http = client({ socketsPerOrigin: 3 });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => http.post(request(`${service.origin}/p/${i}`), 5_000)));
    expect(answers.every((a) => a.status === 201)).toBe(true);
    expect(new Set(service.seen.map((s) => s.path)).size).toBe(40);
    expect(new Set(service.seen.map((s) => s.socket)).size).toBe(3);
  });

  it('posts over TLS, checking the push service\'s certificate', async () => {
    const dir = testDir('push-post-tls-');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const key = readFileSync(join(dir, 'key.pem'), 'utf8');
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const service = await httpService((_, res, n) => res.writeHead(n === 2 ? 429 : 201, n === 2 ? { 'Retry-After': '3' } : {}).end(), { key, cert });
    const trusting = client({ ca: cert });
    expect(await trusting.post(request(`${service.origin}/push/a`), 5_000)).toEqual({ status: 201, retryAfter: null });
    expect(await trusting.post(request(`${service.origin}/push/b`), 5_000)).toEqual({ status: 429, retryAfter: '3' });
    expect(service.seen[1]!.body.length).toBe(300);
    expect(service.seen.map((s) => s.socket)).toEqual([0, 0]);
    // Without the CA the certificate is not trusted: no answer, so the sender retries later.
    await expect(client().post(request(`${service.origin}/push/c`), 5_000)).rejects.toThrow(/self.signed|certificate/i);
    expect(service.seen).toHaveLength(2);
  });

  it('reads chunked answers, answers without a length up to the close, and Connection: close', async () => {
    const service = await rawService((n, socket) => {
      if (n === 1) socket.write('HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3;x=y\r\n, w\r\n0\r\nX-Trailer: 1\r\n\r\n');
      else if (n === 2) socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Service Unavailable\r\nretry-after:  120 \r\nContent-Length: 4\r\n\r\nbusy');
      else if (n === 3) socket.end('HTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else if (n === 4) socket.end('HTTP/1.0 201 Created\r\n\r\nthe body runs to the close');
      else socket.write('HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n');
    });
    const http = client();
    expect(await http.post(request(`${service.origin}/a`), 5_000)).toEqual({ status: 201, retryAfter: null });
    expect(await http.post(request(`${service.origin}/b`), 5_000)).toEqual({ status: 503, retryAfter: '120' });
    expect(service.connections()).toBe(1);
    expect(await http.post(request(`${service.origin}/c`), 5_000)).toEqual({ status: 201, retryAfter: null });
    expect(service.connections()).toBe(1);
    expect(await http.post(request(`${service.origin}/d`), 5_000)).toEqual({ status: 201, retryAfter: null });
    expect(service.connections()).toBe(2);
    expect(await http.post(request(`${service.origin}/e`), 5_000)).toEqual({ status: 202, retryAfter: null });
    expect(service.connections()).toBe(3);
  });

  it('sends a post once more on a new connection when a kept-alive one closes before answering it', async () => {
    // The first connection answers once and then closes on the next request unanswered (a push service's idle timeout).
    const service = await rawService((n, socket) => {
      if (n === 2) socket.destroy();
      else socket.write('HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n');
    });
    const http = client({ socketsPerOrigin: 1 });
    expect((await http.post(request(`${service.origin}/a`), 5_000)).status).toBe(201);
    expect((await http.post(request(`${service.origin}/b`), 5_000)).status).toBe(201);
    expect(service.connections()).toBe(2);
  });

  it('rejects, naming why, a timeout, a refused connection, a malformed answer and a header with a line break', async () => {
    const silent = await rawService(() => undefined);
    const http = client();
    await expect(http.post(request(`${silent.origin}/a`), 100)).rejects.toThrow('no answer within 100 ms');
    const garbage = await rawService((_, socket) => socket.write('SMTP ready\r\n\r\n'));
    await expect(http.post(request(`${garbage.origin}/a`), 5_000)).rejects.toThrow('not an HTTP/1.x status line');
    const badLength = await rawService((_, socket) => socket.write('HTTP/1.1 201 Created\r\nContent-Length: lots\r\n\r\n'));
    await expect(http.post(request(`${badLength.origin}/a`), 5_000)).rejects.toThrow('Content-Length "lots" is not a length');
    const closedPort = await rawService(() => undefined);
    closers.pop()!(); // its server closed: the port refuses
    await expect(http.post(request(`${closedPort.origin}/a`), 5_000)).rejects.toThrow(/ECONNREFUSED/);
    await expect(http.post(request(`${silent.origin}/a`, { Topic: 'a\r\nX-Injected: 1' }), 5_000)).rejects.toThrow('header "Topic" holds a line break');
    await expect(http.post(request('ftp://127.0.0.1/a'), 5_000)).rejects.toThrow('ftp: is not http(s)');
  });
});
