import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newDeviceId, newDeviceToken, sameHash, tokenHash } from '../devices/device-token.ts';
import { parseDeviceRegistration, parseSubscriptionField, type JsonWebKeyData } from '../devices/device-registration.ts';
import type { RelayLog } from '../relay-log.ts';
import type { DeviceRecord, RelayStore } from '../store/relay-store.ts';
import { HttpRefusal, readJsonBody } from './read-body.ts';
import { rateLimiter, type RateLimit } from './rate-limit.ts';

/**
 * The relay's HTTP API. Every device route needs `Authorization: Bearer <token>` for that very device:
 * a token never opens another device's data (401, whichever the reason, so ids cannot be probed).
 * Bodies are JSON, size-limited (413) and field-checked (400 naming the field); each device, and each
 * address for registration, has a rate limit (429 with Retry-After).
 */

export interface RelayServerOptions {
  readonly store: RelayStore;
  readonly log: RelayLog;
  readonly clock: () => number;
  readonly bodyLimitBytes: number;
  readonly deviceRate: RateLimit;
  readonly registrationRate: RateLimit;
  /** The relay's own VAPID public key (base64url), for phones that subscribe with it. */
  readonly vapidPublicKey: string;
  /** Checks a device snapshot body; returns the canonical JSON text to store, or the refusal. */
  readonly checkSnapshot: (raw: unknown) => { ok: true; body: string } | { ok: false; field: string; message: string };
  /** Told after a device's snapshot is stored or the device is gone, so the watcher follows. */
  readonly onDeviceChanged: (deviceId: string) => void;
  readonly version: string;
}

export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

type Route = (req: IncomingMessage, res: ServerResponse, params: { deviceId: string | null }) => Promise<void>;

function send(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** A key pair the phone sent must sign and verify as one pair, or every push would be a 403. */
async function vapidPairWorks(jwk: JsonWebKeyData): Promise<boolean> {
  try {
    const subtle = globalThis.crypto.subtle;
    const privateKey = await subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    const { d: _d, ...publicJwk } = jwk;
    const publicKey = await subtle.importKey('jwk', publicJwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    const probe = new TextEncoder().encode('margin-sentry pairing check');
    const signature = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, probe);
    return await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, signature, probe);
  } catch {
    return false;
  }
}

export async function startRelayServer(options: RelayServerOptions, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  const { store, log, clock } = options;
  const deviceLimiter = rateLimiter(options.deviceRate);
  const registrationLimiter = rateLimiter(options.registrationRate);
  const startedAt = clock();

  const limit = (limiter: ReturnType<typeof rateLimiter>, key: string): void => {
    const verdict = limiter.take(key, clock());
    if (!verdict.ok) throw new HttpRefusal(429, 'too many requests', null, { 'retry-after': String(verdict.retryAfterSec) });
  };

  /** The device the bearer token opens, if it is the one in the path. */
  async function authorised(req: IncomingMessage, deviceId: string): Promise<DeviceRecord> {
    const header = req.headers['authorization'] ?? '';
    const token = /^Bearer ([\w-]{20,100})$/.exec(header)?.[1];
    const device = token === undefined ? null : await store.device(deviceId);
    if (token === undefined || device === null || !sameHash(device.tokenHash, await tokenHash(token))) {
      throw new HttpRefusal(401, 'no such device, or the token is not this device’s');
    }
    limit(deviceLimiter, deviceId);
    return device;
  }

  const routes: Record<string, Route> = {
    'GET /health': async (_req, res) => send(res, 200, { ok: true, version: options.version, uptimeSec: Math.round((clock() - startedAt) / 1000) }),
    'GET /v1/vapid-public-key': async (_req, res) => send(res, 200, { publicKey: options.vapidPublicKey }),
    'POST /v1/devices': async (req, res) => {
      limit(registrationLimiter, req.socket.remoteAddress ?? 'unknown');
      const registration = parseDeviceRegistration(await readJsonBody(req, options.bodyLimitBytes));
      if (!registration.ok) throw new HttpRefusal(400, registration.message, registration.field);
      const { vapidJwk } = registration.value;
      if (vapidJwk !== null && !(await vapidPairWorks(vapidJwk))) throw new HttpRefusal(400, 'the private key does not belong to the public key', 'vapid');
      const id = newDeviceId();
      const token = newDeviceToken();
      await store.createDevice({
        id,
        tokenHash: await tokenHash(token),
        createdAtMs: clock(),
        subscription: JSON.stringify(registration.value.subscription),
        vapidJwk: vapidJwk === null ? null : JSON.stringify(vapidJwk),
        subject: registration.value.subject,
      });
      log.info('device registered', { deviceId: id, ownVapid: vapidJwk !== null });
      send(res, 201, { id, token });
    },
    'PUT /v1/devices/:id/snapshot': async (req, res, { deviceId }) => {
      const device = await authorised(req, deviceId!);
      const checked = options.checkSnapshot(await readJsonBody(req, options.bodyLimitBytes));
      if (!checked.ok) throw new HttpRefusal(400, checked.message, checked.field);
      await store.putSnapshot({ deviceId: device.id, body: checked.body, receivedAtMs: clock() });
      options.onDeviceChanged(device.id);
      send(res, 200, { ok: true, receivedAtMs: clock() });
    },
    'GET /v1/devices/:id/snapshot': async (req, res, { deviceId }) => {
      const device = await authorised(req, deviceId!);
      const snapshot = await store.snapshot(device.id);
      if (snapshot === null) throw new HttpRefusal(404, 'no snapshot yet');
      send(res, 200, { receivedAtMs: snapshot.receivedAtMs, snapshot: JSON.parse(snapshot.body) as unknown });
    },
    'PUT /v1/devices/:id/subscription': async (req, res, { deviceId }) => {
      const device = await authorised(req, deviceId!);
      const subscription = parseSubscriptionField((await readJsonBody(req, options.bodyLimitBytes)) as unknown);
      if (!subscription.ok) throw new HttpRefusal(400, subscription.message, subscription.field);
      await store.updateSubscription(device.id, JSON.stringify(subscription.value));
      send(res, 200, { ok: true });
    },
    'DELETE /v1/devices/:id': async (req, res, { deviceId }) => {
      const device = await authorised(req, deviceId!);
      await store.deleteDevice(device.id);
      options.onDeviceChanged(device.id);
      log.info('device removed', { deviceId: device.id });
      send(res, 200, { ok: true });
    },
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://relay.invalid');
    const match = /^\/v1\/devices\/([\w-]{1,64})(\/[a-z]+)?$/.exec(url.pathname);
    const key = match === null ? `${req.method} ${url.pathname}` : `${req.method} /v1/devices/:id${match[2] ?? ''}`;
    const route = routes[key];
    const handle = async () => {
      if (route === undefined) {
        const known = Object.keys(routes).some((r) => r.endsWith(` ${key.split(' ')[1]}`));
        throw new HttpRefusal(known ? 405 : 404, known ? 'method not allowed' : 'not found');
      }
      await route(req, res, { deviceId: match?.[1] ?? null });
    };
    handle().catch((error: unknown) => {
      if (error instanceof HttpRefusal) {
        if (error.status >= 500) log.error('refused', { status: error.status, message: error.message });
        send(res, error.status, { error: error.message, ...(error.field === null ? {} : { field: error.field }) }, error.headers);
        return;
      }
      log.error('request failed', { route: key, error: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    });
  });
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
