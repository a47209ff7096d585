/** One stored mark price: time in ms since the epoch, price in quote per base unit (> 0, finite). */
export interface MarkPoint {
  readonly t: number;
  readonly price: number;
}

/**
 * A rolling, bounded history of mark prices per symbol, kept across restarts: the charts read it and
 * the volatility estimate warms up from it instead of starting cold. `symbol` is the caller's key
 * (e.g. `binance:BTCUSDT`). The home bounds the size; the oldest points go first.
 */
export interface MarkHistory {
  /** Adds a point; a second point at the same `t` replaces the first. */
  append(symbol: string, point: MarkPoint): Promise<void>;
  /** The kept points of `symbol`, oldest first. */
  read(symbol: string): Promise<readonly MarkPoint[]>;
}
