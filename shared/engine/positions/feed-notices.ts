import type { EpochMs } from '../../units/units.ts';
import type { VenueEvent } from './venue-events.ts';

/**
 * What the feed (shared/feed) reports besides the venue's own events: the health of the data. The
 * alert policy turns `stale`, a dead connection or an expired session into an alert, because a
 * watcher that silently goes blind is worse than none. Defined here, beside the venue events, so
 * that the engine can consume them without importing the feed.
 */
export type SocketName = 'public' | 'private';

/**
 * `connecting`: opening or authenticating; `ready`: subscribed (and, for the private socket,
 * snapshot applied); `down`: closed, a reconnect is scheduled; `stopped`: the feed was stopped.
 */
export type ConnectionState = 'connecting' | 'ready' | 'down' | 'stopped';

export interface FeedCounters {
  readonly framesIn: number;
  readonly framesOut: number;
  /** Frames that were not JSON, had a missing or mistyped field, a NaN or an out-of-bounds number. */
  readonly malformed: number;
  /** Well-formed frames of a kind we do not consume. */
  readonly dropped: number;
  readonly venueErrors: number;
  readonly reconnects: number;
  readonly snapshots: number;
  /** REST calls that failed: no response, or a reply that could not be read. */
  readonly restFailures: number;
}

export type FeedNotice =
  | { readonly kind: 'connection'; readonly socket: SocketName; readonly state: ConnectionState; readonly reason: string; readonly time: EpochMs }
  /** These symbols have had no mark for longer than the venue's bound. */
  | { readonly kind: 'stale'; readonly symbols: readonly string[]; readonly time: EpochMs }
  /** These symbols have marks again. */
  | { readonly kind: 'fresh'; readonly symbols: readonly string[]; readonly time: EpochMs }
  /** A REST snapshot was applied (at start and after every private reconnect). */
  | { readonly kind: 'snapshot'; readonly positions: number; readonly time: EpochMs }
  | { readonly kind: 'feed-error'; readonly stage: 'config' | 'rest' | 'session' | 'auth' | 'subscribe'; readonly message: string; readonly time: EpochMs };

/** Everything a feed emits, in order: venue events (already folded into its state) and notices. */
export type FeedEvent = { readonly kind: 'venue'; readonly event: VenueEvent } | FeedNotice;

export interface FeedHealth {
  readonly connections: Readonly<Record<SocketName, ConnectionState>>;
  readonly stale: readonly string[];
  readonly counters: FeedCounters;
}
