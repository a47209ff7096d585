import net from 'node:net';
import tls from 'node:tls';
import type { PushRequest } from '../../shared/push/push-request.ts';

/**
 * Posts one push request and gives back the push service's answer. Rejects when there is no answer
 * (refused connection, timeout, a malformed answer): the sender treats that as a service that is down.
 */
export type PushPost = (request: PushRequest, timeoutMs: number) => Promise<{ readonly status: number; readonly retryAfter: string | null }>;

export interface HttpPushPost {
  readonly post: PushPost;
  /** Closes the kept-alive connections (relay stop). */
  close(): void;
}

/**
 * Connections to one push service by default. HTTP/1.1 carries one post at a time on each, so a push
 * service a round trip of R seconds away takes at most this / R posts a second: the flash burst's ~2,100
 * a second need ~200 at 100 ms (16, the default before 2026-11-27, gave ~150 a second; docs/relay-load-log.md,
 * "After the step").
 */
export const DEFAULT_PUSH_CONNECTIONS = 256;

/** Posts in flight for so many connections: the window is refilled when half of it is free, so twice them keeps every one busy. */
export const pushWindowFor = (connections: number): number => 2 * connections;

export interface HttpPushPostOptions {
  /** Connections kept to one push service at most; further posts wait for a free one. */
  readonly socketsPerOrigin?: number;
  /** For TLS push services (tests: a self-signed CA). Default: Node's trusted roots. */
  readonly ca?: string | Buffer;
}

/**
 * A keep-alive HTTP/1.1 client of its own over `net`/`tls`, at most `socketsPerOrigin` connections to
 * each push service, one request at a time on each. A push is one write of pre-built bytes (request
 * line, headers, body) and the answer is read for its status line, `Retry-After`, and how its body ends
 * (Content-Length, chunked, or the connection's close), nothing more. `node:http` cost ~180-240 µs of
 * the main thread a post on loopback (its agent, header objects, IncomingMessage streams), `fetch`
 * ~400-700 µs; this, ~30 µs (docs/relay-load-log.md, "The post, the workers' code, and a thread for the sender").
 */
export function httpPushPost(options: HttpPushPostOptions | number = {}): HttpPushPost {
  const { socketsPerOrigin = DEFAULT_PUSH_CONNECTIONS, ca } = typeof options === 'number' ? { socketsPerOrigin: options } : options;
  const origins = new Map<string, Origin>();
  let closed = false;
  // One sweep for every timeout instead of a timer per post.
  let sweep: NodeJS.Timeout | null = null;
  const sweepEvery = (timeoutMs: number): void => {
    if (sweep !== null) return;
    sweep = setInterval(() => {
      const now = performance.now();
      for (const origin of origins.values()) for (const c of origin.connections) c.expire(now);
    }, Math.max(50, Math.min(1_000, timeoutMs / 4)));
    sweep.unref();
  };

  const post: PushPost = (request, timeoutMs) =>
    new Promise((resolve, reject) => {
      if (closed) return reject(new Error('push post: closed'));
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        return reject(new Error('push endpoint: not a URL'));
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') return reject(new Error(`push endpoint: ${url.protocol} is not http(s)`));
      const head = requestHead(url, request);
      if (typeof head !== 'string') return reject(new Error(head.error));
      const bytes = Buffer.allocUnsafe(Buffer.byteLength(head, 'latin1') + request.body.length);
      const at = bytes.write(head, 'latin1');
      bytes.set(request.body, at);
      const key = url.protocol + url.host;
      let origin = origins.get(key);
      if (origin === undefined) {
        origin = new Origin(url, socketsPerOrigin, ca);
        origins.set(key, origin);
      }
      sweepEvery(timeoutMs);
      origin.send({ bytes, timeoutMs, resolve, reject, retried: false });
    });
  return {
    post,
    close() {
      closed = true;
      if (sweep !== null) clearInterval(sweep);
      for (const origin of origins.values()) origin.close();
      origins.clear();
    },
  };
}

/** Header values that would end a header line (from a device's endpoint or a bad caller) are refused. */
const LINE_BREAK = /[\r\n]/;

function requestHead(url: URL, request: PushRequest): string | { error: string } {
  let head = `${request.method} ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n`;
  for (const name in request.headers) {
    const value = request.headers[name]!;
    if (LINE_BREAK.test(value) || LINE_BREAK.test(name)) return { error: `push request: header ${JSON.stringify(name)} holds a line break` };
    if (name.toLowerCase() === 'content-length') continue;
    head += `${name}: ${value}\r\n`;
  }
  return `${head}Content-Length: ${request.body.length}\r\n\r\n`;
}

interface Pending {
  readonly bytes: Buffer;
  readonly timeoutMs: number;
  readonly resolve: (answer: { status: number; retryAfter: string | null }) => void;
  readonly reject: (error: Error) => void;
  /** Sent again once, on a new connection, after a kept-alive one closed before any answer. */
  retried: boolean;
}

