import type { MarginModel } from '../engine/margin/margin-model.ts';
import type { VenueId } from '../engine/positions/account.ts';
import type { ParseResult } from '../engine/positions/venue-events.ts';
import type { EpochMs } from '../units/units.ts';
import type { Hmac } from './hmac.ts';
import type { RestRequest } from './http.ts';

/**
 * What one exchange supplies to the venue-neutral feed (one folder per venue, shared/exchanges/README.md): URLs, outbound frames, REST
 * calls as data, parsers and the margin model. Each `shared/exchanges/<venue>/adapter.ts` exports one
 * object of this type; `shared/exchanges/venues.ts` holds them in a record. Everything here is pure
 * (signing is async only because WebCrypto is). No adapter ever builds an order request: the keys
 * Margin Sentry holds are read-only and every call below reads.
 */

/** Where a venue lives: the real exchange (`liveEndpoints`) or the simulator (`<origin>/<venue>`). */
export interface VenueEndpoints {
  /** REST base without a trailing slash, e.g. `https://fapi.binance.com`. */
  readonly rest: string;
  /** Websocket base without a trailing slash, e.g. `wss://fstream.binance.com`. */
  readonly ws: string;
}

/**
 * Read-only credentials. Binance and Bybit: `apiKey` + `apiSecret`; OKX also `passphrase`;
 * Hyperliquid only the account `address` (its state is public).
 */
export interface VenueAccess {
  readonly apiKey?: string;
  readonly apiSecret?: string;
  readonly passphrase?: string;
  readonly address?: string;
}

/** Facts a parser may need beyond the frame itself. */
export interface ParseContext {
  /** Receive time, used when a frame carries no time of its own. */
  readonly now: EpochMs;
  /** Base units per contract (OKX `ctVal`); undefined until the instruments call answered. */
  contractSize(symbol: string): number | undefined;
}

export type RestPurpose =
  | 'instruments'
  | 'account-config'
  | 'positions'
  | 'balance'
  | 'tiers'
  | 'session-create'
  | 'session-keepalive';

/** A REST call and what it is for; `symbols` names the symbols a per-symbol call asked about. */
export interface RestCall {
  readonly purpose: RestPurpose;
  readonly request: RestRequest;
  readonly symbols?: readonly string[];
}

/** The frames that open a private socket: authenticate first (if any), then subscribe. */
export interface PrivateOpening {
  /** Sent on open; the feed subscribes only after an `ack` with op `auth` and ok. */
  readonly auth: string | null;
  readonly subscribe: readonly string[];
  /** Subscribe acks to wait for before the REST snapshot is taken (0: take it once open). */
  readonly acks: number;
  /**
   * Subscriptions worth having but not worth failing for (OKX `liquidation-warning`): sent once the
   * account is live; a refusal is reported and counted, the feed carries on.
   */
  readonly optional?: readonly string[];
}

/** An application-level ping the venue documents (protocol pings are answered by the socket itself). */
export interface Heartbeat {
  frame(requestId: number): string;
  /** `interval`: send every `intervalMs` (Bybit); `idle`: send after `intervalMs` with no frame either way (OKX, HL). */
  readonly mode: 'interval' | 'idle';
  readonly intervalMs: number;
}

export interface VenueTiming {
  readonly heartbeat: Heartbeat | null;
  /**
   * Silence after which a socket is taken for dead and reopened, per socket, or null: rely on close
   * events (a Binance user-data socket may carry nothing for hours and has no app-level ping).
   */
  readonly deadAfterMs: { readonly public: number | null; readonly private: number | null };
  /** The venue's cap on one connection's life (Binance 24 h): the feed reconnects before it. */
  readonly maxConnectionMs: number | null;
  /** No mark for a watched symbol within this bound: the feed reports it stale. */
  readonly markStaleAfterMs: number;
}

/** A private-stream token with a REST lifecycle (Binance listenKey). */
export interface SessionRules {
  /** How often to extend the token (Binance: valid 60 min, keep-alive every 30-50 min). */
  readonly keepAliveMs: number;
  create(access: VenueAccess): RestRequest;
  keepAlive(access: VenueAccess, token: string): RestRequest;
  /** The venue error code meaning "this token does not exist" (Binance -1125): create a new one. */
  readonly missingCode: string;
}

export interface VenueAdapter {
  readonly venue: VenueId;
  readonly margin: MarginModel;
  readonly liveEndpoints: VenueEndpoints;
  readonly timing: VenueTiming;
  /** The access fields a private feed needs. */
  readonly needs: readonly (keyof VenueAccess)[];
  /** The public (mark price) socket's URL; a venue that names streams in the URL uses `symbols`. */
  publicUrl(wsBase: string, symbols: readonly string[]): string;
  /** Frames to send when the public socket opens, for the symbols `publicUrl` was given. */
  publicOpening(symbols: readonly string[], requestId: number): string[];
  /** Frames adding `symbols` to an open public socket. */
  subscribeMarks(symbols: readonly string[], requestId: number): string[];
  privateUrl(wsBase: string, access: VenueAccess, sessionToken: string | null): string;
  privateOpening(access: VenueAccess, now: EpochMs, hmac: Hmac): Promise<PrivateOpening>;
  readonly session: SessionRules | null;
  /**
   * Reference data needed before any account frame can be read (OKX contract values). Fetched once,
   * before the private socket opens and before tiers are asked for; public, so watch-only works too.
   */
  setupCalls(access: VenueAccess, now: EpochMs, hmac: Hmac): Promise<RestCall[]>;
  /** The calls that rebuild the account from nothing, in order (account config first). */
  snapshotCalls(access: VenueAccess, now: EpochMs, hmac: Hmac): Promise<RestCall[]>;
  /** The calls fetching maintenance tiers for `symbols`. */
  tierCalls(symbols: readonly string[], access: VenueAccess, now: EpochMs, hmac: Hmac): Promise<RestCall[]>;
  /** One websocket text frame to events, or a typed error. Never throws. */
  parseFrame(text: string, ctx: ParseContext): ParseResult;
  /** One REST reply to events, or a typed error. Never throws. */
  parseRest(call: RestCall, status: number, body: string, ctx: ParseContext): ParseResult;
}
