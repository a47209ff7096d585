import type { ScenarioName } from '../market-paths/scenarios.ts';

/**
 * Connection timing, in REAL milliseconds (a client's heartbeat timers do not speed up with the
 * market). Defaults are the venues' documented rules (docs/margin-math.md §2.4, §3.3, §4.3, §5.3); tests
 * shorten them.
 */
export interface SimTiming {
  /** How often the market ticks and streams are considered for a push. */
  readonly tickMs: number;
  /** Binance: server ping frame every 3 min... */
  readonly binancePingIntervalMs: number;
  /** ...and a disconnect when no pong came back within 10 min. */
  readonly binancePongTimeoutMs: number;
  /** Binance: a connection is valid for 24 h. */
  readonly binanceMaxConnectionMs: number;
  /** Bybit: cut a client that sent no ping for this long (10 min; private `max_active_time` overrides). */
  readonly bybitIdleMs: number;
  /** OKX: break when no subscription is made or nothing is pushed or received for 30 s. */
  readonly okxIdleMs: number;
  /** OKX: regular `positions` / `account` snapshots (unless `updateInterval` is "0"). */
  readonly okxSnapshotIntervalMs: number;
  /** Hyperliquid: close when the server has sent nothing for 60 s. */
  readonly hyperliquidIdleMs: number;
  /** `disconnects`: mean lifetime of a connection before the server drops it (exponential, seeded). */
  readonly disconnectMeanMs: number;
  /** `garbage`: probability that a data frame is followed by a malformed one. */
  readonly garbageRate: number;
}

export const DEFAULT_TIMING: SimTiming = {
  tickMs: 100,
  binancePingIntervalMs: 3 * 60_000,
  binancePongTimeoutMs: 10 * 60_000,
  binanceMaxConnectionMs: 24 * 3_600_000,
  bybitIdleMs: 10 * 60_000,
  okxIdleMs: 30_000,
  okxSnapshotIntervalMs: 5_000,
  hyperliquidIdleMs: 60_000,
  disconnectMeanMs: 20_000,
  garbageRate: 0.1,
};

export interface SimulatorOptions {
  /** 0 picks a free port. Default 8780. */
  readonly port?: number;
  /** Loopback only; default 127.0.0.1. */
  readonly host?: string;
  readonly scenario?: ScenarioName;
  /** Sim time runs this many times faster than real time. Default 1. */
  readonly speed?: number;
  readonly seed?: number;
  /** Sim time at start (epoch ms). Default: the wall clock at start, rounded down to the second. */
  readonly startMs?: number;
  /** Sim time moves only through `clock.advance` (tests). */
  readonly manualClock?: boolean;
  readonly timing?: Partial<SimTiming>;
  /** Funding period in sim ms for every venue (default: 8 h CEXes, 1 h Hyperliquid). */
  readonly fundingIntervalMs?: number;
  /** Liquidate demo positions at rho >= 1 (default true). */
  readonly liquidations?: boolean;
  /** One line per notable event (connections, drops, liquidations). Default: silent. */
  readonly log?: (line: string) => void;
}