class Origin {
  readonly connections = new Set<Connection>();
  private readonly idle: Connection[] = [];
  private readonly waiting: Pending[] = [];
  private waitingAt = 0;

  constructor(
    private readonly url: URL,
    private readonly max: number,
    private readonly ca: string | Buffer | undefined,
  ) {}

  send(p: Pending): void {
    const c = this.idle.pop();
    if (c !== undefined) return c.start(p);
    if (this.connections.size < this.max) return this.open().start(p);
    this.waiting.push(p);
  }

  /** A connection is free again: the oldest waiting post takes it. */
  free(c: Connection): void {
    if (this.waitingAt < this.waiting.length) {
      const p = this.waiting[this.waitingAt]!;
      this.waitingAt += 1;
      if (this.waitingAt > 1024 && this.waitingAt * 2 > this.waiting.length) {
        this.waiting.splice(0, this.waitingAt);
        this.waitingAt = 0;
      }
      return c.start(p);
    }
    this.idle.push(c);
  }

  gone(c: Connection, inFlight: Pending | null, error: Error, answered: boolean): void {
    this.connections.delete(c);
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    if (inFlight !== null) {
      // A kept-alive connection the push service closed as the post went out (its idle timeout):
      // nothing was answered, so it goes once more on a new connection, as browsers do.
      if (!answered && c.reused && !inFlight.retried) {
        inFlight.retried = true;
        this.send(inFlight);
      } else inFlight.reject(error);
    }
    // Posts waiting for a connection get one of their own (this one is gone).
    while (this.waitingAt < this.waiting.length && this.connections.size < this.max) {
      const p = this.waiting[this.waitingAt]!;
      this.waitingAt += 1;
      this.open().start(p);
    }
  }

  private open(): Connection {
    const port = Number(this.url.port || (this.url.protocol === 'https:' ? 443 : 80));
    const host = this.url.hostname.replace(/^\[|\]$/g, '');
    const socket =
      this.url.protocol === 'https:'
        ? tls.connect({ host, port, servername: net.isIP(host) === 0 ? host : undefined, ALPNProtocols: ['http/1.1'], ca: this.ca })
        : net.connect({ host, port });
    socket.setNoDelay(true);
    const c = new Connection(socket, this);
    this.connections.add(c);
    return c;
  }

  close(): void {
    for (const c of this.connections) c.destroy(new Error('push post: closed'));
    for (let i = this.waitingAt; i < this.waiting.length; i += 1) this.waiting[i]!.reject(new Error('push post: closed'));
    this.waiting.length = 0;
    this.waitingAt = 0;
  }
}

/** What is read of an answer: its status line and headers first, then its body to its end. */
type BodyEnd = { readonly kind: 'length'; left: number } | { readonly kind: 'chunked'; state: ChunkState } | { readonly kind: 'close' };
interface ChunkState {
  /** Octets of the current chunk's data (and its CRLF) still to skip; -1 while reading a size line. */
  left: number;
  /** The last chunk was read: the trailer's lines are skipped up to an empty one. */
  trailer: boolean;
}

/** Answers larger than this before their body are refused (a push service's are a few hundred octets). */
const MAX_HEAD = 16 * 1024;

