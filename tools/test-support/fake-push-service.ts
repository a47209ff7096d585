import { createECDH, createPublicKey, verify, type ECDH } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

/**
 * A push service on loopback for tests: it hands out subscriptions (a browser's key pair and auth
 * secret), and checks each POST the way the real ones do: TTL present, `aes128gcm`, a VAPID token
 * whose ES256 signature verifies, whose `aud` is this origin and whose `exp` is at most 24 h ahead.
 * It decrypts with `http_ece` (the library web-push is built on), not with our own code, so a test
 * through it checks our sender against an independent receiver.
 */

const require = createRequire(import.meta.url);
const ece = require('http_ece') as { decrypt(buffer: Buffer, params: Record<string, unknown>): Buffer };

export interface ReceivedPush {
  readonly subscriptionId: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  readonly receivedAtMs: number;
}

interface Subscription {
  readonly ecdh: ECDH;
  readonly auth: Buffer;
  /** Status codes to answer with before accepting (e.g. [429, 503]); then 201, or `gone` for ever. */
  readonly script: number[];
  gone: boolean;
  retryAfter: string | null;
  readonly serverKey: string | null;
}

export interface FakePushService {
  readonly origin: string;
  /**
   * A new browser subscription, as `PushSubscription.toJSON()` would give it. With an
   * `applicationServerKey` (base64url), pushes signed with any other VAPID key are refused (403), as
   * the real services do: one subscription accepts one signing key.
   */
  subscribe(applicationServerKey?: string): { endpoint: string; keys: { p256dh: string; auth: string } };
  /** Answer these statuses first for that subscription (with an optional Retry-After). */
  failNext(endpoint: string, statuses: number[], retryAfter?: string): void;
  /** From now on the subscription is gone: 410. */
  expire(endpoint: string): void;
  readonly received: readonly ReceivedPush[];
  /** Requests refused for a bad header or token, with the reason (a sender bug if any). */
  readonly refused: readonly { readonly reason: string }[];
  /**
   * With `decryptLater`: decrypts every push accepted so far into `received` (a push that does not
   * decrypt goes to `refused`, as it would have been refused live); how many were opened.
   */
  openHeld(): number;
  close(): Promise<void>;
}

export interface FakePushOptions {
  readonly clock?: () => number;
  /**
   * Answer 201 once the headers and the VAPID token check out, and keep the body for `openHeld`: a
   * load bench then does the decryption (~1 ms a push) after its measured window, not on the cores
   * the relay is measured on. Nothing is checked less, only later.
   */
  readonly decryptLater?: boolean;
}

