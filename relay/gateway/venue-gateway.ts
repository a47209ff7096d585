import type { IncomingMessage, ServerResponse } from 'node:http';
import { VENUE_IDS, type VenueId } from '../../shared/engine/positions/account.ts';

/**
 * A venue gateway for pages (the PWA cannot call most venues from a browser: CORS). Two routes:
 *
 *   GET /v1/venues/<venue>/public/<venue path>?<query>   a cached proxy of the venue's public REST
 *   GET /v1/venues/<venue>/private/<venue path>?<query>  forwards a read request the PWA signed
 *
 * Both only GET, only the allow-listed paths below (tier tables, instruments, marks; positions and
 * balances), and only the venue's own auth headers on private calls. The relay never holds a secret:
 * the phone signs (its signature covers the path and query, which are forwarded unchanged), the relay
 * passes the request on and the answer back, and neither is cached or logged.
 */

const PUBLIC: Readonly<Record<VenueId, readonly string[]>> = {
  binance: ['/fapi/v1/exchangeInfo', '/fapi/v1/premiumIndex', '/fapi/v1/time'],
  bybit: ['/v5/market/risk-limit', '/v5/market/instruments-info', '/v5/market/tickers', '/v5/market/time'],
  okx: ['/api/v5/public/position-tiers', '/api/v5/public/instruments', '/api/v5/public/mark-price', '/api/v5/public/time'],
  // Hyperliquid's info endpoint is a POST (and answers browsers itself).
  hyperliquid: [],
};

const PRIVATE: Readonly<Record<VenueId, readonly string[]>> = {
  binance: ['/fapi/v1/leverageBracket', '/fapi/v2/positionRisk', '/fapi/v3/positionRisk', '/fapi/v2/account', '/fapi/v3/account'],
  bybit: ['/v5/position/list', '/v5/account/wallet-balance', '/v5/account/info'],
  okx: ['/api/v5/account/positions', '/api/v5/account/balance'],
  hyperliquid: [],
};

/** The request headers each venue authenticates with; nothing else is forwarded. */
const AUTH_HEADERS: Readonly<Record<VenueId, readonly string[]>> = {
  binance: ['x-mbx-apikey'],
  bybit: ['x-bapi-api-key', 'x-bapi-sign', 'x-bapi-timestamp', 'x-bapi-recv-window', 'x-bapi-sign-type'],
  okx: ['ok-access-key', 'ok-access-sign', 'ok-access-timestamp', 'ok-access-passphrase'],
  hyperliquid: [],
};

export interface GatewayOptions {
  /** The venue's REST base (`adapter.liveEndpoints.rest`, or the simulator's `<origin>/<venue>`). */
  readonly restBase: (venue: VenueId) => string;
  readonly fetch: typeof globalThis.fetch;
  readonly clock: () => number;
  /** Public answers are kept this long (tier tables and instruments change rarely). */
  readonly cacheMs?: number;
  readonly maxEntries?: number;
}

export interface VenueGateway {
  /** Handles the request if it is a gateway path (true), else leaves it to the other routes. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
}

interface Cached {
  readonly status: number;
  readonly body: Buffer;
  readonly contentType: string;
  readonly atMs: number;
}

const MAX_QUERY = 2_048;

function reply(res: ServerResponse, status: number, body: Buffer | string, contentType: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'access-control-allow-origin': '*', 'cache-control': 'no-store', ...extra });
  res.end(body);
}

const refuse = (res: ServerResponse, status: number, error: string): void => reply(res, status, JSON.stringify({ error }), 'application/json');

export function venueGateway(options: GatewayOptions): VenueGateway {
  const cacheMs = options.cacheMs ?? 5 * 60_000;
  const maxEntries = options.maxEntries ?? 500;
  const cache = new Map<string, Cached>();

  async function upstream(venue: VenueId, path: string, search: string, headers: Record<string, string>): Promise<Cached> {
    const response = await options.fetch(`${options.restBase(venue)}${path}${search}`, { headers, signal: AbortSignal.timeout(10_000) });
    const body = Buffer.from(await response.arrayBuffer());
    return { status: response.status, body, contentType: response.headers.get('content-type') ?? 'application/json', atMs: options.clock() };
  }

  return {
    async handle(req, res, url) {
      const m = /^\/v1\/venues\/([a-z]+)\/(public|private)(\/[\w/.-]*)$/.exec(url.pathname);
      if (m === null) return url.pathname.startsWith('/v1/venues/') ? (refuse(res, 404, 'not found'), true) : false;
      const [, venueText, kind, path] = m as unknown as [string, string, 'public' | 'private', string];
      if (!(VENUE_IDS as readonly string[]).includes(venueText)) return refuse(res, 404, `unknown venue ${venueText}`), true;
      const venue = venueText as VenueId;
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET', 'access-control-allow-headers': AUTH_HEADERS[venue].join(', ') || 'content-type', 'access-control-max-age': '600' });
        res.end();
        return true;
      }
      if (req.method !== 'GET') return refuse(res, 405, 'the gateway forwards GET requests only'), true;
      const allowed = (kind === 'public' ? PUBLIC : PRIVATE)[venue];
      if (!allowed.includes(path)) return refuse(res, 403, `${venue} ${kind} path not allowed: ${path}`), true;
      if (url.search.length > MAX_QUERY) return refuse(res, 414, 'query too long'), true;
      try {
        if (kind === 'public') {
          const key = `${venue}${path}${url.search}`;
          const hit = cache.get(key);
          if (hit !== undefined && options.clock() - hit.atMs < cacheMs) {
            reply(res, hit.status, hit.body, hit.contentType, { 'x-relay-cache': 'hit' });
            return true;
          }
          const fresh = await upstream(venue, path, url.search, {});
          if (fresh.status === 200) {
            cache.delete(key);
            cache.set(key, fresh);
            // Oldest first in a Map: drop the oldest beyond the bound.
            while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
          }
          reply(res, fresh.status, fresh.body, fresh.contentType, { 'x-relay-cache': 'miss' });
          return true;
        }
        const headers: Record<string, string> = {};
        for (const name of AUTH_HEADERS[venue]) {
          const value = req.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        const answer = await upstream(venue, path, url.search, headers);
        reply(res, answer.status, answer.body, answer.contentType);
      } catch (error) {
        refuse(res, 502, `${venue} did not answer (${error instanceof Error ? error.name : 'error'})`);
      }
      return true;
    },
  };
}