class Connection {
  private current: Pending | null = null;
  private startedAt = 0;
  private buffered: Buffer | null = null;
  private answer: { status: number; retryAfter: string | null; keepAlive: boolean; body: BodyEnd } | null = null;
  private gotBytes = false;
  /** True once it has carried an answered post: a close before the next answer may be its idle timeout. */
  reused = false;
  private dead = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly origin: Origin,
  ) {
    socket.on('data', (d: Buffer) => this.read(d));
    socket.on('error', (e) => this.destroy(e));
    socket.on('close', () => this.closed());
    socket.on('end', () => this.closed());
  }

  start(p: Pending): void {
    this.current = p;
    this.startedAt = performance.now();
    this.gotBytes = false;
    this.socket.write(p.bytes);
  }

  expire(now: number): void {
    if (this.current !== null && now - this.startedAt > this.current.timeoutMs) {
      this.gotBytes = true; // timed out: not sent again
      this.destroy(new Error(`push service: no answer within ${this.current.timeoutMs} ms`));
    }
  }

  destroy(error: Error): void {
    if (this.dead) return;
    this.dead = true;
    this.socket.destroy();
    const p = this.current;
    this.current = null;
    this.origin.gone(this, p, error, this.gotBytes);
  }

  private closed(): void {
    if (this.dead) return;
    // An answer whose body runs to the close ends here.
    if (this.current !== null && this.answer !== null && this.answer.body.kind === 'close') {
      const { status, retryAfter } = this.answer;
      const p = this.current;
      this.current = null;
      this.answer = null;
      p.resolve({ status, retryAfter });
    }
    this.destroy(new Error('push service: connection closed before its answer'));
  }

  private read(chunk: Buffer): void {
    if (this.current === null) {
      // Bytes nobody asked for: the connection cannot be trusted with the next post.
      this.destroy(new Error('push service: answer without a request'));
      return;
    }
    this.gotBytes = true;
    let data = this.buffered === null ? chunk : Buffer.concat([this.buffered, chunk]);
    this.buffered = null;
    while (data.length > 0 && this.current !== null) {
      if (this.answer === null) {
        const end = data.indexOf('\r\n\r\n');
        if (end < 0) {
          if (data.length > MAX_HEAD) return this.destroy(new Error('push service: answer head too long'));
          this.buffered = data;
          return;
        }
        const parsed = parseHead(data.toString('latin1', 0, end));
        if (typeof parsed === 'string') return this.destroy(new Error(`push service: ${parsed}`));
        data = data.subarray(end + 4);
        if (parsed.status >= 100 && parsed.status < 200) continue; // 100 Continue and the like: the answer follows
        this.answer = parsed;
      }
      data = this.readBody(data);
      const body = this.answer?.body;
      if (body === undefined) return; // destroyed while reading it
      // Bytes past the answer's end were never asked for: the answer stands, the connection does not.
      if ((body.kind === 'length' && body.left === 0) || (body.kind === 'chunked' && body.state.left === -2)) return this.finish(data.length === 0);
      if (data.length > 0 && body.kind !== 'close') return this.destroy(new Error('push service: malformed chunked body'));
    }
  }

  /** Consumes what belongs to the body; gives back what is left after it. */
  private readBody(data: Buffer): Buffer {
    const body = this.answer!.body;
    if (body.kind === 'close') return Buffer.alloc(0);
    if (body.kind === 'length') {
      const take = Math.min(body.left, data.length);
      body.left -= take;
      return data.subarray(take);
    }
    const s = body.state;
    while (data.length > 0 && s.left !== -2) {
      if (s.left > 0) {
        const take = Math.min(s.left, data.length);
        s.left -= take;
        data = data.subarray(take);
        if (s.left === 0) s.left = -1;
        continue;
      }
      const eol = data.indexOf('\r\n');
      if (eol < 0) {
        if (data.length > MAX_HEAD) {
          this.destroy(new Error('push service: chunk line too long'));
          return Buffer.alloc(0);
        }
        this.buffered = data;
        return Buffer.alloc(0);
      }
      const line = data.toString('latin1', 0, eol);
      data = data.subarray(eol + 2);
      if (s.trailer) {
        if (line === '') s.left = -2; // the answer's end
        continue;
      }
      const size = parseInt(line, 16);
      if (!Number.isFinite(size) || size < 0 || !/^[0-9a-fA-F]+/.test(line)) {
        this.destroy(new Error('push service: malformed chunk size'));
        return Buffer.alloc(0);
      }
      if (size === 0) s.trailer = true;
      else s.left = size + 2; // the data and its CRLF
    }
    return data;
  }

  private finish(reusable: boolean): void {
    const { status, retryAfter, keepAlive } = this.answer!;
    const p = this.current!;
    this.current = null;
    this.answer = null;
    this.reused = true;
    p.resolve({ status, retryAfter });
    if (!keepAlive || !reusable) this.destroy(new Error('push service: closed after its answer'));
    else if (!this.dead) this.origin.free(this);
  }
}

/** The status line and the three headers this client reads; a string names what is wrong. */
function parseHead(head: string): { status: number; retryAfter: string | null; keepAlive: boolean; body: BodyEnd } | string {
  const lines = head.split('\r\n');
  const m = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0]!);
  if (m === null) return `not an HTTP/1.x status line: ${JSON.stringify(lines[0]!.slice(0, 40))}`;
  const status = Number(m[2]);
  let keepAlive = m[1] === '1';
  let retryAfter: string | null = null;
  let length: number | null = null;
  let chunked = false;
  for (let i = 1; i < lines.length; i += 1) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) return `malformed header line: ${JSON.stringify(line.slice(0, 40))}`;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') {
      if (!/^\d+$/.test(value)) return `Content-Length ${JSON.stringify(value.slice(0, 20))} is not a length`;
      length = Number(value);
    } else if (name === 'transfer-encoding') chunked = value.toLowerCase().split(',').map((t) => t.trim()).includes('chunked');
    else if (name === 'connection') {
      const tokens = value.toLowerCase();
      if (tokens.includes('close')) keepAlive = false;
      else if (tokens.includes('keep-alive')) keepAlive = true;
    } else if (name === 'retry-after') retryAfter = value;
  }
  const noBody = status === 204 || status === 304 || (status >= 100 && status < 200);
  const body: BodyEnd = noBody ? { kind: 'length', left: 0 } : chunked ? { kind: 'chunked', state: { left: -1, trailer: false } } : length !== null ? { kind: 'length', left: length } : { kind: 'close' };
  return { status, retryAfter, keepAlive: keepAlive && body.kind !== 'close', body };
}