const b64 = (buf: Buffer): string => buf.toString('base64url');

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Why the VAPID header is unacceptable, or null (what a push service's 403 would say). */
function vapidProblem(header: string | undefined, origin: string, nowSec: number, verified: Set<string>): string | null {
  const match = /^vapid t=([\w-]+)\.([\w-]+)\.([\w-]+), k=([\w-]+)$/.exec(header ?? '');
  if (match === null) return 'Authorization is not "vapid t=..., k=..."';
  const [, h, c, s, k] = match as unknown as [string, string, string, string, string];
  // A sender reuses its token for hours: its signature is verified once (claims are checked each time).
  if (!verified.has(match[0])) {
    const point = Buffer.from(k, 'base64url');
    const jwk = { kty: 'EC', crv: 'P-256', x: b64(point.subarray(1, 33)), y: b64(point.subarray(33, 65)) };
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    const signed = verify('sha256', Buffer.from(`${h}.${c}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
    if (!signed) return 'the JWT signature does not verify with k';
    verified.add(match[0]);
  }
  const head = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
  if (head['alg'] !== 'ES256') return 'alg is not ES256';
  const claims = JSON.parse(Buffer.from(c, 'base64url').toString()) as Record<string, unknown>;
  if (claims['aud'] !== origin) return `aud ${String(claims['aud'])} is not ${origin}`;
  const exp = claims['exp'];
  if (typeof exp !== 'number' || exp <= nowSec || exp > nowSec + 24 * 3600) return 'exp is not within the next 24 h';
  if (typeof claims['sub'] !== 'string' || !/^(mailto:|https:)/.test(claims['sub'])) return 'sub is not mailto: or https:';
  return null;
}

export async function startFakePushService(options: FakePushOptions = {}): Promise<FakePushService> {
  const clock = options.clock ?? Date.now;
  const subscriptions = new Map<string, Subscription>();
  const received: ReceivedPush[] = [];
  const held: { subscriptionId: string; sub: Subscription; headers: Record<string, string>; payload: Buffer; receivedAtMs: number }[] = [];
  const refused: { reason: string }[] = [];
  const verifiedTokens = new Set<string>();
  let origin = '';
  let next = 0;

  const server: Server = createServer(async (req, res) => {
    const id = /^\/push\/(\w+)$/.exec(req.url ?? '')?.[1];
    const sub = id === undefined ? undefined : subscriptions.get(id);
    const payload = await body(req);
    const refuse = (status: number, reason: string) => {
      refused.push({ reason });
      res.writeHead(status).end(reason);
    };
    if (req.method !== 'POST' || id === undefined || sub === undefined) return void res.writeHead(404).end();
    if (sub.gone) return void res.writeHead(410).end();
    const scripted = sub.script.shift();
    if (scripted !== undefined) {
      res.writeHead(scripted, sub.retryAfter === null ? {} : { 'retry-after': sub.retryAfter }).end();
      return;
    }
    if (!/^\d+$/.test(String(req.headers['ttl'] ?? ''))) return refuse(400, 'TTL header missing');
    if (req.headers['content-encoding'] !== 'aes128gcm') return refuse(400, 'Content-Encoding is not aes128gcm');
    const topic = req.headers['topic'];
    if (topic !== undefined && !/^[\w-]{1,32}$/.test(String(topic))) return refuse(400, 'Topic is not at most 32 base64url characters');
    if (payload.length > 4096) return refuse(413, 'payload too large');
    const problem = vapidProblem(req.headers['authorization'], origin, Math.floor(clock() / 1000), verifiedTokens);
    if (problem !== null) return refuse(403, problem);
    const k = /, k=([\w-]+)$/.exec(String(req.headers['authorization']))?.[1];
    if (sub.serverKey !== null && k !== sub.serverKey) return refuse(403, 'the VAPID key is not the one the subscription was made with');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    if (options.decryptLater === true) {
      held.push({ subscriptionId: id, sub, headers, payload, receivedAtMs: clock() });
      return void res.writeHead(201).end();
    }
    const text = decrypt(payload, sub);
    if (typeof text !== 'string') return refuse(400, text.problem);
    received.push({ subscriptionId: id, headers, text, receivedAtMs: clock() });
    res.writeHead(201).end();
  });
  const decrypt = (payload: Buffer, sub: Subscription): string | { problem: string } => {
    try {
      return ece.decrypt(payload, { version: 'aes128gcm', privateKey: sub.ecdh, authSecret: sub.auth }).toString('utf8');
    } catch (error) {
      return { problem: `does not decrypt: ${String(error)}` };
    }
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const idOf = (endpoint: string): Subscription => {
    const sub = subscriptions.get(endpoint.split('/').pop() ?? '');
    if (sub === undefined) throw new Error(`no such subscription: ${endpoint}`);
    return sub;
  };

  return {
    origin,
    subscribe(applicationServerKey) {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(16)));
      const id = `s${++next}`;
      subscriptions.set(id, { ecdh, auth, script: [], gone: false, retryAfter: null, serverKey: applicationServerKey ?? null });
      return { endpoint: `${origin}/push/${id}`, keys: { p256dh: b64(ecdh.getPublicKey()), auth: b64(auth) } };
    },
    failNext(endpoint, statuses, retryAfter) {
      const sub = idOf(endpoint);
      sub.script.push(...statuses);
      sub.retryAfter = retryAfter ?? null;
    },
    expire(endpoint) {
      idOf(endpoint).gone = true;
    },
    received,
    refused,
    openHeld() {
      const opened = held.splice(0);
      for (const h of opened) {
        const text = decrypt(h.payload, h.sub);
        if (typeof text === 'string') received.push({ subscriptionId: h.subscriptionId, headers: h.headers, text, receivedAtMs: h.receivedAtMs });
        else refused.push({ reason: text.problem });
      }
      return opened.length;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
