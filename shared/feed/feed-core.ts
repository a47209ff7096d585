import type { AccountState } from '../engine/positions/account-state.ts';
import type { FeedCounters, FeedEvent, FeedNotice } from '../engine/positions/feed-notices.ts';
import type { VenueEvent } from '../engine/positions/venue-events.ts';
import type { Clock } from '../ports/clock.ts';
import type { Hmac } from '../ports/hmac.ts';
import { restUrl, type HttpClient } from '../ports/http.ts';
import type { SocketFactory } from '../ports/socket.ts';
import type { ParseContext, RestCall, VenueAccess, VenueAdapter, VenueEndpoints, VenueTiming } from '../ports/venue-adapter.ts';
import type { EpochMs } from '../units/units.ts';
import type { BackoffPolicy } from './backoff.ts';

/** Everything a feed is built from. The home supplies the platform pieces (socket, clock, HTTP, HMAC). */
export interface FeedOptions {
  readonly adapter: VenueAdapter;
  /** The venue's REST and websocket bases: `adapter.liveEndpoints`, or the simulator's `<origin>/<venue>`. */
  readonly endpoints: VenueEndpoints;
  /** Read-only credentials; without the ones `adapter.needs`, the feed follows marks of `watch` only. */
  readonly access: VenueAccess;
  /** Symbols to follow even without a position (venue spelling: BTCUSDT, BTC-USDT-SWAP, BTC). */
  readonly watch?: readonly string[];
  readonly socketFactory: SocketFactory;
  readonly clock: Clock;
  readonly http: HttpClient;
  readonly hmac: Hmac;
  /** Uniform [0, 1) for the reconnect jitter; seeded in tests (`seededRandom(seed).next`, market-paths). */
  readonly random: () => number;
  readonly backoff?: BackoffPolicy;
  /** Overrides of the venue's timing (tests, a demo played faster than real time). */
  readonly timing?: Partial<VenueTiming>;
  /** Tier tables older than this are fetched again (default one hour). */
  readonly tierMaxAgeMs?: number;
  /** How long to wait for an auth or subscribe answer before reconnecting (default 10 s). */
  readonly ackTimeoutMs?: number;
  readonly onEvent: (event: FeedEvent) => void;
}

/** A REST call's events, or why it failed; `code` is the venue's error code when the venue refused it. */
export type RestOutcome = { readonly events: readonly VenueEvent[] } | { readonly failure: string; readonly code?: string };

type MutableCounters = { -readonly [K in keyof FeedCounters]: FeedCounters[K] };

export const emptyCounters = (): MutableCounters => ({
  framesIn: 0,
  framesOut: 0,
  malformed: 0,
  dropped: 0,
  venueErrors: 0,
  reconnects: 0,
  snapshots: 0,
  restFailures: 0,
});

/** The pieces of a running feed that its public and private streams share (internal to shared/feed). */
export interface FeedCore {
  readonly options: FeedOptions;
  readonly timing: VenueTiming;
  readonly counters: MutableCounters;
  now(): EpochMs;
  state(): AccountState;
  parseContext(): ParseContext;
  /** Folds venue events into the account state and emits them, in order. */
  apply(events: readonly VenueEvent[]): void;
  notice(notice: FeedNotice): void;
  /** Parses one frame, counting malformed and dropped ones; returns its events (none on error). */
  parseFrame(text: string | null): readonly VenueEvent[];
  /** Sends one REST call and parses the reply: its events, or why it failed (already counted and reported). */
  rest(call: RestCall): Promise<RestOutcome>;
  /** Runs the adapter's setup calls once (again after a failure); resolves false when they failed. */
  ensureSetup(): Promise<boolean>;
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function restCaller(core: Omit<FeedCore, 'rest' | 'ensureSetup'>): FeedCore['rest'] {
  return async (call): Promise<RestOutcome> => {
    const { options } = core;
    const fail = (message: string): { failure: string } => {
      core.counters.restFailures += 1;
      core.notice({ kind: 'feed-error', stage: 'rest', message: `${call.purpose}: ${message}`, time: core.now() });
      return { failure: message };
    };
    let response;
    try {
      response = await options.http.send(restUrl(options.endpoints.rest, call.request), call.request);
    } catch (e) {
      return fail(`no response (${errorText(e)})`);
    }
    let result;
    try {
      result = options.adapter.parseRest(call, response.status, response.body, core.parseContext());
    } catch (e) {
      result = { ok: false as const, error: { kind: 'frame-error' as const, reason: 'malformed' as const, field: '?', message: errorText(e) } };
    }
    if (!result.ok) {
      core.counters.malformed += 1;
      return fail(`${result.error.message}${result.error.field === '' ? '' : ` at ${result.error.field}`}`);
    }
    const venueError = result.events.find((e) => e.kind === 'venue-error');
    if (venueError !== undefined && venueError.kind === 'venue-error') {
      core.counters.venueErrors += 1;
      return { ...fail(`venue error ${venueError.code}: ${venueError.message}`), code: venueError.code };
    }
    return { events: result.events };
  };
}
