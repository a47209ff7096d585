import type { WebSocket } from 'ws';
import type { VenueId } from '../../../shared/engine/positions/account.ts';
import type { ScenarioName } from '../../market-paths/scenarios.ts';
import { deriveSeed, seededRandom } from '../../market-paths/seeded-random.ts';
import type { AccountBook } from '../accounts/account-book.ts';
import type { ExtraSymbol } from '../market/extra-symbols.ts';
import type { Market } from '../market/market.ts';
import { connectionLifetimeMs, dropStyle } from '../misbehaviour/drops.ts';
import type { SimClock } from '../sim-clock.ts';
import type { SimTiming } from '../sim-options.ts';
import { SimSocket, type SimStats, type SocketPolicy } from './sim-socket.ts';

/** A live stream connection: the hub calls `tick` on every market tick until the socket closes. */
export interface StreamSession {
  readonly socket: SimSocket;
  tick(simNow: number, realNow: number): void;
  /** Called once when the socket has closed: stop listening to accounts. */
  dispose?(): void;
}

/** Everything a venue handler needs; built once per simulator run. */
export interface SimContext {
  readonly clock: SimClock;
  readonly market: Market;
  readonly books: Readonly<Record<VenueId, AccountBook>>;
  readonly timing: SimTiming;
  readonly scenario: ScenarioName;
  readonly seed: number;
  readonly realNow: () => number;
  readonly binanceExtras: readonly ExtraSymbol[];
  readonly stats: SimStats;
  readonly log: (line: string) => void;
  /** Wraps a new connection with the scenario's misbehaviour and registers its session. */
  attach(ws: WebSocket, makeSession: (socket: SimSocket) => StreamSession): StreamSession;
}

export function socketPolicy(scenario: ScenarioName, seed: number, ordinal: number, timing: SimTiming, realNow: number): SocketPolicy {
  if (scenario === 'disconnects') {
    return { drop: { atReal: realNow + connectionLifetimeMs(seed, ordinal, timing.disconnectMeanMs), style: dropStyle(seed, ordinal) } };
  }
  if (scenario === 'garbage') {
    return { garbage: { rng: seededRandom(deriveSeed(seed, `garbage-${ordinal}`)), rate: timing.garbageRate } };
  }
  return {};
}
